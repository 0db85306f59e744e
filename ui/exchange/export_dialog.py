"""File ▸ Export…: pick a format and which claims, then write the file off the UI thread.

The dialog turns its pickers into an ``ExportScope`` and hands it to
``workbench.exchange.export`` on the window's ``TaskRunner``; progress comes back through a
queued signal of ``ExportJob`` and Cancel sets the event the export polls (the domain then
writes nothing). It opens on what the table shows: the filter bar's status, case, source,
tag and dates are ticked already, so "export what I am looking at" is one key press.
The dialog stays open after an export, saying what was written, so a second format of the
same claims is one more press.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.exchange.export_job import ExportJob, describe
from ui.messages import confirm, error_message, show_error
from ui.tasks import TaskRunner
from workbench.base.errors import Cancelled
from workbench.claims.search import ClaimQuery, Facets
from workbench.exchange import EXPORT_FORMATS, SUFFIXES, ExportDone
from workbench.exchange.formats import Publication
from workbench.exchange.scope import ExportScope, select_claim_ids
from workbench.workspace import Workspace

#: What the format picker says for each format, in EXPORT_FORMATS order.
FORMAT_LABELS = {
    "pdf": "PDF report",
    "html": "HTML page",
    "csv": "CSV spreadsheet",
    "xlsx": "Excel workbook (XLSX: Excel and LibreOffice)",
    "json": "JSON (workbench export)",
    "claimreview": "ClaimReview JSON-LD (verdicts only)",
    "bag": "Case bundle (BagIt zip, with originals)",
    "geojson": "GeoJSON map points (QGIS; claims with coordinates)",
    "kml": "KML map points (Google Earth; claims with coordinates)",
}
FILE_FILTERS = {
    "pdf": "PDF report (*.pdf)",
    "html": "HTML page (*.html *.htm)",
    "csv": "CSV (*.csv)",
    "xlsx": "Excel workbook (*.xlsx)",
    "json": "JSON (*.json)",
    "claimreview": "JSON-LD (*.jsonld *.json)",
    "bag": "Zip archive (*.zip)",
    "geojson": "GeoJSON (*.geojson *.json)",
    "kml": "KML (*.kml)",
}
STATUSES = ("unconfirmed", "confirmed", "refuted")
ANY = "Any"
CANCELLED = "Export cancelled: nothing written"
#: A tag list taller than this many rows scrolls.
TAG_ROWS = 3


def default_folder() -> Path:
    """The analyst's Documents folder, or home when the platform has none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def default_name(fmt: str, today: date | None = None) -> str:
    """``claims-2026-11-24.pdf``: the day, and the suffix of the format."""
    return f"claims-{(today or date.today()).isoformat()}{SUFFIXES[fmt]}"


