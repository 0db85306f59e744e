"""The claims table: one light row per claim, fetched from the claim service.

The model keeps only what the table shows (``ClaimRow``), never the service's full views
and never ORM objects; the detail pane asks the service for the rest by id
(``CLAIM_ID_ROLE``). ``refresh()`` re-reads the rows after anything changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from workbench.views import ClaimView

COL_STATUS, COL_POSTED, COL_SOURCE, COL_TEXT, COL_MEDIA = range(5)
HEADERS = ("Status", "Posted", "Source", "Claim", "Media")

#: The claim's id (``str``) for any cell of its row.
CLAIM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: A value that sorts the column sensibly (ISO time, lower-case text, count).
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

#: Verdict colours: green and red that stay readable on light and dark palettes.
STATUS_COLOURS = {"confirmed": QColor("#1b7f3b"), "refuted": QColor("#b3261e")}

AnyIndex = QModelIndex | QPersistentModelIndex
FetchClaims = Callable[[], Sequence[ClaimView]]


@dataclasses.dataclass(frozen=True)
class ClaimRow:
    id: str
    status: str
    posted_at: datetime | None
    source: str
    text: str
    media_count: int

    @classmethod
    def of(cls, view: ClaimView) -> ClaimRow:
        source = ""
        if view.source is not None:
            name = view.source.display_name or view.source.handle
            source = f"{name} ({view.source.platform})" if view.source.platform else name
        return cls(
            id=view.id,
            status=view.status,
            posted_at=view.posted_at,
            source=source,
            text=" ".join(view.text.split()),  # one line in the table
            media_count=len(view.media),
        )


def format_time(value: datetime | None) -> str:
    """``2015-06-01`` for a bare date (midnight UTC), else ``2015-06-01 14:30 UTC``."""
    if value is None:
        return ""
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return f"{value:%Y-%m-%d}"
    return f"{value:%Y-%m-%d %H:%M} UTC"


class ClaimsModel(QAbstractTableModel):
    """Claims as table rows. ``fetch`` returns the claims to show, e.g.
    ``workspace.claims.find`` (or a lambda that applies the current filters)."""

    def __init__(self, fetch: FetchClaims, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._rows: list[ClaimRow] = []

    def refresh(self) -> None:
        rows = [ClaimRow.of(view) for view in self._fetch()]
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    # -- lookups -------------------------------------------------------------------------

    def claim_id(self, row: int) -> str:
        return self._rows[row].id

    def row_of(self, claim_id: str) -> int | None:
        for number, row in enumerate(self._rows):
            if row.id == claim_id:
                return number
        return None

    # -- the Qt model contract -----------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

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
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == CLAIM_ID_ROLE:
            return row.id
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_TEXT:
            return row.text
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            colour = STATUS_COLOURS.get(row.status)
            return QBrush(colour) if colour is not None else None
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
            return row.source
        if column == COL_TEXT:
            return row.text
        if column == COL_MEDIA:
            return str(row.media_count) if row.media_count else ""
        return None

    @staticmethod
    def _sort_key(row: ClaimRow, column: int) -> Any:
        if column == COL_POSTED:
            return row.posted_at.isoformat() if row.posted_at else ""
        if column == COL_MEDIA:
            return row.media_count
        return str(ClaimsModel._display(row, column)).casefold()
