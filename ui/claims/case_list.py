"""The cases on the left of the window: "All claims" and each case, one click to filter."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from workbench.base.bidi import reveal

ALL_CLAIMS = "All claims"
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def wrap_to_width(view: QListWidget) -> None:
    """Long names wrap to the column's width instead of scrolling sideways."""
    view.setWordWrap(True)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


class CaseList(QListWidget):
    #: The case the analyst picked (its id), or None for every claim.
    case_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Cases")
        self.setToolTip("Show the claims of one case")
        wrap_to_width(self)
        self.currentItemChanged.connect(self._picked)
        self.set_cases(())

    def set_cases(self, cases: Sequence[tuple[str, str]]) -> None:
        """Offer ``(id, name)`` cases, keeping the current one if it still exists."""
        current = self.current_case()
        self.blockSignals(True)
        try:
            self.clear()
            everything = QListWidgetItem(ALL_CLAIMS)
            everything.setData(CASE_ID_ROLE, None)
            self.addItem(everything)
            for case_id, name in cases:
                item = QListWidgetItem(reveal(name))  # its bidi controls shown, not obeyed
                item.setData(CASE_ID_ROLE, case_id)
                item.setToolTip(reveal(name))
                self.addItem(item)
            self._select(current)
        finally:
            self.blockSignals(False)

    def current_case(self) -> str | None:
        item = self.currentItem()
        return None if item is None else item.data(CASE_ID_ROLE)

    def show_case(self, case_id: str | None) -> None:
        """Follow a choice made elsewhere (the filter bar) without announcing it again."""
        self.blockSignals(True)
        try:
            self._select(case_id)
        finally:
            self.blockSignals(False)

    def _select(self, case_id: str | None) -> None:
        for row in range(self.count()):
            if self.item(row).data(CASE_ID_ROLE) == case_id:
                self.setCurrentRow(row)
                return
        self.setCurrentRow(0)

    def _picked(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        self.case_chosen.emit(None if item is None else item.data(CASE_ID_ROLE))
