"""A claim's verification checklist, to work through: each step done, not done or not
applicable, with a note; who set it and when.

Each change goes through ``ClaimHistory.check`` (undoable, audited) as soon as it is made:
a state when it is chosen, a note when the analyst leaves its field. The dialog re-reads
the checklist whenever the claim changes (an undo, a colleague), so it always shows what
is stored.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.claims.commands import ClaimHistory
from ui.messages import show_error
from ui.presentation import format_time, short
from workbench.base.errors import WorkbenchError
from workbench.claims.checklist import STATE_WORDS, STATES, Check
from workbench.claims.views import ClaimView

COL_STEP, COL_STATE, COL_NOTE, COL_BY = range(4)


class ChecklistDialog(QDialog):
    def __init__(
        self, history: ClaimHistory, claim: ClaimView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._history, self.claim = history, claim
        self.setWindowTitle("Checklist")
        self.setAccessibleName("Verification checklist")
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Step", "State", "Note", "Set by"])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        for column in (COL_STEP, COL_STATE, COL_BY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        hint = QLabel(
            "Changes are saved as you make them (Ctrl+Z undoes them). The desk's own steps "
            "are set in File ▸ Settings."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: gray")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(760, 360)
        history.claim_changed.connect(self._changed)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.claim = self._history.claims.get(self.claim.id)
            checks = self._history.checklist.of(self.claim.id)
        except WorkbenchError as exc:
            show_error(self, "Cannot read the checklist", exc)
            return
        done = sum(c.state == "done" for c in checks)
        self.heading.setText(
            f"<b>“{short(self.claim.summary or self.claim.text, 80)}”</b> — {done} of "
            f"{len(checks)} steps done"
        )
        self.checks = checks
        self.table.setRowCount(len(checks))
        for row, check in enumerate(checks):
            self.table.setItem(row, COL_STEP, QTableWidgetItem(check.label))
            state = QComboBox()
            for value in STATES:
                state.addItem(STATE_WORDS[value], value)
            state.setCurrentIndex(STATES.index(check.state))
            state.setAccessibleName(f"{check.label}: state")
            state.activated.connect(lambda _i, c=check, box=state: self._set(c, box.currentData()))
            self.table.setCellWidget(row, COL_STATE, state)
            note = QLineEdit(check.note)
            note.setMaxLength(2000)
            note.setAccessibleName(f"{check.label}: note")
            note.setPlaceholderText("how it was checked")
            note.editingFinished.connect(lambda c=check, field=note: self._note(c, field.text()))
            self.table.setCellWidget(row, COL_NOTE, note)
            by = f"{check.by}, {format_time(check.at)}" if check.by else ""
            self.table.setItem(row, COL_BY, QTableWidgetItem(by))
        for row in range(self.table.rowCount()):
            for column in (COL_STEP, COL_BY):
                item = self.table.item(row, column)
                if item is not None:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)

    def state_box(self, step: str) -> QComboBox:
        row = [c.step for c in self.checks].index(step)
        box = self.table.cellWidget(row, COL_STATE)
        assert isinstance(box, QComboBox)
        return box

    def note_field(self, step: str) -> QLineEdit:
        row = [c.step for c in self.checks].index(step)
        field = self.table.cellWidget(row, COL_NOTE)
        assert isinstance(field, QLineEdit)
        return field

    def _set(self, check: Check, state: str) -> None:
        if state != check.state:
            self._apply(check, state, self.note_field(check.step).text())

    def _note(self, check: Check, note: str) -> None:
        if note.strip() != check.note:
            self._apply(check, check.state, note)

    def _apply(self, check: Check, state: str, note: str) -> None:
        try:
            self._history.check(self.claim, check.step, state, note)
        except WorkbenchError as exc:
            show_error(self, "The step was not saved", exc)
            self.refresh()

    def _changed(self, claim_id: str) -> None:
        if claim_id == self.claim.id and self.isVisible():
            # Not while the signal that saved it runs: rebuilding deletes its widget.
            QTimer.singleShot(0, self, self.refresh)
