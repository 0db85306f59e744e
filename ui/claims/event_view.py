"""Claim ▸ Events… (Ctrl+J): the events, and one event's claims side by side.

On the left the events (new ones are made here: a name, a place, a time span, actors); on
the right the chosen event: what it is, then its claims grouped by source or by actor, each
with its verdict in its colour, so rival accounts of one event read side by side. The
claim the window shows can be put in the event or taken out (undoable, through
``ClaimHistory``); a claim double-clicked (or Enter) is shown in the window
(``claim_requested``); Report… opens the export on the event's claims
(``report_requested``).
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.claims.commands import ClaimHistory
from ui.messages import show_error
from ui.presentation import STATUS_COLOURS, format_time, short
from workbench.base.bidi import isolate, reveal
from workbench.base.errors import WorkbenchError
from workbench.claims.events import EventView
from workbench.claims.views import ClaimView

ID_ROLE = Qt.ItemDataRole.UserRole
GROUPINGS = {"source": "Source", "actor": "Actor"}


class NewEventDialog(QDialog):
    """A new event's name, place, days and actors (claims are added afterwards)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New event")
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.name.setPlaceholderText("e.g. Sarwan, June 2015")
        self.place = QLineEdit()
        self.place.setMaxLength(200)
        self.starts = QDateEdit()
        self.ends = QDateEdit()
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setSpecialValueText("unknown")
            edit.setMinimumDate(edit.minimumDate())
            edit.setDate(edit.minimumDate())  # "unknown" until set
        self.actors = QLineEdit()
        self.actors.setPlaceholderText("comma-separated, e.g. IS, Jaysh al-Fatah")
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Place", self.place)
        form.addRow("&From", self.starts)
        form.addRow("&To", self.ends)
        form.addRow("&Actors", self.actors)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.name.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        def day(edit: QDateEdit) -> str | None:
            if edit.date() == edit.minimumDate():
                return None
            return str(edit.date().toString("yyyy-MM-dd"))

        return {
            "place": self.place.text(),
            "starts_at": day(self.starts),
            "ends_at": day(self.ends),
            "actors": self.actors.text(),
        }


