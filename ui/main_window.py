"""The main window: claims in the middle, the selected claim on the right, imports below.

The window is handed an open ``Workspace`` (``ui/app.py`` composes it) and talks to the
domain only through its services, receiving plain values. Anything slow runs through the
``TaskRunner``; the window reacts when the outcome comes back on the UI thread. Edits and
verdicts go through ``ClaimHistory`` (undoable); whatever changes a claim ends in
``_claim_changed``, which re-reads the table and the detail pane.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.audit_view import AuditDialog
from ui.case_list import CaseList
from ui.checklist_dialog import ChecklistDialog
from ui.claim_detail import ClaimDetailPane, load_claim_detail
from ui.claim_editor import ClaimEditor, source_label
from ui.claims_model import (
    CLAIM_ID_ROLE,
    COL_MEDIA,
    COL_POSTED,
    COL_SOURCE,
    COL_STATUS,
    COL_TEXT,
    ClaimsModel,
    MiddleElideDelegate,
)
from ui.commands import ClaimHistory
from ui.compare_view import open_compare_view
from ui.event_view import EventsDialog
from ui.export_dialog import ExportDialog
from ui.feature_pass import FeaturePass, FeatureProgress
from ui.filter_bar import FilterBar
from ui.first_run import load_sample_case, offer_sample_case
from ui.import_flow import ImportJob, ImportOutcome, ImportProgress, ImportSummaryDialog
from ui.ingest import IngestJob, IngestOutcome, IngestProgress
from ui.keyframes_dialog import KeyframesDialog
from ui.known_lists import KnownListsDialog, warn_known
from ui.media_viewer import open_media_viewer
from ui.messages import IngestReportDialog, error_message, show_error
from ui.plots import PlotsDock
from ui.quick_capture import QuickCapture
from ui.relate_dialog import RelateDialog
from ui.saved_filter_list import SavedFilters
from ui.settings_dialog import SettingsChoice, SettingsDialog, store_choice
from ui.status_chip import StatusChipDelegate
from ui.tasks import TaskRunner
from ui.verdict import VERDICTS, VerdictDialog, decide
from ui.window_state import (
    fit_columns,
    fit_to_screen,
    restore_window_state,
    save_window_state,
)
from workbench import about
from workbench.base.bidi import reveal
from workbench.base.errors import WorkbenchError
from workbench.claims.search import ClaimSearch
from workbench.claims.views import ClaimView
from workbench.exchange.formats import Publication
from workbench.library.features import FeaturePassResult
from workbench.settings import MAP_TILES, REVIEW_LANGUAGE, REVIEW_URL, Settings
from workbench.team.changes import ChangeFeed, Changes
from workbench.workspace import Workspace

COLUMN_WIDTHS_EM = {COL_STATUS: 8, COL_POSTED: 12, COL_SOURCE: 16, COL_MEDIA: 9}
#: A first start on a narrow table: how far the columns may narrow (the status chip not at
#: all, a date to its digits, the source elided in the middle) to leave the claim's text
#: this: on a laptop's 1366 pixels the claim's first words, not only its first word.
COLUMN_LEAST_EM = {COL_STATUS: 8, COL_POSTED: 7, COL_SOURCE: 6, COL_MEDIA: 5}
TEXT_COLUMN_EM = 18
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
#: How often the window asks whether other instances (colleagues) changed anything.
POLL_MS = 1000
#: The window opens first; then pictures still without local features get them.
FEATURE_PASS_DELAY_MS = 1500


class MainWindow(QMainWindow):
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
        self.history = ClaimHistory(
            workspace.claims,
            self,
            relations=workspace.relations,
            findings=workspace.findings,
            checklist=workspace.checklist,
            events=workspace.events,
        )
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
        self.quick_capture = QuickCapture(self, self)  # drops and Ctrl+V, after the detail pane
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

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.add_media_action = QAction("&Add media…", self)
        self.add_media_action.setShortcut(QKeySequence("Ctrl+O"))
        self.add_media_action.setStatusTip(
            "Store pictures and videos; with a claim selected they are attached to it"
        )
        self.add_media_action.triggered.connect(self.choose_media)
        file_menu.addAction(self.add_media_action)
        file_menu.addSeparator()
        self.import_action = QAction("&Import…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setStatusTip(
            "Take in a case bundle (.zip), a workbench JSON export, a post archive "
            "(.json, .jsonl) or a claims table (.csv)"
        )
        self.import_action.triggered.connect(self.choose_import)
        self.import_folder_action = QAction("Import &folder…", self)
        self.import_folder_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.import_folder_action.setStatusTip(
            "Take in an unzipped case bundle or a Telegram export folder"
        )
        self.import_folder_action.triggered.connect(self.choose_import_folder)
        # Ctrl+E already edits the selected claim: exporting takes Shift with it.
        self.export_action = QAction("E&xport…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_action.setStatusTip(
            "Write claims as a PDF report, HTML, CSV, JSON, ClaimReview or a case bundle"
        )
        self.export_action.triggered.connect(lambda: self.open_export())
        file_menu.addActions([self.import_action, self.import_folder_action, self.export_action])
        self.lists_action = QAction("&Known-fakes lists…", self)
        self.lists_action.setStatusTip(
            "Other desks' lists of fake pictures' hashes: take in, remove, write ours"
        )
        self.lists_action.triggered.connect(lambda: self.show_known_lists())
        file_menu.addAction(self.lists_action)
        file_menu.addSeparator()
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setStatusTip("Analyst name, seen-before threshold, workspaces")
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

    def _action(self, text: str, shortcut: str, slot: object, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({shortcut})")
        action.triggered.connect(slot)
        return action

    def _build_claim_actions(self) -> None:
        stack = self.history.stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        for action, word in ((self.undo_action, "Undo"), (self.redo_action, "Redo")):
            action.setIconText(word)  # the toolbar's word; the menu names the step
        self.new_claim_action = self._action(
            "&New claim…", "Ctrl+N", self.new_claim, "Log a new claim"
        )
        self.edit_claim_action = self._action(
            "&Edit claim…", "Ctrl+E", self.edit_claim, "Edit every field of the selected claim"
        )
        self.verdict_actions = {
            status: self._action(
                text,
                shortcut,
                lambda _=False, s=status: self.decide_selected(s),
                f"Mark the selected claim {status}",
            )
            for status, (text, shortcut) in VERDICTS.items()
        }
        self.audit_action = self._action(
            "Audit &trail…", "Ctrl+H", self.show_audit, "Every change to the selected claim"
        )
        self.checklist_action = self._action(
            "Chec&klist…",
            "Ctrl+K",
            self.show_checklist,
            "Work through the verification steps of the selected claim",
        )
        self.events_action = self._action(
            "E&vents…",
            "Ctrl+J",
            self.show_events,
            "Events and their claims side by side; put the selected claim in one",
        )
        self.relate_action = self._action(
            "Re&late to…",
            "Ctrl+R",
            self.relate_selected,
            "Mark the selected claim as corroborating, contradicting or duplicating another",
        )
        self.find_action = self._action(
            "&Find claims", "Ctrl+F", self.focus_search, "Search and filter the claims"
        )
        edit_menu = self.edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        self.save_filter_action = self._action(
            "Save &filter…",
            "Ctrl+Shift+S",
            self.saved.save,
            "Keep the current search and filters under a name, on the left",
        )
        edit_menu.addAction(self.save_filter_action)
        claim_menu = self.menuBar().addMenu("&Claim")
        claim_menu.addActions([self.new_claim_action, self.edit_claim_action])
        claim_menu.addSeparator()
        claim_menu.addActions(list(self.verdict_actions.values()))
        claim_menu.addSeparator()
        claim_menu.addActions(
            [self.checklist_action, self.relate_action, self.events_action, self.audit_action]
        )
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addActions([self.plots.timeline_action, self.plots.map_action])
        help_menu = self.menuBar().addMenu("&Help")
        self.sample_action = QAction("Load the &sample case", self)
        self.sample_action.setStatusTip(
            "Claims from the 2015 northern Aleppo reporting, with generated sample pictures"
        )
        self.sample_action.triggered.connect(self.load_sample)
        help_menu.addAction(self.sample_action)
        self.about_action = QAction("&About Claim workbench", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.setStatusTip("The version, the workspace's schema and the libraries'")
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main actions")
        toolbar.setObjectName("mainToolbar")
        toolbar.setAccessibleName("Main actions")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.new_claim_action, self.edit_claim_action, self.add_media_action])
        toolbar.addSeparator()
        for status, action in self.verdict_actions.items():
            action.setIconText(status.capitalize())  # the toolbar's words
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addAction(self.audit_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    # -- media, settings, sample ---------------------------------------------------------

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

    def poll_changes(self) -> None:
        """Ask, off the UI thread, whether anything changed since the last look.

        Skipped while an import or a media ingest runs (they re-read everything when
        done), while a menu or a drop-down list is open (its items would be pulled from
        under it), and while the previous look has not answered; changes wait for the next
        tick, nothing is lost."""
        if self._polling or self._closing or self.ingest_running:
            return
        if QApplication.activePopupWidget() is not None:
            return
        self._polling = True
        epoch = self._feed_epoch
        self._runner.run_task(
            self.change_feed.poll,
            lambda *, result=None, error=None: self._changes_polled(
                result=result, error=error, epoch=epoch
            ),
        )

    def _changes_polled(
        self,
        *,
        result: Changes | None = None,
        error: BaseException | None = None,
        epoch: int | None = None,
    ) -> None:
        self._polling = False
        if self._closing or (epoch is not None and epoch != self._feed_epoch):
            return  # the window re-read everything since this look began
        if error is not None:  # the server away a moment: say so, try again next tick
            self.statusBar().showMessage(f"Cannot check for colleagues' changes: {error}")
            return
        if result:
            self.show_changes(result)
            if result.media_ids:  # pictures stored elsewhere: their local features, a look
                self._start_feature_pass()

    def show_changes(self, changes: Changes) -> None:
        """Show what the feed found: the table's rows re-read, keeping the selected claim
        selected and the scroll position; the detail pane re-read if its claim changed.
        An open editor keeps what was typed: its save then meets the conflict message."""
        selected = self.selected_claim_id()
        bars = (self.claims_view.verticalScrollBar(), self.claims_view.horizontalScrollBar())
        scrolled = [bar.value() for bar in bars]
        try:
            self._set_facets()
            reset = self.claims_model.update_rows(
                None if changes.other_kinds else changes.claim_ids
            )
        except WorkbenchError as exc:
            self.statusBar().showMessage(f"Cannot re-read the claims: {exc}")
            return
        self.plots.panel.invalidate()
        if reset:
            self._keep_detail = True
            try:
                self._reselect(selected)
            finally:
                self._keep_detail = False
            for bar, value in zip(bars, scrolled, strict=True):
                bar.setValue(value)
        shown = self._shown
        if shown is not None and self.selected_claim_id() == shown.id:
            if "media" in changes.other_kinds:  # its pictures' "seen before" may differ
                self._show_again()
            elif shown.id in changes.claim_ids or changes.other_kinds:
                self._reread_detail(shown)
        if changes.by_others:
            count = len(changes.by_others)
            note = f"Updated: {count} claim{'s' if count != 1 else ''} changed by others"
            editing = self.editor.claim_id if self.editor is not None else None
            if editing in changes.by_others:
                note += " (including the claim you are editing: saving will show their change)"
            self.statusBar().showMessage(note)

    def _reselect(self, claim_id: str | None) -> None:
        """Select the claim's row again after the table was re-read, without scrolling."""
        selection = self.claims_view.selectionModel()
        row = None if claim_id is None else self.claims_model.row_of(claim_id)
        if row is None:
            selection.clearSelection()
            self._show_selected_claim()  # it left the list: the pane follows
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection.setCurrentIndex(self.claims_model.index(row, 0), flags)

    def _reread_detail(self, shown: ClaimView) -> None:
        """Show the claim in the detail pane again if a change reached it (its version, or
        a source or case it names)."""
        try:
            current = self._ws.claims.get(shown.id)
        except WorkbenchError:
            current = None  # removed meanwhile: the pane says so
        if current != shown:
            self._show_again()

    def _show_again(self) -> None:
        self._shown = None
        self._show_selected_claim()

    # -- editing and deciding ------------------------------------------------------------

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

    # -- media import --------------------------------------------------------------------

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

    # -- import and export ---------------------------------------------------------------

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
