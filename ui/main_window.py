"""The main window: claims in the middle, the selected claim on the right, imports below.

The window is handed an open ``Workspace`` (``ui/app.py`` composes it) and talks to the
domain only through its services, receiving plain values. Anything slow runs through the
``TaskRunner``; the window reacts when the outcome comes back on the UI thread. Edits and
verdicts go through ``ClaimHistory`` (undoable); whatever changes a claim ends in
``_claim_changed``, which re-reads the table and the detail pane.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.claims.audit_view import AuditDialog
from ui.claims.case_list import CaseList
from ui.claims.checklist_dialog import ChecklistDialog
from ui.claims.claim_detail import ClaimDetailPane
from ui.claims.claim_editor import ClaimEditor
from ui.claims.claims_model import (
    CLAIM_ID_ROLE,
    COL_MEDIA,
    COL_POSTED,
    COL_SOURCE,
    COL_STATUS,
    COL_TEXT,
    ClaimsModel,
    MiddleElideDelegate,
)
from ui.claims.commands import ClaimHistory
from ui.claims.detail_html import load_claim_detail
from ui.claims.event_view import EventsDialog
from ui.claims.filter_bar import FilterBar
from ui.claims.relate_dialog import RelateDialog
from ui.claims.saved_filter_list import SavedFilters
from ui.claims.status_chip import StatusChipDelegate
from ui.claims.verdict import VerdictDialog
from ui.exchange.export_dialog import ExportDialog
from ui.exchange.import_flow import ImportJob, ImportProgress, ImportSummaryDialog
from ui.library.feature_pass import FeaturePass, FeatureProgress
from ui.library.ingest import IngestJob, IngestProgress
from ui.library.keyframes_dialog import KeyframesDialog
from ui.library.known_lists import KnownListsDialog
from ui.messages import IngestReportDialog, show_error
from ui.plots.plots import PlotsDock
from ui.quick_capture import QuickCapture
from ui.tasks import TaskRunner
from ui.window.dialogs import DialogsMixin
from ui.window.jobs import JobsMixin
from ui.window.menus import MenusMixin
from ui.window.state import (
    fit_columns,
    fit_to_screen,
    restore_window_state,
    save_window_state,
)
from ui.window.team import ColleaguesMixin
from workbench.base.bidi import reveal
from workbench.base.errors import WorkbenchError
from workbench.claims.search import ClaimSearch
from workbench.claims.views import ClaimView
from workbench.settings import MAP_TILES, Settings
from workbench.team.changes import ChangeFeed
from workbench.workspace import Workspace

COLUMN_WIDTHS_EM = {COL_STATUS: 8, COL_POSTED: 12, COL_SOURCE: 16, COL_MEDIA: 9}
#: A first start on a narrow table: how far the columns may narrow (the status chip not at
#: all, a date to its digits, the source elided in the middle) to leave the claim's text
#: this: on a laptop's 1366 pixels the claim's first words, not only its first word.
COLUMN_LEAST_EM = {COL_STATUS: 8, COL_POSTED: 7, COL_SOURCE: 6, COL_MEDIA: 5}
TEXT_COLUMN_EM = 18
#: How often the window asks whether other instances (colleagues) changed anything.
POLL_MS = 1000
#: The window opens first; then pictures still without local features get them.
FEATURE_PASS_DELAY_MS = 1500


class MainWindow(MenusMixin, JobsMixin, ColleaguesMixin, DialogsMixin, QMainWindow):
    #: Emitted with the ``IngestOutcome`` once the window has shown it (summary, report).
    ingest_finished = Signal(object)
    #: Emitted with the ``ImportOutcome`` of File ▸ Import or a dropped bag or archive, once
    #: the window has shown it (status line, summary).
    import_finished = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._settings = settings or Settings.load()
        workspace.max_distance = self._settings.duplicate_threshold
        #: A workspace the analyst chose in Settings: ui/app.py reopens the window on it.
        self.switch_to: Path | None = None
        self._runner = runner or TaskRunner(self)
        self._job: IngestJob | None = None
        self._import_job: ImportJob | None = None
        #: Media dropped together with an archive: stored once the archive is in.
        self._then_ingest: tuple[list[str], str | None] | None = None
        self.export_dialog: ExportDialog | None = None
        self.import_summary: ImportSummaryDialog | None = None
        self._closing = False
        self.ingest_report: IngestReportDialog | None = None
        self.editor: ClaimEditor | None = None
        self.audit_dialog: AuditDialog | None = None
        self.verdict_dialog: VerdictDialog | None = None
        self._shown: ClaimView | None = None  # the claim in the detail pane, as read
        self.history = ClaimHistory(workspace, self)
        self.history.claim_changed.connect(self._claim_changed)
        self.history.failed.connect(self._history_refused)

        self.setWindowTitle(f"Claim workbench — {reveal(str(workspace.location.folder))}")
        self.search = ClaimSearch(workspace)
        self.claims_model = ClaimsModel(self.search, self)
        self.claims_view = self._build_table()
        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self.apply_filters)
        self.detail = ClaimDetailPane()
        self.detail.setAccessibleName("Selected claim")
        self.detail.media_requested.connect(self.open_media)
        self.detail.compare_requested.connect(self.open_compare)
        self.detail.claim_requested.connect(self.go_to_claim)
        self.detail.unrelate_requested.connect(self.unrelate_shown)
        self.detail.finding_requested.connect(self.set_finding)
        self.detail.keyframes_requested.connect(self.show_keyframes)
        self.keyframes_dialog: KeyframesDialog | None = None
        self.known_warning: QMessageBox | None = None
        self.lists_dialog: KnownListsDialog | None = None
        self.relate_dialog: RelateDialog | None = None
        self.checklist_dialog: ChecklistDialog | None = None
        self.events_dialog: EventsDialog | None = None

        claims_side = QWidget()
        column = QVBoxLayout(claims_side)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.filter_bar)
        column.addWidget(self.claims_view)
        self.case_list = CaseList()
        self.case_list.case_chosen.connect(self.choose_case)
        self.saved = SavedFilters(workspace.saved_filters, self.filter_bar, self.statusBar(), self)
        self.saved_filters = self.saved.view
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_navigator())
        splitter.addWidget(claims_side)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 3)  # the cases list: 0, it keeps its width
        splitter.setStretchFactor(2, 2)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.splitter = splitter

        self.plots = PlotsDock(self, workspace, self.search, self._runner)
        self.plots.panel.claim_chosen.connect(self.go_to_claim)
        self.plots.panel.area_changed.connect(self.filter_bar.set_area)
        self.plots.panel.set_tiles(self._settings[MAP_TILES])

        self._build_menu()
        self._build_claim_actions()
        self.ingest_progress = IngestProgress()
        self.ingest_progress.cancel_requested.connect(self.cancel_ingest)
        self.statusBar().addPermanentWidget(self.ingest_progress)
        self.ingest_progress.hide()
        self.import_progress = ImportProgress()
        self.import_progress.cancel_requested.connect(self.cancel_import)
        self.statusBar().addPermanentWidget(self.import_progress)
        self.import_progress.hide()
        self.feature_progress = FeatureProgress()
        self.statusBar().addPermanentWidget(self.feature_progress)
        self.feature_progress.hide()
        #: Local features, in the background after each import and once after opening.
        self.feature_pass = FeaturePass(
            workspace.features, self._runner, self.feature_progress, self
        )
        self.feature_pass.finished.connect(self._features_done)

        self.claims_view.selectionModel().selectionChanged.connect(self._show_selected_claim)
        #: Colleagues' changes (other instances on the same database): polled off the UI
        #: thread every ``POLL_MS``; marked before the first read, so nothing is missed.
        self.change_feed = ChangeFeed(workspace)
        self._polling = False
        self._feed_epoch = 0  # raised when the window re-reads everything itself
        self._keep_detail = False  # set while the table re-selects the claim it showed
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self.poll_changes)
        self.refresh_claims()
        count = self.claims_model.rowCount()
        self.statusBar().showMessage(f"{count} claim{'s' if count != 1 else ''} in this workspace")
        self.quick_capture = QuickCapture(self)  # drops and Ctrl+V, after the detail pane
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.quick_capture.paste_action)
        # Last: the analyst's layout wins; a first start fills most of the screen.
        if not restore_window_state(self):
            fit_to_screen(
                self,
                splitter,
                lambda: fit_columns(self.claims_view, COLUMN_LEAST_EM, TEXT_COLUMN_EM),
            )
        self.poll_timer.start()
        QTimer.singleShot(FEATURE_PASS_DELAY_MS, self, self._start_feature_pass)
        self._runner.run_task(workspace.known.warm)  # a big known-fakes list, read early

    # -- building ------------------------------------------------------------------------

    def _build_table(self) -> QTableView:
        view = QTableView()
        view.setModel(self.claims_model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # as logged; Status, Posted sort
        view.verticalHeader().hide()
        view.setAccessibleName("Claims")
        view.setItemDelegateForColumn(COL_STATUS, StatusChipDelegate(view))
        view.setItemDelegateForColumn(COL_SOURCE, MiddleElideDelegate(view))  # keeps the grade
        view.doubleClicked.connect(lambda _index: self.edit_claim())
        # Fixed starting widths the analyst can drag: sizing to contents would make Qt read
        # a thousand rows at start, defeating the model's paging on a big workspace.
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        em = view.fontMetrics().horizontalAdvance("m")
        for column, width in COLUMN_WIDTHS_EM.items():
            header.resizeSection(column, width * em)
        return view

    def _build_navigator(self) -> QWidget:
        """The left column: the cases, then the saved filters, each under its heading."""
        navigator = QWidget()
        column = QVBoxLayout(navigator)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for heading, widget, stretch in (
            ("Cases", self.case_list, 2),
            ("Saved filte&rs", self.saved_filters, 1),  # Alt+R; Tab reaches both
        ):
            label = QLabel(heading)
            label.setBuddy(widget)
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            label.setContentsMargins(4, 4, 4, 0)
            column.addWidget(label)
            column.addWidget(widget, stretch)
        return navigator

    # -- media, settings, sample ---------------------------------------------------------

    # -- claims --------------------------------------------------------------------------

    def selected_claim_id(self) -> str | None:
        rows = self.claims_view.selectionModel().selectedRows()
        return str(rows[0].data(CLAIM_ID_ROLE)) if rows else None

    def select_claim(self, claim_id: str | None) -> None:
        """Select the claim's row (or nothing) and show it in the detail pane."""
        selection = self.claims_view.selectionModel()
        row = None if claim_id is None else self.claims_model.row_of(claim_id)
        if row is None:
            selection.clearSelection()
        else:
            index = self.claims_model.index(row, 0)
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            selection.setCurrentIndex(index, flags)
            self.claims_view.scrollTo(index)
        self._show_selected_claim()

    def _caught_up(self) -> None:
        """The window is about to re-read everything (after its own change): what the
        feed would report up to now is shown by that, and is not colleagues' news."""
        self._feed_epoch += 1
        # A database away a moment: the next poll, off this thread, says so.
        with contextlib.suppress(Exception):
            self.change_feed.catch_up()

    def refresh_claims(self) -> None:
        """Re-read the claims (after anything changed them), keeping the selection."""
        self._caught_up()
        selected = self.selected_claim_id()
        self.saved.refresh()
        try:
            self._set_facets()
            self.claims_model.refresh()
        except WorkbenchError as exc:
            show_error(self, "Cannot list the claims", exc)
        self.plots.panel.set_query(self.claims_model.query, reread=True)
        self.select_claim(selected)

    def choose_case(self, case_id: str | None) -> None:
        """A case picked on the left: the filter bar's case follows, and so the table."""
        bar = self.filter_bar.case
        bar.setCurrentIndex(max(bar.findData(case_id), 0) if case_id else 0)

    def _set_facets(self) -> None:
        facets = self.search.facets()
        self.filter_bar.set_facets(facets)
        self.case_list.set_cases(facets.cases)

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    def apply_filters(self) -> None:
        """The filter bar changed: show the claims that match, keeping the selection."""
        selected = self.selected_claim_id()
        query = self.filter_bar.query()
        self.case_list.show_case(query.case_id)
        self.saved_filters.show_query(query)
        try:
            self.claims_model.set_query(query)
        except WorkbenchError as exc:  # e.g. a date range the search refuses
            self.statusBar().showMessage(str(exc))
            return
        self.plots.panel.set_query(query)
        self.select_claim(selected)
        self.statusBar().showMessage(f"{self.claims_model.rowCount()} matching claims")

    def _show_selected_claim(self) -> None:
        claim_id = self.selected_claim_id()
        if self._keep_detail and self._shown is not None and self._shown.id == claim_id:
            return  # the same claim re-selected after a colleague's change elsewhere
        self._shown = None
        self.plots.panel.set_selected(claim_id)
        if claim_id is None:
            self.detail.show_detail(None)
            self._enable_claim_actions()
            return
        try:
            # While an import writes the hash index, the UI thread must not read it.
            detail = load_claim_detail(self._ws, claim_id)
        except WorkbenchError as exc:
            self.detail.show_detail(None)
            self._enable_claim_actions()
            show_error(self, "Cannot show this claim", exc)
            return
        self._shown = detail.claim
        self.detail.show_detail(detail)
        self._enable_claim_actions()

    def _enable_claim_actions(self) -> None:
        shown = self._shown
        claim_actions = (self.edit_claim_action, self.audit_action, self.relate_action)
        for action in (*claim_actions, self.checklist_action):
            action.setEnabled(shown is not None)
        for status, action in self.verdict_actions.items():
            action.setEnabled(shown is not None and shown.status != status)

    def _claim_changed(self, claim_id: str) -> None:
        """After an edit, a verdict, an undo or a redo: re-read, and show that claim ("":
        an event's change, the selected claim stays)."""
        claim_id = claim_id or self.selected_claim_id() or ""
        self._caught_up()
        try:
            self._set_facets()
            self.claims_model.refresh()
        except WorkbenchError as exc:
            show_error(self, "Cannot list the claims", exc)
        self.plots.panel.invalidate()
        self.select_claim(claim_id or None)

    def _history_refused(self, title: str, error: BaseException) -> None:
        """An undo or redo the domain refused (somebody else changed the claim)."""
        show_error(self, title, error)
        self.refresh_claims()  # show what the claim is now

    # -- colleagues' changes -------------------------------------------------------------

    # -- editing and deciding ------------------------------------------------------------

    # -- media import --------------------------------------------------------------------

    # -- import and export ---------------------------------------------------------------

    # -- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.poll_timer.stop()
        exporting = self.export_dialog is not None and self.export_dialog.running
        if self._job is not None or self._import_job is not None or exporting:
            # The workspace is closed after the window: let the import stop first. It stops
            # after the file in hand, so this waits a moment, not for the whole batch.
            self._closing = True
            for job in (self._job, self._import_job):
                if job is not None:
                    job.cancel()
            if self.export_dialog is not None:
                self.export_dialog.cancel_export()
            self.statusBar().showMessage("Stopping the import…")
            self._runner.wait_for_done()
        running = self.feature_pass.running
        self.feature_pass.stop()  # and none starts later (the timer from opening)
        if running:  # it stops after the picture in hand
            self._closing = True
            self._runner.wait_for_done()
        if self._polling:  # a look for colleagues' changes in flight: a moment at most
            self._closing = True
            self._runner.wait_for_done(5000)
        save_window_state(self)
        super().closeEvent(event)
