"""The detail pane: one claim's fields, its media strip, and what each was seen as before.

``load_claim_detail`` gathers plain values from the services; ``claim_html`` and
``media_html`` turn them into rich text (pure, testable without a widget);
``ClaimDetailPane`` shows them: the fields, a strip of thumbnails, and for the media chosen
in the strip its facts and its near duplicates (``ui.seen_before``).
"""

from __future__ import annotations

import dataclasses
from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFontDatabase, QIcon, QTextDocumentFragment
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.claims_model import SEEN_COLOUR, SEEN_MARK, STATUS_COLOURS, format_time, short
from ui.seen_before import ClaimNames, SeenBefore, SeenBeforeList, load_seen_before
from workbench.base.bidi import isolate, reveal
from workbench.claims.checklist import Check
from workbench.claims.findings import CATEGORIES, LABELS
from workbench.claims.relations import Related
from workbench.claims.views import ClaimView
from workbench.library.first_seen import FirstSeen, first_seen
from workbench.library.views import KnownMatch, MediaView
from workbench.workspace import Workspace

FINDING_MARK = "⚑"  # on a strip item with a finding
THUMB_BOX = 96  # thumbnails in the strip fit a square this wide
MEDIA_ID_ROLE = Qt.ItemDataRole.UserRole
PLACEHOLDER = (
    "<p style='color:gray'>Select a claim to see its fields, its media and whether each "
    "picture was seen before.</p>"
    "<p style='color:gray'>File ▸ Add media… (Ctrl+O) adds pictures and videos; with a claim "
    "selected they are attached to it.</p>"
)


@dataclasses.dataclass(frozen=True)
class MediaDetail:
    media: MediaView
    seen_before: tuple[SeenBefore, ...]
    thumbnail: Path | None = None
    known: tuple[KnownMatch, ...] = ()  # other desks' known-fakes lists it is on
    first_seen: FirstSeen | None = None


@dataclasses.dataclass(frozen=True)
class ClaimDetail:
    claim: ClaimView
    media: tuple[MediaDetail, ...]
    relations: tuple[Related, ...] = ()
    checklist: tuple[Check, ...] = ()
    events: tuple[str, ...] = ()  # the names of the events the claim is in


def load_claim_detail(workspace: Workspace, claim_id: str) -> ClaimDetail:
    """Everything the pane shows about one claim (a handful of short reads)."""
    claim = workspace.claims.get(claim_id)
    names = ClaimNames(workspace)
    details = []
    for link in claim.media:
        media = workspace.media.get(link.media_id)
        seen = load_seen_before(workspace, media.id, names)
        known = tuple(workspace.known.lookup_media(media.id, workspace.max_distance))
        thumb = workspace.media.thumbnail_path(media.sha256)
        first = first_seen(workspace, media.id, [s.duplicate for s in seen])  # read once
        details.append(MediaDetail(media, seen, thumb, known, first))
    relations = tuple(workspace.relations.of(claim.id))
    checklist = tuple(workspace.checklist.of(claim.id))
    events = tuple(name for _, name in workspace.events.of_claim(claim.id))
    return ClaimDetail(claim, tuple(details), relations, checklist, events)


# -- rendering ---------------------------------------------------------------------------


def _row(label: str, value: str) -> str:
    cell = "<td style='color:gray; padding-right:8px'>"
    # The form reads left to right whatever a value starts with: Qt takes a paragraph's
    # direction from its first strong letter even inside an isolate, so an Arabic
    # rationale would turn "— decided by …" after it around.
    return f"<tr>{cell}{escape(label)}</td><td dir='ltr'>{value}</td></tr>"


