"""Relating a claim to another: pick the other claim by searching, say how they relate.

``RelateDialog`` lists the claims that match what the analyst types (the same full-text
search as the table: ``ClaimSearch``, newest first, at most ``SHOWN``), with their
verdicts; the kind (corroborates, contradicts, same event, duplicate of) and an optional
note go below. OK relates them through ``ClaimHistory`` (undoable); a refusal is shown as
a message and the dialog stays open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.claims.commands import ClaimHistory
from ui.messages import show_error
from ui.presentation import STATUS_COLOURS, short
from workbench.base.bidi import reveal
from workbench.base.errors import WorkbenchError
from workbench.claims.relations import KINDS
from workbench.claims.search import ClaimQuery, ClaimSearch
from workbench.claims.views import ClaimView

#: Claims listed at most (the newest that match); typing narrows them.
SHOWN = 200
#: The kinds as the analyst reads them, for this claim.
KIND_LABELS = {
    "corroborates": "corroborates",
    "contradicts": "contradicts",
    "same_event": "reports the same event as",
    "duplicate_of": "is a duplicate of",
}
ID_ROLE = Qt.ItemDataRole.UserRole
TYPING_PAUSE_MS = 150


class RelateDialog(QDialog):
    def __init__(
        self,
        history: ClaimHistory,
        search: ClaimSearch,
        claim: ClaimView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Relate claims")
        self._history, self._search, self.claim = history, search, claim
        self.related: ClaimView | None = None  # the claim as relating left it
        self.setAccessibleName("Relate claims")

        heading = QLabel(f"Relate <b>“{reveal(short(claim.summary or claim.text, 80))}”</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(KIND_LABELS[kind], kind)
        self.kind.setAccessibleName("How this claim relates to the other")
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search the other claim by its words, place or source")
        self.query.setClearButtonEnabled(True)
        self.query.setAccessibleName("Search the other claim")
        self.found = QListWidget()
        self.found.setAccessibleName("Claims to relate to")
        self.found.setAlternatingRowColors(True)
        self.count = QLabel()
        self.note = QLineEdit()
        self.note.setPlaceholderText("Optional: why (e.g. same convoy, filmed from the hill)")
        self.note.setAccessibleName("Note on the relation")
        self.note.setMaxLength(2000)

        form = QFormLayout()
        form.addRow("This claim", self.kind)
        form.addRow("&Find", self.query)
        form.addRow("", self.found)
        form.addRow("", self.count)
        form.addRow("&Note", self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Relate")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(640, 480)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.refresh)
        self.query.textChanged.connect(lambda _text: self._timer.start())
        self.query.returnPressed.connect(self._to_list)
        self.found.currentItemChanged.connect(lambda *_: self._update_ok())
        self.found.itemActivated.connect(lambda _item: self.accept())
        self.refresh()
        self.query.setFocus()

    def refresh(self) -> None:
        """List the claims matching the search (all, newest first, when it is empty)."""
        chosen = self.chosen_id()
        try:
            ids = self._search.ids(ClaimQuery(text=self.query.text()))
            others = [i for i in ids if i != self.claim.id]
            rows = self._search.rows(others[:SHOWN])
        except WorkbenchError as exc:
            show_error(self, "Cannot search the claims", exc)
            return
        self.found.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.status:<12} {reveal(row.text)}")
            item.setData(ID_ROLE, row.id)
            item.setForeground(STATUS_COLOURS.get(row.status, STATUS_COLOURS["unconfirmed"]))
            item.setToolTip(f"{row.status}, posted {row.posted_at or 'unknown'}\n{row.id}")
            self.found.addItem(item)
            if row.id == chosen:
                self.found.setCurrentItem(item)
        more = len(others) - len(rows)
        self.count.setText(
            f"{len(others)} claims match; the newest {len(rows)} are listed"
            if more > 0
            else ("1 claim matches" if len(others) == 1 else f"{len(others)} claims match")
        )
        if self.found.currentItem() is None and self.found.count():
            self.found.setCurrentRow(0)
        self._update_ok()

    def chosen_id(self) -> str | None:
        item = self.found.currentItem()
        return None if item is None else str(item.data(ID_ROLE))

    def choose(self, claim_id: str, kind: str, note: str = "") -> None:
        """Pick the other claim, the kind and the note (what the analyst would click)."""
        self._timer.stop()
        for i in range(self.found.count()):
            if self.found.item(i).data(ID_ROLE) == claim_id:
                self.found.setCurrentRow(i)
        self.kind.setCurrentIndex(KINDS.index(kind))
        self.note.setText(note)

    def accept(self) -> None:
        other = self.chosen_id()
        if other is None:
            return
        kind = str(self.kind.currentData())
        try:
            self.related = self._history.relate(self.claim, other, kind, self.note.text())
        except WorkbenchError as exc:
            show_error(self, "The claims were not related", exc)
            return
        super().accept()

    def _to_list(self) -> None:
        self._timer.stop()
        self.refresh()
        self.found.setFocus()

    def _update_ok(self) -> None:
        self.ok.setEnabled(self.chosen_id() is not None)
