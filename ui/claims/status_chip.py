"""The verdict drawn as a coloured chip in the claims table.

A rounded badge filled with the status colour and white text reads the same on light and
dark palettes and when the row is selected; the text stays the model's display text, so
sorting, copying and screen readers see the plain word.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.presentation import STATUS_COLOURS

PADDING_EM = 0.6


class StatusChipDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        status = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        fill = STATUS_COLOURS.get(status)
        if fill is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""  # the background, selection and focus, without the word
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)

        metrics = option.fontMetrics
        pad = metrics.horizontalAdvance("m") * PADDING_EM
        width = min(metrics.horizontalAdvance(status) + 2 * pad, option.rect.width() - 4)
        height = min(metrics.height() + 4, option.rect.height() - 4)
        rect = QRectF(
            option.rect.left() + 4,
            option.rect.center().y() - height / 2 + 1,
            width,
            height,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.setFont(option.font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, status)
        painter.restore()
