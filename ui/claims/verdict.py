"""Deciding a claim: unconfirmed, confirmed or refuted, with the rationale the rule needs.

``decide`` is shared by the editor's verdict buttons and the window's Ctrl+1/2/3: a
verdict of ``confirmed`` or ``refuted`` first asks for the rationale in a
``VerdictDialog``, whose OK stays disabled while the rationale is empty (the service
refuses an empty one too). The change itself goes through ``ClaimHistory`` so it can be
undone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.claims.commands import ClaimHistory
from ui.messages import show_error
from ui.presentation import short
from workbench.base.errors import WorkbenchError
from workbench.claims.views import ClaimView

#: Status -> (menu text, shortcut). The order is the keyboard's: Ctrl+1, Ctrl+2, Ctrl+3.
VERDICTS = {
    "unconfirmed": ("Mark &unconfirmed", "Ctrl+1"),
    "confirmed": ("Mark &confirmed…", "Ctrl+2"),
    "refuted": ("Mark &refuted…", "Ctrl+3"),
}
NEEDS_RATIONALE = ("confirmed", "refuted")
WARNING = "#b06000"


class VerdictDialog(QDialog):
    """Asks why a claim is confirmed or refuted. OK is enabled only with a rationale. With
    steps of the claim's checklist still open (``open_steps``), it names them first and its
    OK says "anyway": the analyst decides knowingly, in the same dialog."""

    def __init__(
        self,
        claim_text: str,
        status: str,
        rationale: str = "",
        parent: QWidget | None = None,
        open_steps: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.status = status
        self.setWindowTitle(f"Mark {status}")
        question = QLabel(
            f"Why is “{short(claim_text, 80)}” <b>{status}</b>? Name the evidence: "
            "what was checked, against what, and what it showed."
        )
        question.setWordWrap(True)
        question.setTextFormat(Qt.TextFormat.RichText)
        self.rationale_edit = QPlainTextEdit(rationale)
        self.rationale_edit.setAccessibleName("Rationale")
        self.rationale_edit.setPlaceholderText(
            "e.g. Same convoy filmed from two angles by independent accounts"
        )
        self.rationale_edit.setTabChangesFocus(True)
        question.setBuddy(self.rationale_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        self.ok_button: QPushButton = ok
        self.ok_button.setText(f"Mark {status}" + (" anyway" if open_steps else ""))
        self.open_steps = QLabel()
        self.open_steps.setWordWrap(True)
        self.open_steps.setTextFormat(Qt.TextFormat.RichText)
        if open_steps:
            n = len(open_steps)
            names = ", ".join(escape(s) for s in open_steps)
            self.open_steps.setText(
                f"<span style='color:{WARNING}'><b>{n} checklist step{'s are' if n > 1 else ' is'}"
                f" still open:</b> {names}. Mark it {status} anyway?</span>"
            )
        self.open_steps.setVisible(bool(open_steps))
        self.ok_button.setToolTip("Ctrl+Enter")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.hint = QLabel("A rationale is required.")
        self.hint.setStyleSheet("color: gray")
        layout = QVBoxLayout(self)
        layout.addWidget(self.open_steps)
        layout.addWidget(question)
        layout.addWidget(self.rationale_edit)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.rationale_edit.textChanged.connect(self._update_ok)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # Enter alone starts a new line
            QShortcut(QKeySequence(keys), self, self.accept)
        self._update_ok()
        self.rationale_edit.setFocus()
        self.resize(480, 240)

    def rationale(self) -> str:
        return self.rationale_edit.toPlainText().strip()

    def accept(self) -> None:
        if self.rationale():  # Enter with OK disabled must not get through either
            super().accept()

    def _update_ok(self) -> None:
        has_reason = bool(self.rationale())
        self.ok_button.setEnabled(has_reason)
        self.hint.setVisible(not has_reason)


def decide(
    parent: QWidget,
    history: ClaimHistory,
    claim: ClaimView,
    status: str,
    on_done: Callable[[ClaimView], None] | None = None,
    expected_version: int | None = None,
    on_refused: Callable[[], None] | None = None,
) -> VerdictDialog | None:
    """Set ``claim``'s status, asking for the rationale first where one is needed.

    Returns the dialog when one was opened (window-modal, ``open()``: nothing blocks);
    ``on_done`` gets the decided claim. Refusals are shown as messages, then
    ``on_refused`` runs (e.g. to re-read a claim somebody else changed).
    """

    def apply(rationale: str) -> None:
        try:
            view = history.set_status(claim, status, rationale, expected_version)
        except WorkbenchError as exc:
            show_error(parent, "The verdict was not saved", exc)
            if on_refused is not None:
                on_refused()
            return
        if on_done is not None:
            on_done(view)

    if status not in NEEDS_RATIONALE:
        if claim.status != status:
            apply("")
        return None
    # Re-deciding the same verdict starts from its rationale; a new verdict from nothing.
    start = claim.rationale if claim.status == status else ""
    dialog = VerdictDialog(claim.text, status, start, parent, history.open_steps(claim))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: apply(dialog.rationale()))
    dialog.open()
    return dialog
