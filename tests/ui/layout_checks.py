"""Layout checks on real widgets: nothing overlaps, nothing is cut off, every label's text fits.

Each function returns the problems it found as sentences (empty: none), so that a test can
show them all at once and a subprocess (another screen scale) can print them as JSON.

- ``overlaps``: two visible sibling widgets whose geometries (in their common parent)
  intersect, or a visible child that sticks out of its parent (scrolled content inside a
  scroll area's viewport is allowed to);
- ``label_problems``: a visible label whose text does not fit its contents rectangle by its
  font's metrics (wrapped rich text measured with a ``QTextDocument`` at the label's width),
  unless it was elided (``…``) and carries the full text in its tooltip;
- ``shown_cell_text``: what a table cell shows once its delegate elided it to the column.
"""

from __future__ import annotations

import itertools
import re

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLabel,
    QMenu,
    QSplitterHandle,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

#: Rounding between the layout's integer geometry and text metrics in fractional pixels.
SLACK = 1


def _name(widget: QWidget) -> str:
    label = widget.objectName() or widget.accessibleName()
    text = widget.text() if isinstance(widget, QLabel) else ""
    return f"{type(widget).__name__}({label or text[:30]!r})"


def _shown_children(widget: QWidget) -> list[QWidget]:
    return [
        child
        for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if child.isVisible() and not child.isWindow() and not isinstance(child, QMenu)
    ]


def _scrolled(child: QWidget) -> bool:
    """``child`` is the content of a scroll area (its viewport's child): it may be larger."""
    parent = child.parentWidget()
    area = parent.parentWidget() if parent is not None else None
    return isinstance(area, QAbstractScrollArea) and parent is area.viewport()


def overlaps(root: QWidget) -> list[str]:
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or (widget is not root and widget.isWindow()):
            continue
        children = _shown_children(widget)
        for child in children:
            if isinstance(child, QSplitterHandle) or _scrolled(child):
                continue
            if not widget.rect().contains(child.geometry()):
                problems.append(
                    f"{_name(child)} {child.geometry().getRect()} sticks out of "
                    f"{_name(widget)} {widget.rect().getRect()}"
                )
        for a, b in itertools.combinations(children, 2):
            common = a.geometry().intersected(b.geometry())
            if common.width() > SLACK and common.height() > SLACK:
                problems.append(
                    f"{_name(a)} {a.geometry().getRect()} overlaps {_name(b)} "
                    f"{b.geometry().getRect()} in {_name(widget)}"
                )
    return problems


def text_box(label: QLabel) -> QRect:
    """Where a label draws its text: its contents rectangle less its margin and indent."""
    box = label.contentsRect()
    margin = label.margin()
    box.adjust(margin, margin, -margin, -margin)
    if label.indent() > 0:
        box.adjust(label.indent(), 0, 0, 0)
    return box


def text_size(label: QLabel, width: int | None) -> tuple[float, float]:
    """The size the label's text needs: one line (``width`` None) or wrapped at ``width``."""
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())
    )
    if rich:
        document.setHtml(label.text())
    elif label.buddy() is not None:  # "&Status" reads "Status" (Alt+S): "&&" is one "&"
        document.setPlainText(re.sub("&(.)", r"\1", label.text()))
    else:
        document.setPlainText(label.text())
    if width is not None:
        document.setTextWidth(width)
        return document.size().width(), document.size().height()
    return document.idealWidth(), document.size().height()


def label_problems(root: QWidget) -> list[str]:
    problems = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.pixmap().width() > 0:
            continue
        box = text_box(label)
        width, height = text_size(label, box.width() if label.wordWrap() else None)
        fits = width <= box.width() + SLACK and height <= box.height() + SLACK
        elided = "…" in label.text() and label.toolTip() and label.toolTip() != label.text()
        if not fits and not elided:
            problems.append(
                f"{_name(label)}: its text needs {width:.0f}×{height:.0f} px, it has "
                f"{box.width()}×{box.height()}"
            )
    return problems


def layout_problems(root: QWidget) -> list[str]:
    return overlaps(root) + label_problems(root)


def shown_cell_text(view: QTableView, row: int, column: int) -> str:
    """A table cell's text as its delegate draws it: elided to the column's width."""
    index = view.model().index(row, column)
    delegate = view.itemDelegateForIndex(index)
    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    option.rect = view.visualRect(index)
    assert isinstance(delegate, QStyledItemDelegate)
    delegate.initStyleOption(option, index)
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    width = view.columnWidth(column) - 2 * margin
    return option.fontMetrics.elidedText(option.text, option.textElideMode, width)
