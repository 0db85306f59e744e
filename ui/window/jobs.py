"""The main window's background jobs: media stored (``ingest_paths``), bags, exports and post
archives imported (``import_paths``), one at a time, with progress and Cancel in the status
bar; the local-feature pass after each; the export dialog.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from ui.exchange.export_dialog import ExportDialog
from ui.exchange.import_flow import ImportJob, ImportOutcome, ImportSummaryDialog
from ui.library.ingest import IngestJob, IngestOutcome
from ui.library.known_lists import warn_known
from ui.messages import IngestReportDialog, error_message, show_error
from ui.window.parts import WindowParts
from workbench.exchange.formats import Publication
from workbench.library.features import FeaturePassResult
from workbench.settings import REVIEW_LANGUAGE, REVIEW_URL

MEDIA_FILTER = (
    "Pictures and videos (*.jpg *.jpeg *.png *.gif *.webp *.bmp *.tif *.tiff *.heic *.heif "
    "*.mp4 *.m4v *.mov *.webm *.mkv *.avi *.3gp);;All files (*)"
)
IMPORT_FILTER = (
    "Bundles, exports and post archives (*.zip *.json *.jsonl *.ndjson *.csv);;"
    "Case bundles (*.zip);;JSON exports and archives (*.json *.jsonl *.ndjson);;"
    "Claims tables (*.csv);;All files (*)"
)
IMPORT_RUNNING = "An import is already running: wait for it or cancel it"


class JobsMixin(WindowParts):
    """Starts, cancels and reports the jobs of ``MainWindow`` (which it is mixed into)."""

    @property
    def ingest_running(self) -> bool:
        """A media ingest or an import is running (one at a time: both write claims and
        the picture index)."""
        return self._job is not None or self._import_job is not None

    def choose_media(self) -> None:
        claim_id = self.selected_claim_id()
        title = "Add media to the selected claim" if claim_id else "Add media to the library"
        paths, _ = QFileDialog.getOpenFileNames(self, title, "", MEDIA_FILTER)
        if paths:
            self.ingest_paths(paths, claim_id)

    def ingest_paths(
        self, paths: Sequence[str | os.PathLike[str]], claim_id: str | None = None
    ) -> bool:
        """Import files or folders in the background, attaching them to ``claim_id``.

        Returns False (and says why in the status bar) if nothing was started. The outcome
        arrives through ``ingest_finished``. Menu, drag-and-drop and paste all come here.
        """
        if self.ingest_running:
            self.statusBar().showMessage(IMPORT_RUNNING)
            return False
        if isinstance(paths, str | os.PathLike):
            paths = [paths]  # one path, not a sequence of characters
        if not paths:
            return False
        job = IngestJob(self._ws.media, [str(p) for p in paths], claim_id, self)
        job.progressed.connect(self.ingest_progress.advance, Qt.ConnectionType.QueuedConnection)
        self._job = job
        self._enable_import_actions(False)
        self.statusBar().clearMessage()
        self.ingest_progress.start(len(job.paths))
        self._runner.run_task(job.work, self._ingest_done)
        return True

    def cancel_ingest(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def _ingest_done(
        self, *, result: IngestOutcome | None = None, error: BaseException | None = None
    ) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.deleteLater()
        if error is not None or result is None:
            outcome = IngestOutcome((), failure=error_message(error or RuntimeError("no result")))
        else:
            outcome = result
        if self._closing:
            self.ingest_finished.emit(outcome)
            return
        self.ingest_progress.hide()
        self._enable_import_actions(True)
        if error is not None:
            show_error(self, "Import failed", error)
        self.refresh_claims()
        self.statusBar().showMessage(outcome.summary())
        if outcome.errors:
            self._show_ingest_report(outcome)
        if outcome.known:
            self.known_warning = warn_known(self, outcome.known)
        self.ingest_finished.emit(outcome)
        self._start_feature_pass()

    def _start_feature_pass(self) -> None:
        if not self._closing:  # (stopped for good once the window has closed)
            self.feature_pass.start()

    def _features_done(self, result: FeaturePassResult) -> None:
        """A pass found pictures inside others: their "seen before" flags changed."""
        if result.found:
            self.refresh_claims()
            self.statusBar().showMessage(
                f"Local features: {result.found} picture(s) found inside or around others"
            )
        elif result.errors:
            self.statusBar().showMessage(
                f"Local features: {len(result.errors)} picture(s) could not be read"
            )

    def _show_ingest_report(self, outcome: IngestOutcome) -> None:
        if self.ingest_report is not None:
            self.ingest_report.close()
            self.ingest_report.deleteLater()
        self.ingest_report = IngestReportDialog(outcome.errors, len(outcome.results), self)
        self.ingest_report.open()

    def _enable_import_actions(self, enabled: bool) -> None:
        for action in (self.add_media_action, self.import_action, self.import_folder_action):
            action.setEnabled(enabled)

    def _current_case_name(self) -> str | None:
        """The case the table shows (picked on the left or in the filter bar), if any."""
        combo = self.filter_bar.case
        return combo.currentText() if combo.currentData() else None

    def choose_import(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import a bundle, an export or a post archive", "", IMPORT_FILTER
        )
        if paths:
            self.import_paths(paths)

    def choose_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Import a case bundle folder or a Telegram export", ""
        )
        if folder:
            self.import_paths([folder])

    def import_paths(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        then_ingest: tuple[Sequence[str], str | None] | None = None,
    ) -> bool:
        """Import bags, exports and post archives in the background, one after the other;
        new claims from posts go into the case the table shows. ``then_ingest``: (media
        paths, claim id) to store once the import is over (a mixed drop).

        Returns False (and says why in the status bar) if nothing was started. The outcome
        arrives through ``import_finished``. Menu and drag-and-drop come here.
        """
        if self.ingest_running:
            self.statusBar().showMessage(IMPORT_RUNNING)
            return False
        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        if not paths:
            return False
        names = [str(p) for p in paths]
        job = ImportJob(self._ws, names, self._current_case_name(), self)
        job.progressed.connect(self.import_progress.advance, Qt.ConnectionType.QueuedConnection)
        self._import_job = job
        self._then_ingest = (list(then_ingest[0]), then_ingest[1]) if then_ingest else None
        self._enable_import_actions(False)
        self.statusBar().clearMessage()
        self.import_progress.start(names)
        self._runner.run_task(job.work, self._import_done)
        return True

    def cancel_import(self) -> None:
        if self._import_job is not None:
            self._import_job.cancel()

    def _import_done(
        self, *, result: ImportOutcome | None = None, error: BaseException | None = None
    ) -> None:
        job, self._import_job = self._import_job, None
        media, self._then_ingest = self._then_ingest, None
        if job is not None:
            job.deleteLater()
        if error is not None or result is None:
            outcome = ImportOutcome((), failure=error_message(error or RuntimeError("no result")))
        else:
            outcome = result
        if self._closing:
            self.import_finished.emit(outcome)
            return
        self.import_progress.hide()
        self._enable_import_actions(True)
        if error is not None:
            show_error(self, "Import failed", error)
        self.refresh_claims()
        self.statusBar().showMessage(outcome.summary())
        if outcome.summaries and (not outcome.clean or media is not None):
            # A mixed drop goes on to store media, whose line replaces this one: the
            # dialog keeps what the import did in view.
            self._show_import_summary(outcome)
        self.import_finished.emit(outcome)
        if media is not None and not outcome.cancelled and outcome.failure is None:
            self.ingest_paths(*media)

    def _show_import_summary(self, outcome: ImportOutcome) -> None:
        if self.import_summary is not None:
            self.import_summary.close()
        dialog = ImportSummaryDialog(outcome, self)
        dialog.claim_chosen.connect(self._show_imported_claim)
        dialog.finished.connect(lambda _result: self._import_summary_closed(dialog))
        self.import_summary = dialog
        dialog.open()

    def _import_summary_closed(self, dialog: QDialog) -> None:
        if self.import_summary is dialog:
            self.import_summary = None

    def _show_imported_claim(self, claim_id: str) -> None:
        if self.claims_model.row_of(claim_id) is None:
            self.filter_bar.clear()  # the claim may be outside the current filter
        self.select_claim(claim_id)

    def open_export(self, event: tuple[str, str] | None = None) -> ExportDialog:
        """File ▸ Export…: the dialog opens on the table's filters and the selected claim
        (``event``: (id, name), on that event's claims: the event view's Report…)."""
        if self.export_dialog is not None:
            if not self.export_dialog.running:
                self.export_dialog.close()
            else:
                self.export_dialog.raise_()
                self.export_dialog.activateWindow()
                return self.export_dialog
        claim_id = self.selected_claim_id()
        selected = (claim_id, self._shown.text) if claim_id and self._shown else None
        dialog = ExportDialog(
            self._ws,
            self.search.facets(),
            self._runner,
            query=self.filter_bar.query(),
            selected=selected,
            parent=self,
            publication=Publication(self._settings[REVIEW_URL], self._settings[REVIEW_LANGUAGE]),
            event=event,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished_export.connect(self.statusBar().showMessage)
        dialog.finished.connect(lambda _result: self._export_closed(dialog))
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def _export_closed(self, dialog: QDialog) -> None:
        if self.export_dialog is dialog:
            self.export_dialog = None
