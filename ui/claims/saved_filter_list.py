"""Saved filters on the left of the window: one click sets the filter bar to a query.

``SavedFilterList`` shows ``SavedFilter`` values from the workspace (shared by a team on
one server), the one whose query is on screen highlighted. ``SavedFilters`` does the work
behind it through the service: save the filter bar's query under a name (Ctrl+Shift+S in
the window), apply one, rename it (F2), delete it (Delete, after asking).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStatusBar,
    QWidget,
)

from ui.claims.case_list import wrap_to_width
from ui.claims.filter_bar import FilterBar
from ui.messages import confirm, show_error
from ui.presentation import format_time
from workbench.base.errors import WorkbenchError
from workbench.claims.saved_filters import SavedFilter, SavedFilterService
from workbench.claims.search import ClaimQuery

FILTER_ROLE = Qt.ItemDataRole.UserRole + 1
EMPTY = "No saved filters yet: set a filter, then Edit ▸ Save filter… (Ctrl+Shift+S)"


class SavedFilterList(QListWidget):
    #: A filter to apply (``SavedFilter``): a click, or Enter on the current one.
    chosen = Signal(object)
    rename_requested = Signal(object)
    delete_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Saved filters")
        wrap_to_width(self)
        self.itemClicked.connect(self._picked)
        self.itemActivated.connect(self._picked)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for text, key, signal in (
            ("&Rename…", "F2", self.rename_requested),
            ("&Delete", "Delete", self.delete_requested),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _=False, s=signal: self._ask(s))
            self.addAction(action)
        self.set_filters(())

    def set_filters(self, filters: Sequence[SavedFilter]) -> None:
        self.blockSignals(True)
        try:
            self.clear()
            for saved in filters:
                item = QListWidgetItem(saved.name)
                item.setData(FILTER_ROLE, saved)
                item.setToolTip(
                    f"{saved.name}\nSaved by {saved.analyst} at {format_time(saved.created_at)}"
                    "\nClick to apply; F2 renames, Delete removes"
                )
                self.addItem(item)
            if not filters:
                hint = QListWidgetItem(EMPTY)
                hint.setFlags(Qt.ItemFlag.NoItemFlags)
                self.addItem(hint)
        finally:
            self.blockSignals(False)

    def filters(self) -> list[SavedFilter]:
        found = (self.item(row).data(FILTER_ROLE) for row in range(self.count()))
        return [f for f in found if f is not None]

    def current_filter(self) -> SavedFilter | None:
        item = self.currentItem()
        return None if item is None else item.data(FILTER_ROLE)

    def show_query(self, query: ClaimQuery) -> None:
        """Highlight the filter that holds ``query`` (none if no filter does)."""
        self.blockSignals(True)
        try:
            for row in range(self.count()):
                saved = self.item(row).data(FILTER_ROLE)
                if saved is not None and saved.query == query:
                    self.setCurrentRow(row)
                    return
            self.setCurrentRow(-1)
        finally:
            self.blockSignals(False)

    def _picked(self, item: QListWidgetItem) -> None:
        saved = item.data(FILTER_ROLE)
        if saved is not None:
            self.chosen.emit(saved)

    def _ask(self, signal: SignalInstance) -> None:
        saved = self.current_filter()
        if saved is not None:
            signal.emit(saved)


class SavedFilters(QObject):
    """The saved filters' list and what its actions do, between the service and the bar.

    Applying a filter sets the bar and emits its ``changed``, so the window filters the
    table the one way it always does.
    """

    def __init__(
        self,
        service: SavedFilterService,
        bar: FilterBar,
        status: QStatusBar,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._service, self._bar, self._status, self._window = service, bar, status, window
        self.view = SavedFilterList()
        self.view.chosen.connect(self.apply)
        self.view.rename_requested.connect(self.rename)
        self.view.delete_requested.connect(self.delete)

    def refresh(self) -> None:
        """Re-read the filters (a colleague may have saved one)."""
        try:
            self.view.set_filters(self._service.list())
        except WorkbenchError as exc:
            show_error(self._window, "Cannot list the saved filters", exc)
        self.view.show_query(self._bar.query())

    def apply(self, saved: SavedFilter) -> None:
        missing = self._bar.set_query(saved.query)
        self._bar.changed.emit()
        if missing:
            self._status.showMessage(
                f"Saved filter “{saved.name}”: its {', '.join(missing)} is no longer in this "
                f"workspace, so it is left at Any; {self._status.currentMessage()}"
            )

    def save(self) -> QInputDialog:
        """Ask a name for the bar's query, then keep it (a name in use is updated)."""
        current = self.view.current_filter()
        suggestion = current.name if current else self._bar.search.text().strip()
        return self._ask_name(
            "Save filter", "Name for the current search and filters:", suggestion, self._save_as
        )

    def rename(self, saved: SavedFilter) -> QInputDialog:
        def rename(name: str) -> None:
            try:
                self._service.rename(saved.id, name)
            except WorkbenchError as exc:
                show_error(self._window, "The filter was not renamed", exc)
            self.refresh()

        return self._ask_name("Rename saved filter", "New name:", saved.name, rename)

    def delete(self, saved: SavedFilter) -> QMessageBox:
        """Ask, then remove ``saved`` (the claims it found are not touched)."""

        def delete() -> None:
            try:
                self._service.delete(saved.id)
            except WorkbenchError as exc:
                show_error(self._window, "The filter was not deleted", exc)
            self.refresh()
            self._status.showMessage(f"Deleted saved filter “{saved.name}”")

        return confirm(
            self._window,
            "Delete saved filter",
            f"Delete the saved filter “{saved.name}”? Claims are not affected.",
            "Delete",
            delete,
        )

    def _save_as(self, name: str) -> None:
        try:
            saved = self._service.save(name, self._bar.query())
        except WorkbenchError as exc:
            show_error(self._window, "The filter was not saved", exc)
            return
        self.refresh()
        self._status.showMessage(f"Saved filter “{saved.name}”")

    def _ask_name(
        self, title: str, label: str, name: str, done: Callable[[str], None]
    ) -> QInputDialog:
        dialog = QInputDialog(self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(name)
        dialog.textValueSelected.connect(done)
        dialog.open()
        return dialog
