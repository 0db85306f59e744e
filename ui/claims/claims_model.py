"""The claims table: the ids of the matching claims, and their rows fetched as shown.

The model holds the list of claim ids that match the current ``ClaimQuery`` (one quick
query to the search service) and asks for the light rows (``ClaimRow``) of a page only
when the view shows it, keeping a few pages. A workspace of 100,000 claims therefore
costs the window one id list, never 100,000 rows. Sorting is done by the database
(``sort``), not by a proxy model that would have to read every row.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from ui.presentation import SEEN_BADGE, SEEN_COLOUR, format_time
from workbench.base.bidi import isolate, reveal
from workbench.claims.search import ClaimQuery, ClaimRow, ClaimSearch

COL_STATUS, COL_POSTED, COL_SOURCE, COL_TEXT, COL_MEDIA = range(5)
HEADERS = ("Status", "Posted", "Source", "Claim", "Media")
#: The columns the database can order by, and how.
SORTABLE = {COL_STATUS: "status", COL_POSTED: "posted_at"}
DEFAULT_ORDER = "created_at asc"  # as logged
PAGE = 200
PAGES_KEPT = 16

#: The claim's id (``str``) for any cell of its row.
CLAIM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Whether any of the claim's pictures was seen before (``bool``).
SEEN_BEFORE_ROLE = Qt.ItemDataRole.UserRole + 2
AnyIndex = QModelIndex | QPersistentModelIndex


class MiddleElideDelegate(QStyledItemDelegate):
    """Cuts a cell's text in the middle, not at its end: a long handle in the source
    column keeps its platform's end and its reliability grade (``… (telegram) · B``)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class ClaimsModel(QAbstractTableModel):
    def __init__(self, search: ClaimSearch, parent: Any = None) -> None:
        super().__init__(parent)
        self._search = search
        self._query = ClaimQuery()
        self._order = DEFAULT_ORDER
        self._ids: list[str] = []
        self._loaded = False
        self._pages: OrderedDict[int, list[ClaimRow | None]] = OrderedDict()

    @property
    def query(self) -> ClaimQuery:
        return self._query

    def set_query(self, query: ClaimQuery) -> None:
        self._query = query
        self.refresh()

    def refresh(self) -> None:
        """Re-read which claims match (after a change, a new query or a new order)."""
        ids = self._search.ids(self._query, self._order)
        self._loaded = True
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def update_rows(self, claim_ids: Collection[str] | None = None) -> bool:
        """Re-read after changes made elsewhere (another analyst), gently: when the same
        claims still match in the same order, only the rows of ``claim_ids`` (None: every
        row) are fetched again and repainted, so the selection, the current row and the
        scroll position stay as they are. Otherwise the model is reset, as ``refresh``
        does, and True is returned: the view's selection is then the caller's to restore.
        """
        ids = self._search.ids(self._query, self._order)
        if ids != self._ids:
            self._loaded = True
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self.endResetModel()
            return True
        last = len(HEADERS) - 1
        if claim_ids is None:
            self._pages.clear()
            if self._ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, last))
            return False
        wanted = set(claim_ids)
        rows = [number for number, claim_id in enumerate(self._ids) if claim_id in wanted]
        for page in {number // PAGE for number in rows}:
            self._pages.pop(page, None)
        for number in rows:
            self.dataChanged.emit(self.index(number, 0), self.index(number, last))
        return False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORTABLE.get(column)
        direction = "asc" if order == Qt.SortOrder.AscendingOrder else "desc"
        wanted = DEFAULT_ORDER if key is None else f"{key} {direction}"
        if wanted != self._order:  # the view asks again on every header setup: no re-query
            self._order = wanted
            if self._loaded:  # before the first refresh, only note the order
                self.refresh()

    def row(self, number: int) -> ClaimRow | None:
        """The row for line ``number``, from a page fetched on first use."""
        page, offset = divmod(number, PAGE)
        rows = self._pages.get(page)
        if rows is None:
            ids = self._ids[page * PAGE : (page + 1) * PAGE]
            found = {r.id: r for r in self._search.rows(ids)}
            rows = [found.get(claim_id) for claim_id in ids]  # None: removed meanwhile
            self._pages[page] = rows
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows[offset]

    # -- lookups -------------------------------------------------------------------------

    def claim_id(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, claim_id: str) -> int | None:
        try:
            return self._ids.index(claim_id)
        except ValueError:
            return None

    # -- the Qt model contract -----------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == CLAIM_ID_ROLE:
            return self._ids[index.row()]
        row, column = self.row(index.row()), index.column()
        if row is None:
            return (
                "(removed)" if role == Qt.ItemDataRole.DisplayRole and column == COL_TEXT else None
            )
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SEEN_BEFORE_ROLE:
            return row.seen_before
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_TEXT:
            return isolate(row.text)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_SOURCE and row.source:
            grade = f", reliability {row.reliability}" if row.reliability else ""
            return reveal(row.source) + grade  # the whole handle, when the cell cuts it
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_MEDIA and row.seen_before:
            return "A picture of this claim was seen before, under another claim or file"
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_MEDIA and row.seen_before:
            return QBrush(SEEN_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_MEDIA:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(row: ClaimRow, column: int) -> Any:
        if column == COL_STATUS:
            return row.status
        if column == COL_POSTED:
            return format_time(row.posted_at)
        if column == COL_SOURCE:
            source = reveal(row.source)  # a handle cannot pass for another
            return f"{source} · {row.reliability}" if row.reliability else source
        if column == COL_TEXT:
            return isolate(row.text)  # its controls end in its cell
        if column == COL_MEDIA:
            count = str(row.media_count) if row.media_count else ""
            return f"{SEEN_BADGE}  {count}" if row.seen_before else count
        return None