def open_file(path: Path) -> bool:
    """Hand ``path`` to the desktop's program for it (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class ExportDialog(QDialog):
    """Non-blocking (``open()``); ``exported`` carries the ``ExportDone`` of each export."""

    exported = Signal(object)
    #: Emitted with a one-line message when an export ends, whatever the outcome.
    finished_export = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        facets: Facets,
        runner: TaskRunner,
        query: ClaimQuery | None = None,
        selected: tuple[str, str] | None = None,
        parent: QWidget | None = None,
        publication: Publication | None = None,
        event: tuple[str, str] | None = None,
    ) -> None:
        """``query``: the table's filters, ticked already; ``selected``: (claim id, text)
        of the selected claim, offered as "only the selected claim"; ``publication``:
        where the desk publishes its reviews (Settings), for ClaimReview; ``event``: (id,
        name) of an event, whose claims the dialog opens on (a report of one event)."""
        super().__init__(parent)
        self.setWindowTitle("Export claims")
        self._ws = workspace
        self._publication = publication
        self._runner = runner
        self._job: ExportJob | None = None
        self._selected_id = selected[0] if selected else None
        self._count_generation = 0
        self._confirmed_path: Path | None = None  # a file the save dialog already let replace

        self.format = QComboBox()
        self.format.setAccessibleName("Export format")
        for fmt in EXPORT_FORMATS:
            self.format.addItem(FORMAT_LABELS[fmt], fmt)

        self.only_selected = QCheckBox()
        self.only_selected.setAccessibleName("Only the selected claim")
        if selected:
            text = " ".join(selected[1].split())
            shown = text if len(text) <= 60 else text[:59] + "…"
            self.only_selected.setText(f"Only the selected claim: “{shown}”")
            self.only_selected.setToolTip(text)
        self.only_selected.setVisible(selected is not None)
        self._event_id = event[0] if event else None
        self.only_event = QCheckBox()
        self.only_event.setAccessibleName("Only the claims of the event")
        if event:
            self.only_event.setText(
                f"Only the claims of the event “{' '.join(event[1].split())[:60]}”"
            )
        self.only_event.setVisible(event is not None)

        self.status_boxes = {s: QCheckBox(s) for s in STATUSES}
        for status, box in self.status_boxes.items():
            box.setAccessibleName(f"Export {status} claims")
        self.case = self._combo("Case", facets.cases)
        self.source = self._combo("Source", facets.sources)
        self.tags = QListWidget()
        self.tags.setAccessibleName("Tags to export")
        self.tags.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # Side by side, row after row: a dozen tags fit in the height of three.
        self.tags.setFlow(QListView.Flow.LeftToRight)
        self.tags.setWrapping(True)
        self.tags.setResizeMode(QListView.ResizeMode.Adjust)
        self.tags.setSpacing(2)
        for tag in facets.tags:
            item = QListWidgetItem(tag)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.tags.addItem(item)
        row_height = self.tags.fontMetrics().height() + 8  # the item, its check box, spacing
        self.tags.setFixedHeight(TAG_ROWS * row_height + 2 * self.tags.frameWidth())
        self.posted_from, self.from_date = self._date("from")
        self.posted_to, self.to_date = self._date("until")
        self.match_count = QLabel()
        self.match_count.setAccessibleName("Claims that match")

        self.path_edit = QLineEdit(str(default_folder() / default_name("pdf")))
        self.path_edit.setAccessibleName("Save the export to")
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setAccessibleName("Choose where to save the export")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        self.open_when_done = QCheckBox("&Open when done")
        self.open_when_done.setAccessibleName("Open the file when the export is done")

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("Export result")
        # Room for a long path on its own line, so the dialog never has to grow to say it.
        self.message.setMinimumHeight(3 * self.message.fontMetrics().lineSpacing())
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("E&xport", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.cancel_button = buttons.addButton(
            "&Cancel export", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.hide()
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button.clicked.connect(self.reject)

        self._layout(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.only_selected.toggled.connect(self._only_selected_toggled)
        self.only_event.toggled.connect(self._only_selected_toggled)
        for box in self.status_boxes.values():
            box.toggled.connect(self._scope_changed)
        for combo in (self.case, self.source):
            combo.currentIndexChanged.connect(self._scope_changed)
        self.tags.itemChanged.connect(self._scope_changed)
        for check, edit in ((self.posted_from, self.from_date), (self.posted_to, self.to_date)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self._scope_changed)
            edit.dateChanged.connect(self._scope_changed)
        self.path_edit.textEdited.connect(self._path_edited)
        if query is not None:
            self.set_query(query)
        if event is not None:
            self.only_event.setChecked(True)  # opened for the event: its claims
        self._scope_changed()

    # -- building ------------------------------------------------------------------------

    def _combo(self, name: str, items: tuple[tuple[str, str], ...]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(f"Export claims of {name.lower()}")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(24)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.addItem(ANY, None)
        for value, label in items:
            combo.addItem(label, value)
        return combo

    def _date(self, word: str) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox(word)
        check.setAccessibleName(f"Limit the posted date {word}")
        edit = QDateEdit(QDate.currentDate())
        edit.setAccessibleName(f"Posted {word} (day, UTC)")
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        return check, edit

    def _layout(self, buttons: QDialogButtonBox) -> None:
        scope = QGroupBox("Which claims")
        form = QFormLayout(scope)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.only_selected)
        form.addRow(self.only_event)
        statuses = QHBoxLayout()
        for box in self.status_boxes.values():
            statuses.addWidget(box)
        hint = QLabel("(none ticked: every status)")
        hint.setEnabled(False)
        statuses.addWidget(hint)
        statuses.addStretch(1)
        status_label = QLabel("Status:")
        form.addRow(status_label, statuses)
        self._add_row(form, "C&ase:", self.case)
        self._add_row(form, "S&ource:", self.source)
        tags_label = self._add_row(form, "&Tags:", self.tags)
        if not self.tags.count():
            self.tags.hide()
            tags_label.hide()
        dates = QHBoxLayout()
        for check, edit in ((self.posted_from, self.from_date), (self.posted_to, self.to_date)):
            dates.addWidget(check)
            dates.addWidget(edit)
        dates.addStretch(1)
        form.addRow(QLabel("Posted:"), dates)
        form.addRow(self.match_count)
        self._filters = [
            *self.status_boxes.values(),
            self.case,
            self.source,
            self.tags,
            self.posted_from,
            self.posted_to,
        ]

        target = QFormLayout()
        self._add_row(target, "&Format:", self.format)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(self.browse_button)
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.path_edit)
        target.addRow(save_label, where)
        target.addRow(self.open_when_done)

        layout = QVBoxLayout(self)
        layout.addLayout(target)
        layout.addWidget(scope)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._scope_box = scope
        self._target_rows = [self.format, self.path_edit, self.browse_button]
        self.setMinimumWidth(620)

    @staticmethod
    def _add_row(form: QFormLayout, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)  # Alt+letter reaches the widget
        form.addRow(label, widget)
        return label

    # -- what is asked -------------------------------------------------------------------

    def set_query(self, query: ClaimQuery) -> None:
        """Tick what the table's filter bar asks for (a search text or actor has no
        counterpart in an export and is left out)."""
        for status, box in self.status_boxes.items():
            box.setChecked(query.status == status)
        for combo, value in ((self.case, query.case_id), (self.source, query.source_id)):
            combo.setCurrentIndex(max(combo.findData(value), 0) if value else 0)
        for row in range(self.tags.count()):
            item = self.tags.item(row)
            checked = query.tag is not None and item.text() == query.tag
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        until = query.posted_to - timedelta(days=1) if query.posted_to else None
        for check, edit, day in (
            (self.posted_from, self.from_date, query.posted_from),
            (self.posted_to, self.to_date, until),
        ):
            check.setChecked(day is not None)
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))

    def chosen_format(self) -> str:
        return str(self.format.currentData())

    def scope(self) -> ExportScope:
        """The pickers as an ``ExportScope``; "only the selected claim" overrides the rest."""
        if self._event_id and self.only_event.isChecked():
            return ExportScope(event_ids=(self._event_id,))
        if self._selected_id and self.only_selected.isChecked():
            return ExportScope(claim_ids=(self._selected_id,))
        tags = []
        for row in range(self.tags.count()):
            item = self.tags.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                tags.append(item.text())
        case, source = self.case.currentData(), self.source.currentData()
        return ExportScope(
            statuses=tuple(s for s, box in self.status_boxes.items() if box.isChecked()),
            case_ids=(case,) if case else (),
            source_ids=(source,) if source else (),
            tags=tuple(tags),
            posted_from=_midnight(self.from_date) if self.posted_from.isChecked() else None,
            posted_to=_midnight(self.to_date, 1) if self.posted_to.isChecked() else None,
        )

    def output_path(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.is_absolute() else default_folder() / path

    def _format_changed(self) -> None:
        """Keep the file's suffix in step with the format, unless the analyst chose another."""
        text = self.path_edit.text().strip()
        if not text:
            return
        path = Path(text)
        if path.suffix.lower() in (*SUFFIXES.values(), "") and path.name:
            self.path_edit.setText(str(path.with_suffix(SUFFIXES[self.chosen_format()])))

    def _path_edited(self) -> None:
        self._confirmed_path = None

    def _only_selected_toggled(self, _checked: bool) -> None:
        only = self.only_selected.isChecked() or self.only_event.isChecked()
        for widget in self._filters:
            widget.setEnabled(not only)
        for check, edit in ((self.posted_from, self.from_date), (self.posted_to, self.to_date)):
            edit.setEnabled(not only and check.isChecked())
        self._scope_changed()

    def _scope_changed(self) -> None:
        """Count the claims the scope holds, off the UI thread; a stale count is dropped."""
        self._count_generation += 1
        generation = self._count_generation
        scope = self.scope()
        self.match_count.setText("Counting the claims…")

        def counted(*, result: object = None, error: BaseException | None = None) -> None:
            if generation != self._count_generation:
                return
            if error is not None:
                self.match_count.setText(error_message(error))
            elif isinstance(result, int):
                plural = "claim matches" if result == 1 else "claims match"
                self.match_count.setText(
                    f"{result} {plural}" if result else "No claims match: the export is empty"
                )

        self._runner.run_task(lambda: len(select_claim_ids(self._ws, scope)), counted)

    def browse(self) -> None:
        fmt = self.chosen_format()
        start = self.output_path() or default_folder() / default_name(fmt)
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the export as", str(start), f"{FILE_FILTERS[fmt]};;All files (*)"
        )
        if name:
            path = Path(name)
            if not path.suffix:
                path = path.with_suffix(SUFFIXES[fmt])
            self.path_edit.setText(str(path))
            self._confirmed_path = path  # the save dialog asked before replacing

    # -- exporting -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._job is not None

    def start_export(self) -> bool:
        """Enter or Export: ask before replacing a file, then export. False: not started."""
        if self._job is not None:
            return False
        out = self.output_path()
        if out is None:
            self.message.setText("Choose where to save the export.")
            self.path_edit.setFocus()
            return False
        if out.is_dir() and not (self.chosen_format() == "bag" and out.suffix.lower() != ".zip"):
            self.message.setText(f"{out} is a folder: add a file name.")
            self.path_edit.setFocus()
            return False
        if out.exists() and out != self._confirmed_path:
            confirm(
                self,
                "Replace the file?",
                f"{out.name} already exists in {out.parent}. Replace it with this export?",
                "Replace",
                lambda: self._run(out),
            )
            return False
        self._run(out)
        return True

    def _run(self, out: Path) -> None:
        if self._job is not None:
            return
        job = ExportJob(self._ws, self.chosen_format(), self.scope(), out, self, self._publication)
        job.progressed.connect(self._advance, Qt.ConnectionType.QueuedConnection)
        self._job = job
        self._set_running(True)
        self.message.setText(f"Exporting to {out}…")
        self._runner.run_task(job.work, self._done)

    def cancel_export(self) -> None:
        """Ask the export to stop; it writes nothing and ``finished_export`` says so."""
        if self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText("Cancelling…")

    def _set_running(self, running: bool) -> None:
        self._scope_box.setEnabled(not running)
        for widget in self._target_rows:
            widget.setEnabled(not running)
        self.export_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, 0)  # busy until the writer counts its steps
            self.cancel_button.setFocus()

    def _advance(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat("%v of %m")

    def _done(self, *, result: object = None, error: BaseException | None = None) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.deleteLater()
        self._set_running(False)
        if isinstance(error, Cancelled):
            text = CANCELLED
        elif error is not None or not isinstance(result, ExportDone):
            failure = error or RuntimeError("the export returned nothing")
            text = f"Export failed: {error_message(failure)}"
            show_error(self, "Cannot export", failure)
        else:
            text = describe(result)
            self.exported.emit(result)
            if self.open_when_done.isChecked() and not open_file(result.path):
                text += " (no program here opens it)"
        self.message.setText(text)
        self.close_button.setFocus()
        self.finished_export.emit(text)

    def reject(self) -> None:
        """Esc or Close: while exporting, the first press cancels (the dialog stays to say
        so); otherwise close."""
        if self._job is not None:
            self.cancel_export()
            return
        super().reject()

    def done(self, result: int) -> None:
        """Closing: a count still running finds the dialog gone and is dropped."""
        self._count_generation += 1
        super().done(result)


def _midnight(edit: QDateEdit, days: int = 0) -> datetime:
    """The box's day as midnight UTC (``days=1``: the next, for an inclusive "until")."""
    day = edit.date().addDays(days)
    return datetime(day.year(), day.month(), day.day(), tzinfo=UTC)
