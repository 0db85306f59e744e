"""Editing every field of a claim, or logging a new one.

The editor reads the claim once (a plain ``ClaimView``) and keeps its version. Save sends
only the fields the analyst changed, through ``ClaimHistory.edit`` (undoable, with the
version read: a claim changed meanwhile is refused with a clear message, never
overwritten). A refused value names its field and puts the cursor in that field's widget.
A new claim (``claim_id=None``) is created on Save with ``ClaimService.create``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.claims.commands import ClaimHistory
from ui.claims.editor_fields import (
    TimeField,
    line_edit,
    offset_minutes,
    platform_of,
    source_label,
    text_box,
)
from ui.claims.verdict import VERDICTS, decide
from ui.messages import confirm, show_error
from ui.presentation import format_time
from workbench.base.errors import ConflictError, ValidationError, WorkbenchError
from workbench.claims import fields
from workbench.claims.service import ClaimService
from workbench.claims.views import ClaimView

NEW_SOURCE = "__new__"
NEW_CASE = "__new_case__:"  # + the typed name, until the case is created on save
NO_CASE = "— no case —"
PLATFORMS = ("telegram", "twitter", "facebook", "youtube", "instagram", "tiktok", "web")
#: What a refused field is called in the editor (the service names it by its attribute).
_LABELS = {
    "text": "Claim",
    "source_id": "Source",
    "post_url": "Post URL",
    "posted_at": "Posted",
    "observed_at": "Observed",
    "place_name": "Place",
    "original_language": "Original language",
    "reliability": "Source reliability",
}


class ClaimEditor(QDialog):
    """Every field of one claim (or of a new one). Emits ``saved`` with the claim's id."""

    saved = Signal(str)

    def __init__(
        self,
        claims: ClaimService,
        history: ClaimHistory,
        claim_id: str | None = None,
        parent: QWidget | None = None,
        case_id: str | None = None,
    ) -> None:
        """``case_id``: the case a new claim starts in (the one the window shows)."""
        super().__init__(parent)
        self._claims, self._history = claims, history
        self._new_case_id = case_id
        self._claim: ClaimView | None = claims.get(claim_id) if claim_id else None
        self._guessed_handle = ""  # what the URL last suggested, while not edited by hand
        self._guessed_source: str | None = None
        self._loading = False
        self._build()
        self._load()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.setWindowTitle("Edit claim" if self._claim else "New claim")
        self.text_edit = text_box("Claim", 3, "What is claimed, in one or two sentences")
        self.summary_edit = line_edit("Summary", "A short line a published review names it by")
        self.summary_edit.setMaxLength(200)
        self.summary_edit.setToolTip(
            "Under 75 characters reads best; left empty, a review cuts the claim at a word"
        )
        self.language_edit = line_edit("Original language", "ar")
        self.language_edit.setMaximumWidth(80)
        self.original_edit = text_box("Original text", 4, "As posted, in its own language")
        self.translation_edit = text_box("Translation", 3)
        self.notes_edit = text_box("Notes", 4)
        texts = QFormLayout()
        texts.addRow("&Claim", self.text_edit)
        texts.addRow("Su&mmary", self.summary_edit)
        texts.addRow("Original &language", self.language_edit)
        texts.addRow("&Original text", self.original_edit)
        texts.addRow("&Translation", self.translation_edit)
        texts.addRow("&Notes", self.notes_edit)

        self.source_combo = QComboBox()
        self.source_combo.setAccessibleName("Source")
        self.new_source = self._build_new_source()
        self.url_edit = line_edit("Post URL", "https://t.me/channel/1234")
        self.url_platform = QLabel()
        self.url_platform.setStyleSheet("color: gray")
        self.url_platform.setMinimumWidth(
            self.url_platform.fontMetrics().horizontalAdvance("facebook ")
        )
        self.url_platform.setAccessibleName("Platform of the post URL")
        url_row = QHBoxLayout()
        url_row.addWidget(self.url_edit, 1)
        url_row.addWidget(self.url_platform)
        self.posted = TimeField("Posted")
        self.observed = TimeField("Observed")
        self.place_edit = line_edit("Place", "e.g. Sarwan")
        self.latitude_edit = line_edit("Latitude", "latitude")
        self.longitude_edit = line_edit("Longitude", "longitude")
        self.precision_combo = QComboBox()
        self.precision_combo.setAccessibleName("Location precision")
        self.precision_combo.setToolTip(
            "How near the coordinates are to the place: exact (the spot), vicinity (a few "
            "hundred metres), locality (the town or district)"
        )
        self.precision_combo.addItem("precision not said", "")
        for precision in fields.PRECISIONS:
            self.precision_combo.addItem(precision.capitalize(), precision)
        where = QHBoxLayout()
        where.addWidget(self.latitude_edit)
        where.addWidget(self.longitude_edit)
        where.addWidget(self.precision_combo)
        self.actors_edit = line_edit("Actors", "comma-separated, e.g. IS, YPG")
        self.tags_edit = line_edit("Tags", "comma-separated")
        self.case_combo = QComboBox()
        self.case_combo.setAccessibleName("Case")
        self.case_combo.setEditable(True)  # a name not in the list is a new case
        self.case_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.case_combo.lineEdit()
        if line is not None:
            line.setAccessibleName("Case name")
        self.case_combo.setToolTip("Pick a case, or type a new case's name")
        self.credibility_combo = QComboBox()
        self.credibility_combo.setAccessibleName("Credibility")
        self.credibility_combo.addItem("— not graded", None)
        for grade, words in fields.CREDIBILITY.items():
            self.credibility_combo.addItem(f"{grade} — {words}", grade)
        facts = QFormLayout()
        facts.addRow("Cas&e", self.case_combo)
        facts.addRow("&Source", self.source_combo)
        facts.addRow("", self.new_source)
        url_label = QLabel("Post &URL")
        url_label.setBuddy(self.url_edit)
        facts.addRow(url_label, url_row)
        facts.addRow("&Posted", self.posted)
        facts.addRow("O&bserved", self.observed)
        facts.addRow("Pl&ace", self.place_edit)
        facts.addRow("Coordinates", where)
        facts.addRow("Ac&tors", self.actors_edit)
        facts.addRow("Ta&gs", self.tags_edit)
        facts.addRow("Cre&dibility", self.credibility_combo)
        facts.addRow("Verdict", self._build_verdict())
        self.decision_label = QLabel()
        self.decision_label.setWordWrap(True)
        self.decision_label.setStyleSheet("color: gray")
        self.decision_label.setAccessibleName("Rationale")
        facts.addRow("", self.decision_label)

        columns = QHBoxLayout()
        columns.addLayout(texts, 1)
        columns.addLayout(facts, 1)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b3261e; font-weight: bold")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button: QPushButton = save
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.save_button.setToolTip("Save (Ctrl+S or Ctrl+Enter)")
        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.url_edit.textChanged.connect(self._recognise_url)
        self.language_edit.textChanged.connect(self._update_direction)
        self.original_edit.textChanged.connect(self._update_direction)
        self.source_combo.currentIndexChanged.connect(self._source_chosen)
        self._widgets: dict[str, QWidget] = {
            "text": self.text_edit,
            "summary": self.summary_edit,
            "original_language": self.language_edit,
            "original_text": self.original_edit,
            "translation": self.translation_edit,
            "notes": self.notes_edit,
            "source_id": self.source_combo,
            "case_id": self.case_combo,
            "case": self.case_combo,
            "source platform": self.platform_combo,
            "source handle": self.handle_edit,
            "source display name": self.display_name_edit,
            "reliability": self.reliability_combo,
            "post_url": self.url_edit,
            "posted_at": self.posted.edit,
            "observed_at": self.observed.edit,
            "place_name": self.place_edit,
            "latitude": self.latitude_edit,
            "longitude": self.longitude_edit,
            "location_precision": self.precision_combo,
            "actors": self.actors_edit,
            "tags": self.tags_edit,
            "credibility": self.credibility_combo,
        }
        self.resize(1040, 600)

    def _build_new_source(self) -> QGroupBox:
        box = QGroupBox("New source")
        self.platform_combo = QComboBox()
        self.platform_combo.setEditable(True)
        self.platform_combo.addItems(PLATFORMS)
        self.platform_combo.setAccessibleName("New source platform")
        self.handle_edit = line_edit("New source handle", "@handle")
        self.display_name_edit = line_edit("New source display name", "as shown on the account")
        self.reliability_combo = QComboBox()
        self.reliability_combo.setAccessibleName("New source reliability")
        for grade, words in fields.RELIABILITY.items():
            self.reliability_combo.addItem(f"{grade} — {words}", grade)
        self.reliability_combo.setCurrentIndex(self.reliability_combo.findData("F"))
        self.add_source_button = QPushButton("Add source")
        self.add_source_button.clicked.connect(self._add_source_clicked)
        form = QFormLayout(box)
        form.addRow("Platform", self.platform_combo)
        form.addRow("Handle", self.handle_edit)
        form.addRow("Display name", self.display_name_edit)
        form.addRow("Reliability", self.reliability_combo)
        form.addRow("", self.add_source_button)
        box.hide()
        return box

    def _build_verdict(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Status")
        layout.addWidget(self.status_label, 1)
        self.verdict_buttons: dict[str, QPushButton] = {}
        for status, (text, shortcut) in VERDICTS.items():
            button = QPushButton(text.replace("Mark ", "").replace("&", "").capitalize())
            button.setToolTip(f"Mark this claim {status} ({shortcut} in the main window)")
            button.setAccessibleName(f"Mark {status}")
            button.clicked.connect(lambda _=False, s=status: self.decide(s))
            layout.addWidget(button)
            self.verdict_buttons[status] = button
        return row

    # -- loading -------------------------------------------------------------------------

    def _load(self) -> None:
        c = self._claim
        self._loading = True  # showing the stored URL must not pick a source for it
        self._fill_sources(c.source.id if c and c.source else None)
        self._fill_cases(c.case_id if c else self._new_case_id)
        local_offset = offset_minutes(datetime.now().astimezone())
        if c is None:
            self.posted.set_value(None, local_offset)
            self.observed.set_value(None, local_offset)
            self.observed.set_local(datetime.now().replace(second=0), local_offset)
        else:
            self.text_edit.setPlainText(c.text)
            self.summary_edit.setText(c.summary)
            self.language_edit.setText(c.original_language)
            self.original_edit.setPlainText(c.original_text)
            self.translation_edit.setPlainText(c.translation)
            self.notes_edit.setPlainText(c.notes)
            self.url_edit.setText(c.post_url)
            self.posted.set_value(c.posted_at, local_offset)
            self.observed.set_value(c.observed_at, local_offset)
            self.place_edit.setText(c.place_name)
            self.latitude_edit.setText("" if c.latitude is None else str(c.latitude))
            self.longitude_edit.setText("" if c.longitude is None else str(c.longitude))
            self.precision_combo.setCurrentIndex(
                max(0, self.precision_combo.findData(c.location_precision))
            )
            self.actors_edit.setText(", ".join(c.actors))
            self.tags_edit.setText(", ".join(c.tags))
            self.credibility_combo.setCurrentIndex(self.credibility_combo.findData(c.credibility))
        self._loading = False
        self._show_verdict()
        self._loaded = self.values()
        self.text_edit.setFocus()

    def _fill_sources(self, selected: str | None) -> None:
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        self.source_combo.addItem("— no source —", None)
        for source in self._claims.list_sources():
            self.source_combo.addItem(source_label(source), source.id)
            words = fields.RELIABILITY.get(source.reliability, "")
            tip = f"{source.display_name or source.handle}: reliability {source.reliability}"
            self.source_combo.setItemData(
                self.source_combo.count() - 1,
                f"{tip} ({words})",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.source_combo.addItem("New source…", NEW_SOURCE)
        self.source_combo.setCurrentIndex(max(0, self.source_combo.findData(selected)))
        self.source_combo.blockSignals(False)
        self._source_chosen()

    def _fill_cases(self, selected: str | None) -> None:
        self.case_combo.clear()
        self.case_combo.addItem(NO_CASE, None)
        for case in self._claims.list_cases():
            self.case_combo.addItem(case.name, case.id)
        self.case_combo.setCurrentIndex(max(0, self.case_combo.findData(selected)))

    def _case_value(self) -> str | None:
        """The chosen case's id; a typed name not in the list comes back as ``NEW_CASE``
        followed by the name (the case is created on save)."""
        name = self.case_combo.currentText().strip()
        index = self.case_combo.findText(name, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return self.case_combo.itemData(index)
        return NEW_CASE + name if name else None

    def _show_verdict(self) -> None:
        c = self._claim
        status = c.status if c else "unconfirmed"
        self.status_label.setText(f"<b>{status}</b>" if c else "unconfirmed (save first)")
        decision = ""
        if c and c.decided_by:
            when = format_time(c.decided_at)
            decision = f"{c.rationale} — decided by {c.decided_by} at {when}".lstrip(" —")
        self.decision_label.setText(decision)
        self.decision_label.setVisible(bool(decision))
        for name, button in self.verdict_buttons.items():
            button.setEnabled(c is not None and name != status)

    # -- reading the widgets -------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The widgets' values as the service takes them (text is checked there)."""
        source = self.source_combo.currentData()
        return {
            "text": self.text_edit.toPlainText(),
            "summary": self.summary_edit.text(),
            "original_language": self.language_edit.text(),
            "original_text": self.original_edit.toPlainText(),
            "translation": self.translation_edit.toPlainText(),
            "notes": self.notes_edit.toPlainText(),
            "source_id": None if source in (None, NEW_SOURCE) else source,
            "case_id": self._case_value(),
            "post_url": self.url_edit.text(),
            "posted_at": self.posted.value(),
            "observed_at": self.observed.value(),
            "place_name": self.place_edit.text(),
            "latitude": self.latitude_edit.text(),
            "longitude": self.longitude_edit.text(),
            "location_precision": self.precision_combo.currentData(),
            "actors": self.actors_edit.text(),
            "tags": self.tags_edit.text(),
            "credibility": self.credibility_combo.currentData(),
        }

    def _stored(self, claim: ClaimView, name: str) -> Any:
        """The stored value of a field, as ``update`` takes it back (for undo)."""
        if name == "source_id":
            return claim.source.id if claim.source else None
        value = getattr(claim, name)
        return list(value) if isinstance(value, tuple) else value

    # -- saving --------------------------------------------------------------------------

    def save(self) -> bool:
        """Create or update the claim; on success close and emit ``saved``."""
        self._show_problem(None)
        try:
            if self.source_combo.currentData() == NEW_SOURCE:
                self._add_source()
            case = self._case_value()
            if case is not None and case.startswith(NEW_CASE):
                self._fill_cases(self._claims.create_case(case.removeprefix(NEW_CASE)).id)
            values = self.values()
            if self._claim is None:
                text = values.pop("text")
                chosen = {k: v for k, v in values.items() if v not in (None, "")}
                view = self._history.create(text, chosen)
            else:
                new = {k: v for k, v in values.items() if v != self._loaded[k]}
                if not new:
                    self.accept()
                    return True
                old = {k: self._stored(self._claim, k) for k in new}
                view = self._history.edit(self._claim, self._claim.version, old, new)
        except ValidationError as exc:
            self._show_problem(exc)
            return False
        except ConflictError as exc:
            self._show_conflict(exc)
            return False
        except WorkbenchError as exc:
            show_error(self, "The claim was not saved", exc)
            return False
        self.saved.emit(view.id)
        self.accept()
        return True

    def decide(self, status: str) -> None:
        """Set the verdict now (undoable); unsaved field edits stay in the editor."""
        if self._claim is not None:
            decide(self, self._history, self._claim, status, self._decided)

    def _decided(self, view: ClaimView) -> None:
        self._claim = view  # same fields, new version: a later Save is not a conflict
        self._show_verdict()

    def _show_problem(self, error: ValidationError | None) -> None:
        if error is None:
            self.problem.hide()
            return
        label = _LABELS.get(error.field, error.field.replace("_", " ").capitalize())
        message = str(error).split(": ", 1)[-1]
        self.problem.setText(f"{label}: {message}")
        self.problem.show()
        widget = self._widgets.get(error.field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_conflict(self, error: ConflictError) -> None:
        confirm(
            self,
            "Somebody else changed this claim",
            f"Your changes were not saved: the {error}.\n\n"
            "Reload shows their version (your edits here are dropped); Keep editing lets "
            "you copy what you typed first.",
            "Reload",
            self.reload,
            keep="Keep editing",
            icon=QMessageBox.Icon.Warning,
        )

    @property
    def claim_id(self) -> str | None:
        """The claim being edited (None: a new claim)."""
        return self._claim.id if self._claim is not None else None

    def has_changes(self) -> bool:
        return self.values() != self._loaded or self.source_combo.currentData() == NEW_SOURCE

    def reject(self) -> None:
        """Cancel or Escape: typed changes are dropped only once the analyst says so."""
        if not self.has_changes():
            super().reject()
            return
        confirm(
            self,
            "Discard changes?",
            "You changed this claim but did not save it.",
            "Discard changes",
            self.discard,
            keep="Keep editing",
        )

    def discard(self) -> None:
        """Close without saving what was typed."""
        super().reject()

    def reload(self) -> None:
        """Read the claim again, dropping what was typed."""
        if self._claim is not None:
            self._claim = self._claims.get(self._claim.id)
            self._load()

    # -- sources -------------------------------------------------------------------------

    def _source_chosen(self) -> None:
        adding = self.source_combo.currentData() == NEW_SOURCE
        self.new_source.setVisible(adding)
        if adding:
            self._recognise_url(self.url_edit.text())
            self.handle_edit.setFocus()

    def _add_source_clicked(self) -> None:
        self._show_problem(None)
        try:
            self._add_source()
        except ValidationError as exc:
            self._show_problem(exc)

    def _add_source(self) -> None:
        source = self._claims.create_source(
            self.platform_combo.currentText(),
            self.handle_edit.text(),
            display_name=self.display_name_edit.text(),
            reliability=self.reliability_combo.currentData(),
        )
        self._fill_sources(source.id)

    def _recognise_url(self, url: str) -> None:
        """A pasted post URL names its platform (and often the account)."""
        platform, handle = platform_of(url) if url.strip() else ("", "")
        self.url_platform.setText(platform)
        if not platform:
            return
        self.platform_combo.setCurrentText(platform)
        # Guesses follow the URL as it is typed, but never overwrite the analyst's choice.
        if self.handle_edit.text() in ("", self._guessed_handle):
            self.handle_edit.setText(handle)
            self._guessed_handle = handle
        current = self.source_combo.currentData()
        if self._loading:
            return
        if current is None or current == self._guessed_source:
            known = self.source_combo.findText(
                f"{handle} ({platform}) — ", Qt.MatchFlag.MatchStartsWith
            )
            if handle and known >= 0:
                self._guessed_source = self.source_combo.itemData(known)
                self.source_combo.setCurrentIndex(known)
            elif current is not None:
                self.source_combo.setCurrentIndex(0)

    def _update_direction(self) -> None:
        """Arabic, Persian, Hebrew… read right to left, aligned right."""
        rtl = fields.is_right_to_left(self.original_edit.toPlainText(), self.language_edit.text())
        direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        if self.original_edit.layoutDirection() != direction:
            self.original_edit.setLayoutDirection(direction)
            option = self.original_edit.document().defaultTextOption()
            option.setTextDirection(direction)
            option.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
            self.original_edit.document().setDefaultTextOption(option)
