"""What the main window's parts share: its widgets, services and state, and the methods
one part calls on another, declared once for the type checker.

``MainWindow`` (``main_window``) sets all of these in its ``__init__`` and is made of its
parts, one module a job: ``menus`` (actions and shortcuts), ``jobs`` (media
stored, imports, the export dialog), ``team`` (colleagues' changes) and
``dialogs`` (the dialogs it opens). Each part is a mixin on this class; nothing
here exists at run time but the class itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence
    from pathlib import Path

    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow, QMessageBox, QTableView

    from ui.claims.audit_view import AuditDialog
    from ui.claims.checklist_dialog import ChecklistDialog
    from ui.claims.claim_editor import ClaimEditor
    from ui.claims.claims_model import ClaimsModel
    from ui.claims.commands import ClaimHistory
    from ui.claims.event_view import EventsDialog
    from ui.claims.filter_bar import FilterBar
    from ui.claims.relate_dialog import RelateDialog
    from ui.claims.saved_filter_list import SavedFilters
    from ui.claims.verdict import VerdictDialog
    from ui.exchange.export_dialog import ExportDialog
    from ui.exchange.import_flow import ImportJob, ImportProgress, ImportSummaryDialog
    from ui.library.feature_pass import FeaturePass
    from ui.library.ingest import IngestJob, IngestProgress
    from ui.library.keyframes_dialog import KeyframesDialog
    from ui.library.known_lists import KnownListsDialog
    from ui.messages import IngestReportDialog
    from ui.plots.plots import PlotsDock
    from ui.settings_dialog import SettingsDialog
    from ui.tasks import TaskRunner
    from workbench.claims.search import ClaimSearch
    from workbench.claims.views import ClaimView
    from workbench.settings import Settings
    from workbench.team.changes import ChangeFeed
    from workbench.workspace import Workspace

    _Window = QMainWindow
else:
    _Window = object


class WindowParts(_Window):
    """The main window as its parts see it."""

    if TYPE_CHECKING:
        _ws: Workspace
        _runner: TaskRunner
        _settings: Settings
        claims_view: QTableView
        _closing: bool
        _feed_epoch: int
        _polling: bool
        _shown: ClaimView | None
        add_media_action: QAction
        audit_dialog: AuditDialog | None
        change_feed: ChangeFeed
        checklist_dialog: ChecklistDialog | None
        claims_model: ClaimsModel
        editor: ClaimEditor | None
        events_dialog: EventsDialog | None
        export_dialog: ExportDialog | None
        feature_pass: FeaturePass
        filter_bar: FilterBar
        history: ClaimHistory
        import_action: QAction
        import_finished: SignalInstance
        import_folder_action: QAction
        import_progress: ImportProgress
        import_summary: ImportSummaryDialog | None
        ingest_finished: SignalInstance
        ingest_progress: IngestProgress
        ingest_report: IngestReportDialog | None
        keyframes_dialog: KeyframesDialog | None
        lists_dialog: KnownListsDialog | None
        plots: PlotsDock
        saved: SavedFilters
        search: ClaimSearch
        _import_job: ImportJob | None
        _job: IngestJob | None
        known_warning: QMessageBox | None
        relate_dialog: RelateDialog | None
        switch_to: Path | None
        _then_ingest: tuple[list[str], str | None] | None
        _keep_detail: bool

        def _claim_changed(self, claim_id: str) -> None: ...

        def _set_facets(self) -> None: ...

        def _show_again(self) -> None: ...

        def _show_selected_claim(self) -> None: ...

        def _start_feature_pass(self) -> None: ...

        def apply_filters(self) -> None: ...

        def choose_import(self) -> None: ...

        def choose_import_folder(self) -> None: ...

        def choose_media(self) -> None: ...

        def ingest_paths(
            self, paths: Sequence[str | os.PathLike[str]], claim_id: str | None = None
        ) -> bool: ...

        def import_paths(
            self,
            paths: Sequence[str | os.PathLike[str]],
            *,
            then_ingest: tuple[Sequence[str], str | None] | None = None,
        ) -> bool: ...

        def decide_selected(self, status: str) -> VerdictDialog | None: ...

        def edit_claim(self) -> ClaimEditor | None: ...

        def focus_search(self) -> None: ...

        @property
        def ingest_running(self) -> bool: ...

        def load_sample(self) -> None: ...

        def new_claim(self) -> ClaimEditor | None: ...

        def open_export(self, event: tuple[str, str] | None = None) -> ExportDialog: ...

        def open_settings(self) -> SettingsDialog: ...

        def refresh_claims(self) -> None: ...

        def relate_selected(self) -> RelateDialog | None: ...

        def select_claim(self, claim_id: str | None) -> None: ...

        def selected_claim_id(self) -> str | None: ...

        def show_about(self) -> None: ...

        def show_audit(self) -> AuditDialog | None: ...

        def show_checklist(self) -> ChecklistDialog | None: ...

        def show_events(self) -> EventsDialog: ...

        def show_known_lists(self) -> KnownListsDialog: ...
