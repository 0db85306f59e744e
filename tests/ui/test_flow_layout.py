"""The filter pickers' layout: one row where there is room, more rows where there is not."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from ui.claims.filter_bar import FilterBar
from ui.flow_layout import FlowLayout


def _box(qtbot: QtBot, words: list[str]) -> tuple[QWidget, list[QLabel]]:
    box = QWidget()
    qtbot.addWidget(box)
    flow = FlowLayout(box, spacing=4)
    labels = [QLabel(word) for word in words]
    for label in labels:
        flow.addWidget(label)
    return box, labels


def test_items_wrap_to_the_width_and_the_height_follows(qtbot: QtBot) -> None:
    box, labels = _box(qtbot, ["Source picker", "Actor picker", "Tag picker", "Posted from"])
    flow = box.layout()
    assert isinstance(flow, FlowLayout)
    wide = flow.sizeHint().width()
    one_row = flow.heightForWidth(wide)
    assert flow.heightForWidth(wide // 2) > one_row  # wraps, so it needs more height
    widest = max(label.sizeHint().width() for label in labels)
    assert flow.minimumSize().width() == widest  # a row holds at least one item

    box.resize(widest, flow.heightForWidth(widest))
    box.show()
    qtbot.waitExposed(box)
    tops = [label.geometry().top() for label in labels]
    assert len(set(tops)) == len(labels)  # each on its own row at the narrowest
    for label in labels:  # none sticks out or is cut below its hint
        assert label.geometry().right() < box.width()
        assert label.width() >= label.minimumSizeHint().width()

    box.resize(wide, one_row)
    qtbot.wait(10)
    assert len({label.geometry().top() for label in labels}) == 1


def test_the_filter_bar_is_as_narrow_as_its_widest_picker(qtbot: QtBot) -> None:
    bar = FilterBar()
    qtbot.addWidget(bar)
    one_row = bar.layout().itemAt(1).layout().sizeHint().width()  # type: ignore[union-attr]
    assert bar.minimumSizeHint().width() < one_row * 0.6
    bar.resize(bar.minimumSizeHint().width(), 400)
    bar.show()
    qtbot.waitExposed(bar)
    for widget in (bar.source, bar.actor, bar.tag, bar.case, bar.posted_from, bar.posted_to):
        inside = widget.mapTo(bar, widget.rect().bottomRight())
        assert 0 <= inside.x() < bar.width() and 0 <= inside.y() < bar.height()
