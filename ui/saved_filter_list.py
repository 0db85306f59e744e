"""Saved filters on the left of the window: one click sets the filter bar to a query.

The list shows ``SavedFilter`` values from the workspace (shared by a team on one
server); the window does the saving, renaming and removing through the service and
hands the list the new values. The filter whose query is the one shown is highlighted.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from ui.case_list import wrap_to_width
from ui.claims_model import format_time
from workbench.saved_filters import SavedFilter
from workbench.search import ClaimQuery

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