class EventsDialog(QDialog):
    claim_requested = Signal(str)
    #: (event id, event name): the export, on this event's claims.
    report_requested = Signal(str, str)

    def __init__(
        self, history: ClaimHistory, shown: ClaimView | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Events")
        self.setAccessibleName("Events")
        self._history, self.shown = history, shown
        self.current: EventView | None = None
        self.events = QListWidget()
        self.events.setAccessibleName("Events")
        self.new_button = QPushButton("&New event…")
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setToolTip("Remove the event; its claims stay")
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.grouping = QComboBox()
        for key, label in GROUPINGS.items():
            self.grouping.addItem(label, key)
        self.grouping.setAccessibleName("Group the claims by")
        self.claims = QTreeWidget()
        self.claims.setHeaderLabels(["Verdict", "Posted", "Claim"])
        self.claims.setAccessibleName("Claims of the event")
        self.claims.setRootIsDecorated(True)
        self.claims.setAlternatingRowColors(True)
        self.add_button = QPushButton("&Put the shown claim in it")
        self.remove_button = QPushButton("Ta&ke the chosen claim out")
        self.report_button = QPushButton("&Report…")

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.events, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        column.addLayout(row)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.header)
        group_row = QHBoxLayout()
        group_label = QLabel("&Group by")
        group_label.setBuddy(self.grouping)
        group_row.addWidget(group_label)
        group_row.addWidget(self.grouping)
        group_row.addStretch(1)
        side.addLayout(group_row)
        side.addWidget(self.claims, 1)
        actions = QHBoxLayout()
        for button in (self.add_button, self.remove_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.report_button)
        side.addLayout(actions)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.resize(980, 560)

        self.events.currentItemChanged.connect(lambda *_: self.show_event())
        self.grouping.currentIndexChanged.connect(lambda _i: self.show_event())
        self.new_button.clicked.connect(self.new_event)
        self.delete_button.clicked.connect(self.delete_event)
        self.add_button.clicked.connect(lambda: self._join(True))
        self.remove_button.clicked.connect(lambda: self._join(False))
        self.report_button.clicked.connect(self._report)
        self.claims.itemActivated.connect(self._activated)
        self.claims.currentItemChanged.connect(lambda *_: self._enable())
        history.claim_changed.connect(lambda _id: self.refresh())
        self.refresh()

    # -- reading -------------------------------------------------------------------------

    def refresh(self, choose: str | None = None) -> None:
        chosen = choose or self.chosen_id()
        try:
            events = self._history.events.all()
            if self.shown is not None:
                self.shown = self._history.claims.get(self.shown.id)
        except WorkbenchError as exc:
            show_error(self, "Cannot read the events", exc)
            return
        self.events.blockSignals(True)
        self.events.clear()
        for event in events:
            item = QListWidgetItem(f"{reveal(event.name)}  ({len(event.claim_ids)})")
            item.setData(ID_ROLE, event.id)
            self.events.addItem(item)
            if event.id == chosen:
                self.events.setCurrentItem(item)
        if self.events.currentItem() is None and self.events.count():
            self.events.setCurrentRow(0)
        self.events.blockSignals(False)
        self.show_event()

    def chosen_id(self) -> str | None:
        item = self.events.currentItem()
        return None if item is None else str(item.data(ID_ROLE))

    def show_event(self) -> None:
        self.claims.clear()
        event_id = self.chosen_id()
        self.current = None
        if event_id is None:
            self.header.setText(
                "<span style='color:gray'>No events yet: New event… makes one.</span>"
            )
            self._enable()
            return
        try:
            self.current = self._history.events.get(event_id)
            members = [self._history.claims.get(c) for c in self.current.claim_ids]
        except WorkbenchError as exc:
            show_error(self, "Cannot show the event", exc)
            return
        self.header.setText(_header(self.current, members))
        groups: dict[str, list[ClaimView]] = {}
        for claim in members:
            for key in _group_keys(claim, str(self.grouping.currentData())):
                groups.setdefault(key, []).append(claim)
        for key, claims in groups.items():
            top = QTreeWidgetItem([reveal(key), "", f"{len(claims)} claim(s)"])
            self.claims.addTopLevelItem(top)
            for claim in claims:
                row = QTreeWidgetItem(
                    [
                        claim.status,
                        format_time(claim.posted_at),
                        short(claim.summary or claim.text, 90),
                    ]
                )
                row.setData(0, ID_ROLE, claim.id)
                row.setForeground(
                    0, QBrush(STATUS_COLOURS.get(claim.status, STATUS_COLOURS["unconfirmed"]))
                )
                row.setToolTip(2, claim.text)
                top.addChild(row)
            top.setExpanded(True)
        for column in (0, 1):
            self.claims.resizeColumnToContents(column)
        self._enable()

    def chosen_claim_id(self) -> str | None:
        item = self.claims.currentItem()
        value = None if item is None else item.data(0, ID_ROLE)
        return None if value is None else str(value)

    # -- writing -------------------------------------------------------------------------

    def new_event(self) -> NewEventDialog:
        dialog = NewEventDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.make_event(dialog.name.text(), **dialog.values()))
        dialog.open()
        return dialog

    def make_event(self, name: str, **values: Any) -> EventView | None:
        """Make the event (with the shown claim in it, when there is one)."""
        try:
            made = self._history.make_event(name, self.shown, **values)  # undoable
        except WorkbenchError as exc:
            show_error(self, "The event was not made", exc)
            return None
        self.refresh(choose=made.id)
        return made

    def delete_event(self) -> None:
        event_id = self.chosen_id()
        if event_id is None:
            return
        try:
            self._history.remove_event(event_id, self.shown)  # undoable
        except WorkbenchError as exc:
            show_error(self, "The event was not removed", exc)
        self.refresh()

    def _join(self, join: bool) -> None:
        if self.current is None:
            return
        claim_id = self.shown.id if join and self.shown else self.chosen_claim_id()
        if claim_id is None:
            return
        try:
            claim = self._history.claims.get(claim_id)
            self._history.join_event(claim, self.current.id, join)
        except WorkbenchError as exc:
            show_error(self, "The event was not changed", exc)
            self.refresh()

    def _report(self) -> None:
        if self.current is not None:
            self.report_requested.emit(self.current.id, self.current.name)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        claim_id = item.data(0, ID_ROLE)
        if claim_id:
            self.claim_requested.emit(str(claim_id))

    def _enable(self) -> None:
        event = self.current
        has_event = event is not None
        in_it = bool(event and self.shown and self.shown.id in event.claim_ids)
        self.delete_button.setEnabled(has_event)
        self.report_button.setEnabled(has_event)
        self.add_button.setEnabled(has_event and self.shown is not None and not in_it)
        self.remove_button.setEnabled(has_event and self.chosen_claim_id() is not None)


def _group_keys(claim: ClaimView, grouping: str) -> list[str]:
    if grouping == "actor":
        return list(claim.actors) or ["(no actor)"]
    if claim.source is None:
        return ["(no source)"]
    s = claim.source
    name = s.display_name or s.handle
    return [f"{name} ({s.platform})" if s.platform else name]


def _header(event: EventView, members: list[ClaimView]) -> str:
    span = " – ".join(format_time(t) for t in (event.starts_at, event.ends_at) if t)
    facts = [x for x in (escape(event.place), escape(span), escape(", ".join(event.actors))) if x]
    tally = {
        s: sum(c.status == s for c in members) for s in ("confirmed", "refuted", "unconfirmed")
    }
    counts = ", ".join(f"{n} {s}" for s, n in tally.items() if n) or "no claims yet"
    notes = f"<br>{escape(event.notes)}" if event.notes else ""
    return (
        f"Event: <b>{escape(isolate(event.name))}</b><br>{' · '.join(facts)}"
        f"<br><span style='color:gray'>{len(members)} claims: {counts}</span>{notes}"
    )
