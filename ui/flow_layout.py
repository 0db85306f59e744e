"""A layout that lays its items out in rows, wrapping to a new row when the width runs out
(Qt's Flow Layout example, in Python): a bar of filters that fits a 1920 px screen on one
row takes three on a laptop at 150% instead of pushing the panes beside it off the window.

Its minimum width is its widest item's; its height follows the width it is given
(``heightForWidth``), so the widget below it moves down rather than being overlapped.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._lay_out(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._lay_out(rect, move=True)

    def sizeHint(self) -> QSize:
        """Every item on one row."""
        width = sum(item.sizeHint().width() for item in self._visible())
        width += self._spacing * max(len(self._visible()) - 1, 0)
        height = max((item.sizeHint().height() for item in self._visible()), default=0)
        margins = self.contentsMargins()
        return QSize(width, height) + QSize(
            margins.left() + margins.right(), margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:
        """The widest item (each row holds at least one)."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _lay_out(self, rect: QRect, move: bool) -> int:
        """Place the items row by row within ``rect`` (only measure unless ``move``); the
        height used. A row's items share what is left of its width by their stretch."""
        area = rect.marginsRemoved(self.contentsMargins())
        rows: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._visible():
            width = item.sizeHint().width()
            if rows[-1] and used + self._spacing + width > area.width():
                rows.append([])
                used = 0
            used += (self._spacing if rows[-1] else 0) + width
            rows[-1].append(item)
        y = area.y()
        for row in rows:
            if not row:
                continue
            height = max(item.sizeHint().height() for item in row)
            if move:
                self._place(row, QPoint(area.x(), y), area.width(), height)
            y += height + self._spacing
        margins = self.contentsMargins()
        return y - self._spacing - rect.y() + margins.bottom() if y > area.y() else 0

    def _place(self, row: list[QLayoutItem], origin: QPoint, width: int, height: int) -> None:
        hints = [item.sizeHint().width() for item in row]
        spare = max(width - sum(hints) - self._spacing * (len(row) - 1), 0)
        x = origin.x()
        for item, hint in zip(row, hints, strict=True):
            # an item alone on a row narrower than its hint gets the row (at least its minimum)
            own = max(min(hint + spare // len(row), width), item.minimumSize().width())
            item.setGeometry(QRect(QPoint(x, origin.y()), QSize(own, height)))
            x += own + self._spacing
