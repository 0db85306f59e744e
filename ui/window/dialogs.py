"""The dialogs the main window opens: the claim editor, verdicts, relations, the checklist,
events, the audit trail, known-fakes lists, keyframes, the media viewer and compare view,
settings, About and the sample case. Each is opened once and raised if already open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QMessageBox

from ui.claims.audit_view import AuditDialog
from ui.claims.checklist_dialog import ChecklistDialog
from ui.claims.claim_editor import ClaimEditor
from ui.claims.editor_fields import source_label
from ui.claims.event_view import EventsDialog
from ui.claims.relate_dialog import RelateDialog
from ui.claims.verdict import VerdictDialog, decide
from ui.first_run import load_sample_case, offer_sample_case
from ui.library.compare_view import open_compare_view
from ui.library.keyframes_dialog import KeyframesDialog
from ui.library.known_lists import KnownListsDialog
from ui.library.media_viewer import open_media_viewer
from ui.messages import show_error
from ui.settings_dialog import SettingsChoice, SettingsDialog, store_choice
from ui.window.parts import WindowParts
from workbench import about
from workbench.base.errors import WorkbenchError


class DialogsMixin(WindowParts):
    """Opens the dialogs of ``MainWindow`` (which it is mixed into)."""

    def open_media(self, media_id: str) -> None:
        open_media_viewer(self._ws, media_id, self)

    def open_compare(self, left_id: str, right_id: str) -> None:
        open_compare_view(self._ws, left_id, right_id, self)

    def open_settings(self) -> SettingsDialog:
        try:
            steps: list[str] | None = self._ws.checklist.desk_steps()
        except WorkbenchError:
            steps = None  # the dialog then leaves them out
        dialog = SettingsDialog(self._settings, self._ws.location.folder, self, desk_steps=steps)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.choice()))
        dialog.open()
        return dialog

    def apply_settings(self, choice: SettingsChoice) -> None:
        try:
            store_choice(self._settings, choice)
        except WorkbenchError as exc:
            show_error(self, "Cannot save the settings", exc)
        self.plots.panel.set_tiles(choice.map_tiles)
        self._ws.analyst = choice.analyst  # the services read it on every write
        self._ws.max_distance = choice.duplicate_threshold
        if (
            choice.desk_steps is not None
            and list(choice.desk_steps) != self._ws.checklist.desk_steps()
        ):
            try:
                self._ws.checklist.set_desk_steps(list(choice.desk_steps))
            except WorkbenchError as exc:
                show_error(self, "Cannot save the desk's checklist steps", exc)
        self._show_again()
        if choice.workspace is not None:  # ui/app.py reopens the window on that folder
            self.switch_to = choice.workspace
            self.close()

    def about_text(self) -> str:
        return "\n\n".join(about.lines(self._ws.location.folder, qt=qVersion()))

    def show_about(self) -> None:
        QMessageBox.about(self, "About Claim workbench", self.about_text())

    def load_sample(self) -> None:
        load_sample_case(self, self._ws, runner=self._runner, on_loaded=self._sample_loaded)

    def offer_sample(self) -> bool:
        """On an empty workspace, offer the sample case once (first run)."""
        return offer_sample_case(
            self, self._ws, self._settings, runner=self._runner, on_loaded=self._sample_loaded
        )

    def _sample_loaded(self, _case_id: str | None, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, "Cannot load the sample case", error)
        self.refresh_claims()

    def new_claim(self) -> ClaimEditor | None:
        """Open the editor on a new claim (created when saved), the cursor in its text."""
        return self._open_editor(None)

    def edit_claim(self) -> ClaimEditor | None:
        claim_id = self.selected_claim_id()
        return self._open_editor(claim_id) if claim_id else None

    def _open_editor(self, claim_id: str | None) -> ClaimEditor | None:
        if self.editor is not None:
            self.editor.close()
        try:
            case = None if claim_id else self.filter_bar.query().case_id  # Ctrl+N: this case
            editor = ClaimEditor(self._ws.claims, self.history, claim_id, self, case_id=case)
        except WorkbenchError as exc:  # e.g. removed by a colleague meanwhile
            show_error(self, "Cannot edit this claim", exc)
            return None
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self._claim_changed)
        editor.finished.connect(lambda _result: self._editor_closed(editor))
        # A verdict set in the editor reaches the window through the history signal.
        self.editor = editor
        editor.open()
        editor.text_edit.setFocus()
        return editor

    def _editor_closed(self, editor: QDialog) -> None:
        if self.editor is editor:
            self.editor = None

    def decide_selected(self, status: str) -> VerdictDialog | None:
        """Ctrl+1/2/3: the verdict on the claim as the detail pane shows it."""
        if self._shown is None:
            return None
        self.verdict_dialog = decide(
            self, self.history, self._shown, status, on_refused=self.refresh_claims
        )
        return self.verdict_dialog

    def show_events(self) -> EventsDialog:
        """Ctrl+J: the events, the shown claim offered to put in one."""
        if self.events_dialog is not None:
            self.events_dialog.close()
        dialog = EventsDialog(self.history, self._shown, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.claim_requested.connect(self.go_to_claim)
        dialog.report_requested.connect(lambda i, name: self.open_export(event=(i, name)))
        dialog.finished.connect(lambda _result: setattr(self, "events_dialog", None))
        self.events_dialog = dialog
        dialog.open()
        return dialog

    def show_checklist(self) -> ChecklistDialog | None:
        """Ctrl+K: the checklist of the claim the detail pane shows."""
        if self._shown is None:
            return None
        if self.checklist_dialog is not None:
            self.checklist_dialog.close()
        dialog = ChecklistDialog(self.history, self._shown, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "checklist_dialog", None))
        self.checklist_dialog = dialog
        dialog.open()
        return dialog

    def relate_selected(self) -> RelateDialog | None:
        """Ctrl+R: relate the claim the detail pane shows to another (undoable)."""
        if self._shown is None:
            return None
        dialog = RelateDialog(self.history, self.search, self._shown, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "relate_dialog", None))
        self.relate_dialog = dialog
        dialog.open()
        return dialog

    def unrelate_shown(self, other_id: str) -> None:
        """The ✕ of a relation in the detail pane: remove it (undoable)."""
        if self._shown is None:
            return
        try:
            self.history.unrelate(self._shown, other_id)
        except WorkbenchError as exc:
            show_error(self, "The relation was not removed", exc)
            self._show_again()

    def set_finding(self, media_id: str, category: str, note: str) -> None:
        """The detail pane's finding on a media of the shown claim (undoable)."""
        if self._shown is None:
            return
        try:
            self.history.set_finding(self._shown, media_id, category or None, note)
        except WorkbenchError as exc:
            show_error(self, "The finding was not saved", exc)
            self._show_again()

    def show_known_lists(self) -> KnownListsDialog:
        """File ▸ Known-fakes lists…"""
        if self.lists_dialog is not None:
            self.lists_dialog.close()
        dialog = KnownListsDialog(self._ws, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._lists_closed())
        self.lists_dialog = dialog
        dialog.open()
        return dialog

    def _lists_closed(self) -> None:
        self.lists_dialog = None
        self._show_again()  # the detail pane says what is on a list now

    def show_keyframes(self, media_id: str) -> KeyframesDialog | None:
        """A video's keyframes (made in the background the first time)."""
        try:
            media = self._ws.media.get(media_id)
        except WorkbenchError as exc:
            show_error(self, "Cannot show the keyframes", exc)
            return None
        if self.keyframes_dialog is not None:
            self.keyframes_dialog.close()
        dialog = KeyframesDialog(self._ws, media, self._runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "keyframes_dialog", None))
        self.keyframes_dialog = dialog
        dialog.open()
        return dialog

    def go_to_claim(self, claim_id: str) -> None:
        """Select a claim (a related one); the filters are cleared when they hide it."""
        if self.claims_model.row_of(claim_id) is None:
            self.filter_bar.clear()
            self.apply_filters()
        self.select_claim(claim_id)

    def _audit_closed(self, dialog: QDialog) -> None:
        if self.audit_dialog is dialog:
            self.audit_dialog = None

    def show_audit(self) -> AuditDialog | None:
        claim_id = self.selected_claim_id()
        if claim_id is None:
            return None
        try:
            claim = self._ws.claims.get(claim_id)
            entries = self._ws.claims.history(claim_id)
            names = {s.id: source_label(s) for s in self._ws.claims.list_sources()}
        except WorkbenchError as exc:
            show_error(self, "Cannot read the audit trail", exc)
            return None
        if self.audit_dialog is not None:
            self.audit_dialog.close()
        dialog = AuditDialog(claim.text, entries, names, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._audit_closed(dialog))
        self.audit_dialog = dialog
        dialog.open()
        return dialog
