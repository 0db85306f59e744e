"""The bar above the claims table: search as you type, and filters.

It knows nothing of the table: it turns what the analyst typed and picked into a
``ClaimQuery`` and says when that changed; the window hands the query to the model.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.flow_layout import FlowLayout
from workbench.base.bidi import reveal
from workbench.claims.search import ClaimQuery, Facets

ANY = "Any"
#: Searching starts at this many characters: one letter matches nearly every claim, which
#: tells the analyst nothing and costs a full ordered read on a big workspace.
MIN_SEARCH_CHARS = 2
#: The earliest date a date box shows; it stands for "no limit" (shown as "any").
NO_DATE = QDate(1900, 1, 1)


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search claims, translations, notes, sources, places…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search claims")
        self.status = self._combo("Status")
        for status in ("unconfirmed", "confirmed", "refuted"):
            self.status.addItem(status, status)
        self.source = self._combo("Source")
        self.actor = self._combo("Actor")
        self.tag = self._combo("Tag")
        self.case = self._combo("Case")
        self.posted_from = self._date("Posted from")
        self.posted_to = self._date("Posted until")
        self.seen_before = QCheckBox("Seen before")
        self.seen_before.setToolTip("Only claims with a picture that was seen before")
        self.seen_before.setAccessibleName("Only claims with a picture seen before")
        #: The map's visible area, when the analyst filters by it (set by the map).
        self._area: tuple[float, float, float, float] | None = None
        self.area_chip = QPushButton("In the map's area ✕")
        self.area_chip.setFlat(True)
        self.area_chip.setToolTip("Only claims inside the map's visible area: click to show all")
        self.area_chip.setAccessibleName("Clear the map area filter")
        self.area_chip.clicked.connect(lambda: self.set_area(None))
        self.area_chip.hide()

        rows = QVBoxLayout(self)
        rows.setContentsMargins(4, 2, 4, 2)
        rows.setSpacing(2)
        top = QHBoxLayout()
        rows.addLayout(top)
        top.addWidget(self.search, 3)
        self._labelled(top, "&Status", self.status)
        top.addWidget(self.seen_before)
        top.addWidget(self.area_chip)
        # the pickers wrap onto more rows where the table is narrow (a laptop at 150%)
        bottom = FlowLayout()
        rows.addLayout(bottom)
        for pairs in (
            [("S&ource", self.source)],
            [("&Actor", self.actor)],
            [("&Tag", self.tag)],
            [("Cas&e", self.case)],
            [("&Posted", self.posted_from), ("to", self.posted_to)],
        ):
            group = QWidget()
            row = QHBoxLayout(group)
            row.setContentsMargins(0, 0, 0, 0)
            for label, widget in pairs:
                self._labelled(row, label, widget)
            bottom.addWidget(group)

        self.search.textChanged.connect(self.changed)
        for combo in (self.status, self.source, self.actor, self.tag, self.case):
            combo.currentIndexChanged.connect(self.changed)
        for box in (self.posted_from, self.posted_to):
            box.dateChanged.connect(self.changed)
        self.seen_before.toggled.connect(self.changed)

    @staticmethod
    def _labelled(row: QHBoxLayout, label: str, widget: QWidget) -> None:
        caption = QLabel(label)
        caption.setBuddy(widget)  # Alt+letter reaches the widget
        row.addWidget(caption)
        row.addWidget(widget, 1)

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(f"Filter by {name.lower()}")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(3)  # the detail pane needs the width more
        combo.addItem(ANY, None)
        return combo

    def _date(self, name: str) -> QDateEdit:
        box = QDateEdit()
        box.setAccessibleName(name)
        box.setCalendarPopup(True)
        box.setDisplayFormat("yyyy-MM-dd")
        box.setMinimumDate(NO_DATE)
        box.setSpecialValueText("any")  # shown at the minimum date: no limit
        box.setDate(NO_DATE)
        return box

    def set_facets(self, facets: Facets) -> None:
        """Offer the values the workspace holds now, keeping what was picked if still there."""
        self.blockSignals(True)
        try:
            _fill(self.source, facets.sources)
            _fill(self.actor, [(a, a) for a in facets.actors])
            _fill(self.tag, [(t, t) for t in facets.tags])
            _fill(self.case, facets.cases)
        finally:
            self.blockSignals(False)

    def query(self) -> ClaimQuery:
        typed = self.search.text()
        return ClaimQuery(
            text=typed if len(typed.strip()) >= MIN_SEARCH_CHARS else "",
            status=self.status.currentData(),
            source_id=self.source.currentData(),
            actor=self.actor.currentData(),
            tag=self.tag.currentData(),
            case_id=self.case.currentData(),
            posted_from=_day(self.posted_from),
            posted_to=_day(self.posted_to, next_day=True),
            has_seen_before=True if self.seen_before.isChecked() else None,
            area=self._area,
        )

    def set_area(self, area: tuple[float, float, float, float] | None) -> None:
        """Filter by the map's visible area (None: anywhere), and say so."""
        if area == self._area:
            return
        self._area = area
        self.area_chip.setVisible(area is not None)
        self.changed.emit()

    def set_query(self, query: ClaimQuery) -> list[str]:
        """Show ``query`` (without announcing it); returns the names of its conditions this
        workspace no longer offers (a removed case, say), which are left at "Any"."""
        missing = []
        self.blockSignals(True)
        try:
            self.search.setText(query.text)
            for name, combo, value in (
                ("status", self.status, query.status),
                ("source", self.source, query.source_id),
                ("actor", self.actor, query.actor),
                ("tag", self.tag, query.tag),
                ("case", self.case, query.case_id),
            ):
                index = combo.findData(value) if value is not None else 0
                if index < 0:
                    missing.append(name)
                combo.setCurrentIndex(max(index, 0))
            until = query.posted_to - timedelta(days=1) if query.posted_to else None
            for box, day in ((self.posted_from, query.posted_from), (self.posted_to, until)):
                box.setDate(QDate(day.year, day.month, day.day) if day else NO_DATE)
            self.seen_before.setChecked(bool(query.has_seen_before))
            self._area = query.area
            self.area_chip.setVisible(query.area is not None)
        finally:
            self.blockSignals(False)
        return missing

    def clear(self) -> None:
        self.blockSignals(True)
        try:
            self.search.clear()
            for combo in (self.status, self.source, self.actor, self.tag, self.case):
                combo.setCurrentIndex(0)
            for box in (self.posted_from, self.posted_to):
                box.setDate(NO_DATE)
            self.seen_before.setChecked(False)
            self._area = None
            self.area_chip.hide()
        finally:
            self.blockSignals(False)
        self.changed.emit()


def _fill(combo: QComboBox, items: object) -> None:
    picked = combo.currentData()
    combo.blockSignals(True)
    try:
        combo.clear()
        combo.addItem(ANY, None)
        for value, label in items:  # type: ignore[attr-defined]
            combo.addItem(reveal(label), value)  # a handle cannot pass for another
        index = combo.findData(picked) if picked is not None else 0
        combo.setCurrentIndex(max(index, 0))
    finally:
        combo.blockSignals(False)


def _day(box: QDateEdit, next_day: bool = False) -> datetime | None:
    """The box's day as midnight UTC (the next midnight for an inclusive 'until')."""
    day = box.date()
    if day == NO_DATE:
        return None
    if next_day:
        day = day.addDays(1)
    return datetime(day.year(), day.month(), day.day(), tzinfo=UTC)