def _size(byte_size: int) -> str:
    size = float(byte_size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{byte_size} bytes"


def _name(text: str) -> str:
    """A file name, handle, URL or person as HTML, its bidi controls shown as markers."""
    return escape(reveal(text))


def _said(text: str) -> str:
    """What somebody wrote, as HTML, fenced in an isolate: it cannot reorder what follows."""
    return escape(isolate(text))


def _claim_fields(c: ClaimView) -> str:
    rows = [_row("Status", f"<b>{escape(c.status)}</b>")]
    if c.rationale:
        by = (
            f" — decided by {_name(c.decided_by)} at {format_time(c.decided_at)}"
            if c.decided_by
            else ""
        )
        rows.append(_row("Rationale", _said(c.rationale) + by))
    if c.source is not None:
        s = c.source
        name = _name(s.display_name or s.handle)
        where = f" on {_name(s.platform)}" if s.platform else ""
        rows.append(_row("Source", f"{name}{where}, reliability {escape(s.reliability)}"))
    if c.credibility is not None:
        rows.append(_row("Credibility", str(c.credibility)))
    if c.posted_at:
        rows.append(_row("Posted", format_time(c.posted_at)))
    if c.observed_at:
        rows.append(_row("Observed", format_time(c.observed_at)))
    if c.post_url:
        url = escape(c.post_url, quote=True)
        rows.append(_row("Post", f"<a href='{url}'>{_name(c.post_url)}</a>"))
    if c.place_name or c.latitude is not None:
        coords = (
            f" ({c.latitude:.5f}, {c.longitude:.5f}, {c.precision})"
            if c.latitude is not None
            else ""
        )
        rows.append(_row("Place", _said(c.place_name) + coords))
    if c.case_name:
        rows.append(_row("Case", _name(c.case_name)))
    if c.actors:
        rows.append(_row("Actors", ", ".join(_said(a) for a in c.actors)))
    if c.tags:
        rows.append(_row("Tags", ", ".join(_said(t) for t in c.tags)))
    if c.original_text:
        lang = f" [{escape(c.original_language)}]" if c.original_language else ""
        rows.append(_row("Original" + lang, _said(c.original_text)))
    if c.translation:
        rows.append(_row("Translation", _said(c.translation)))
    if c.notes:
        rows.append(_row("Notes", _said(c.notes).replace("\n", "<br>")))
    return "<table cellspacing='2'>" + "".join(rows) + "</table>"


def media_html(item: MediaDetail) -> str:
    """The selected media's facts: name (a link to the viewer), size, EXIF highlights, and
    who added it when."""
    m = item.media
    facts = [m.kind, _size(m.byte_size)]
    if m.width and m.height:
        facts.insert(1, f"{m.width}×{m.height}")
    if m.duration_ms:
        facts.append(f"{m.duration_ms / 1000:.1f} s")
    lines = [
        f"<a href='media:{m.id}'><b>{_name(m.original_name)}</b></a> — {escape(', '.join(facts))}"
    ]
    make, model = m.camera_make or "", m.camera_model or ""
    camera = model if make and model.startswith(make) else f"{make} {model}".strip()
    if m.capture_time or camera:
        taken = ", ".join(x for x in (m.capture_time, camera) if x)
        lines.append(f"Taken: {_name(taken)}")
    if m.gps_latitude is not None and m.gps_longitude is not None:
        lines.append(f"GPS: {m.gps_latitude:.5f}, {m.gps_longitude:.5f}")
    if m.software:
        lines.append(f"Software: {_name(m.software)}")
    lines.append(f"Added by {_name(m.acquired_by)} at {format_time(m.acquired_at)}")
    if m.finding is not None:
        note = f" — {_said(m.finding.note)}" if m.finding.note else ""
        who = f" ({_name(m.finding.by)}, {format_time(m.finding.at)})" if m.finding.by else ""
        lines.append(f"<b>Finding: {escape(LABELS[m.finding.category])}</b>{note}{who}")
    if item.first_seen is not None:
        sentence = item.first_seen.sentence()
        lines.append(escape(sentence[:1].upper() + sentence[1:]))
    for k in item.known:
        lines.append(f"<b style='color:#b3261e'>⚠ {escape(k.sentence())}</b>")
    return "<br>".join(lines)


def _chip(status: str) -> str:
    """The verdict as a small coloured chip, as in the table."""
    fill = STATUS_COLOURS.get(status, STATUS_COLOURS["unconfirmed"]).name()
    return f"<span style='background-color:{fill}; color:white'>&nbsp;{escape(status)}&nbsp;</span>"


def relations_html(relations: tuple[Related, ...]) -> str:
    """The claim's relations: how, the other claim's verdict chip and its text (a link
    that selects it), the note, and a link that removes the relation."""
    if not relations:
        return ""
    rows = []
    for r in relations:
        note = f" — {_said(r.note)}" if r.note else ""
        rows.append(
            f"<tr><td style='color:gray; padding-right:8px'>{escape(r.words)}</td>"
            f"<td>{_chip(r.status)} <a href='claim:{r.claim_id}'>{_said(short(r.text, 70))}</a>"
            f"{note} <a href='unrelate:{r.claim_id}' title='Remove this relation'>✕</a></td></tr>"
        )
    return (
        f"<p><b>Related claims ({len(relations)})</b></p><table cellspacing='2'>"
        + "".join(rows)
        + "</table>"
    )


#: How a step's state is marked in the pane.
STEP_MARKS = {"done": "✓", "not_done": "○", "not_applicable": "–"}


def checklist_html(checklist: tuple[Check, ...]) -> str:
    """The checklist, one step a line: its mark, its name, its note (Ctrl+K to work it)."""
    if not checklist:
        return ""
    done = sum(c.state == "done" for c in checklist)
    rows = []
    for c in checklist:
        note = f" — {_said(c.note)}" if c.note else ""
        colour = "" if c.state == "done" else " style='color:gray'"
        rows.append(f"<span{colour}>{STEP_MARKS[c.state]} {escape(c.label)}</span>{note}")
    return (
        f"<p><b>Checklist ({done} of {len(checklist)} done)</b> "
        f"<span style='color:gray'>Ctrl+K</span><br>" + "<br>".join(rows) + "</p>"
    )


def claim_html(
    claim: ClaimView,
    relations: tuple[Related, ...] = (),
    checklist: tuple[Check, ...] = (),
    events: tuple[str, ...] = (),
) -> str:
    in_events = (
        "<table cellspacing='2'>"
        + _row(
            "Events",
            ", ".join(_name(e) for e in events) + " <span style='color:gray'>Ctrl+J</span>",
        )
        + "</table>"
        if events
        else ""
    )
    return (
        f"<h3>{_said(claim.text)}</h3>"
        + _claim_fields(claim)
        + in_events
        + relations_html(relations)
        + checklist_html(checklist)
    )


class ClaimDetailPane(QWidget):
    """One claim: its fields above, its media strip below, and for the media chosen in the
    strip its facts and every near duplicate. ``show_detail(None)`` shows the placeholder.

    Activating a thumbnail (double-click, Enter) or the media's name asks for the viewer
    (``media_requested``), a seen-before row for the compare view (``compare_requested``,
    this media then the other); a related claim's link asks for that claim
    (``claim_requested``), its ✕ for the relation's removal (``unrelate_requested``); web
    links open in the browser.
    """

    media_requested = Signal(str)
    compare_requested = Signal(str, str)
    claim_requested = Signal(str)
    unrelate_requested = Signal(str)
    #: The analyst set the chosen media's finding: (media id, category or "", note).
    finding_requested = Signal(str, str, str)
    #: The chosen video's keyframes, for a reverse image search: (media id).
    keyframes_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: ClaimDetail | None = None
        self.fields = QTextBrowser()
        self.fields.setOpenLinks(False)
        self.fields.anchorClicked.connect(self._follow)
        self.fields.setObjectName("claimDetail")
        self.fields.setAccessibleName("Claim fields")

        self.media_title = QLabel()
        self.media_title.setWordWrap(True)  # long hints wrap instead of widening the window
        self.media_strip = QListWidget()
        self.media_strip.setViewMode(QListView.ViewMode.IconMode)
        self.media_strip.setMovement(QListView.Movement.Static)  # no drags inside the strip
        self.media_strip.setFlow(QListView.Flow.LeftToRight)
        self.media_strip.setWrapping(False)
        self.media_strip.setIconSize(QSize(THUMB_BOX, THUMB_BOX))
        self.media_strip.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.media_strip.setGridSize(QSize(THUMB_BOX + 24, THUMB_BOX + 28))
        self.media_strip.setAccessibleName("Media of the claim")
        self.media_strip.setToolTip("Double-click or press Enter to open the viewer")
        bar = self.media_strip.horizontalScrollBar().sizeHint().height()
        self.media_strip.setFixedHeight(THUMB_BOX + 36 + bar)
        self.media_strip.currentItemChanged.connect(self._show_current_media)
        self.media_strip.itemActivated.connect(
            lambda item: self.media_requested.emit(str(item.data(MEDIA_ID_ROLE)))
        )
        self.media_facts = QLabel()
        self.media_facts.setWordWrap(True)
        self.media_facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.media_facts.linkActivated.connect(lambda link: self._follow(QUrl(link)))
        self.media_facts.setAccessibleName("Selected media")
        # The desk's finding on the file (MediaReview): chosen, it is set (undoable).
        self.finding = QComboBox()
        self.finding.addItem("No finding", "")
        for category in CATEGORIES:
            self.finding.addItem(LABELS[category], category)
        self.finding.setAccessibleName("Finding on the selected media")
        self.finding.setToolTip("What the desk found this file to be (schema.org MediaReview)")
        self.finding_note = QLineEdit()
        self.finding_note.setPlaceholderText("Why (e.g. first posted in 2013 in Homs)")
        self.finding_note.setAccessibleName("Note on the finding")
        self.finding_note.setMaxLength(2000)
        self.finding.activated.connect(lambda _i: self._request_finding())
        self.finding_note.editingFinished.connect(self._note_finished)
        # The full hash is what an editor checks the file against: selectable, copyable,
        # and in a field that scrolls rather than widening the pane.
        self.sha_field = QLineEdit()
        self.sha_field.setReadOnly(True)
        self.sha_field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.sha_field.setAccessibleName("SHA-256 of the selected media")
        self.sha_field.setToolTip("SHA-256 of the original file")
        self.seen_title = QLabel()
        self.seen_title.setWordWrap(True)
        self.seen_list = SeenBeforeList()
        self.seen_list.compare_requested.connect(self._compare)

        media_panel = QWidget()
        column = QVBoxLayout(media_panel)
        column.setContentsMargins(4, 4, 4, 4)
        for widget in (self.media_title, self.media_strip, self.media_facts):
            column.addWidget(widget)
        finding_row = QHBoxLayout()
        self.finding_label = QLabel("F&inding")
        self.finding_label.setBuddy(self.finding)
        finding_row.addWidget(self.finding_label)
        finding_row.addWidget(self.finding)
        finding_row.addWidget(self.finding_note, 1)
        self.keyframes_button = QPushButton("&Keyframes…")
        self.keyframes_button.setToolTip(
            "The video's keyframes, to copy into a reverse image search"
        )
        self.keyframes_button.clicked.connect(self._request_keyframes)
        finding_row.addWidget(self.keyframes_button)
        column.addLayout(finding_row)
        sha_row = QHBoxLayout()
        self.sha_label = QLabel("SHA-256")
        self.sha_label.setBuddy(self.sha_field)
        sha_row.addWidget(self.sha_label)
        sha_row.addWidget(self.sha_field, 1)
        column.addLayout(sha_row)
        column.addWidget(self.seen_title)
        column.addWidget(self.seen_list, 1)
        column.addStretch(0)  # takes the room when there is no list to give it to
        # Too little height for the strip, the facts and the list: it scrolls, rather than
        # the layout squeezing the wrapped labels over the strip.
        self.media_panel = QScrollArea()
        self.media_panel.setWidget(media_panel)
        self.media_panel.setWidgetResizable(True)
        self.media_panel.setFrameShape(QFrame.Shape.NoFrame)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("detailSplitter")  # its place is remembered by this name
        splitter.addWidget(self.fields)
        splitter.addWidget(self.media_panel)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([9_000, 11_000])  # the fields scroll; the media need the height
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.show_detail(None)

    def show_detail(self, detail: ClaimDetail | None) -> None:
        """Show ``detail``; the media chosen before stays chosen when it is still there."""
        chosen = self.current_media_id()
        self.detail = detail
        self.media_strip.clear()
        self.media_panel.setVisible(detail is not None)
        if detail is None:
            self.fields.setHtml(PLACEHOLDER)
            return
        self.fields.setHtml(
            claim_html(detail.claim, detail.relations, detail.checklist, detail.events)
        )
        count = len(detail.media)
        self.media_title.setText(
            f"<b>Media ({count})</b>"
            if count
            else "<span style='color:gray'>No media attached "
            "yet: drop pictures or videos here, or use File ▸ Add media… (Ctrl+O).</span>"
        )
        self.media_strip.setVisible(bool(count))
        for item in detail.media:
            self.media_strip.addItem(_strip_item(item))
        ids = [item.media.id for item in detail.media]
        seen = [i for i, item in enumerate(detail.media) if item.seen_before]
        row = ids.index(chosen) if chosen in ids else (seen[0] if seen else 0)
        if count:
            self.media_strip.setCurrentRow(row)
        else:
            self._show_current_media(None)

    def current_media_id(self) -> str | None:
        item = self.media_strip.currentItem()
        return None if item is None else str(item.data(MEDIA_ID_ROLE))

    def text(self) -> str:
        """Everything the pane says, as plain text (what a screen reader reads out)."""
        parts = [self.fields.toPlainText()]
        if self.detail is not None:
            names = (self.media_strip.item(i).text() for i in range(self.media_strip.count()))
            parts += [_plain(self.media_title.text()), ", ".join(names)]
            if self.media_facts.isVisibleTo(self):
                parts += [_plain(self.media_facts.text()), f"SHA-256 {self.sha_field.text()}"]
                parts += [_plain(self.seen_title.text())]
                parts += ["  ".join(row) for row in self.seen_list.rows()]
        return "\n".join(parts)

    def _current(self) -> MediaDetail | None:
        chosen = self.current_media_id()
        media = self.detail.media if self.detail is not None else ()
        return next((item for item in media if item.media.id == chosen), None)

    def _show_current_media(self, *_: object) -> None:
        item = self._current()
        for widget in (
            self.media_facts,
            self.sha_label,
            self.sha_field,
            self.seen_title,
            self.finding_label,
            self.finding,
            self.finding_note,
        ):
            widget.setVisible(item is not None)
        if item is None:
            self.keyframes_button.hide()
            return
        self.keyframes_button.setVisible(item.media.kind == "video")
        found = item.media.finding
        self.finding.setCurrentIndex(max(self.finding.findData(found.category if found else ""), 0))
        self.finding_note.setText(found.note if found else "")
        self.finding_note.setEnabled(found is not None)
        self.media_facts.setText(media_html(item))
        self.sha_field.setText(item.media.sha256)
        self.sha_field.setCursorPosition(0)
        count = len(item.seen_before)
        self.seen_title.setText(
            f"<b style='color:{SEEN_COLOUR.name()}'>Seen before ({count})</b> — double-click "
            "a row to compare"
            if count
            else "<span style='color:gray'>Not seen before.</span>"
        )
        self.seen_list.setVisible(bool(count))
        claim = self.detail.claim.id if self.detail is not None else None
        self.seen_list.show_entries(item.seen_before, claim)

    def _request_finding(self) -> None:
        chosen = self.current_media_id()
        if chosen is None:
            return
        category = str(self.finding.currentData() or "")
        note = self.finding_note.text() if category else ""
        item = self._current()
        found = item.media.finding if item is not None else None
        if (found.category if found else "", found.note if found else "") != (category, note):
            self.finding_requested.emit(chosen, category, note)

    def _request_keyframes(self) -> None:
        chosen = self.current_media_id()
        if chosen is not None:
            self.keyframes_requested.emit(chosen)

    def _note_finished(self) -> None:
        if self.finding.currentData():
            self._request_finding()

    def _compare(self, other_id: str) -> None:
        chosen = self.current_media_id()
        if chosen is not None:
            self.compare_requested.emit(chosen, other_id)

    def _follow(self, url: QUrl) -> None:
        kind, _, rest = url.toString().partition(":")
        if kind == "media":
            self.media_requested.emit(rest)
        elif kind == "claim":
            self.claim_requested.emit(rest)
        elif kind == "unrelate":
            self.unrelate_requested.emit(rest)
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)


def _plain(html: str) -> str:
    return QTextDocumentFragment.fromHtml(html).toPlainText()


def _strip_item(item: MediaDetail) -> QListWidgetItem:
    m = item.media
    mark = f"{SEEN_MARK} " if item.seen_before else ""
    flag = f"{FINDING_MARK} " if m.finding is not None else ""
    entry = QListWidgetItem(mark + flag + reveal(m.original_name))
    entry.setData(MEDIA_ID_ROLE, m.id)
    if item.thumbnail is not None:
        entry.setIcon(QIcon(str(item.thumbnail)))  # read when first painted
    tip = f"{reveal(m.original_name)}\n{m.kind}, added {format_time(m.acquired_at)}"
    if item.seen_before:
        entry.setForeground(SEEN_COLOUR)
        tip += f"\nSeen before: {len(item.seen_before)} near duplicate(s)"
    if m.finding is not None:
        tip += f"\nFinding: {LABELS[m.finding.category]}"
    entry.setToolTip(tip)
    return entry
