"""The detail pane: one claim's fields, its media strip, and what each was seen as before.

``load_claim_detail`` gathers plain values from the services; ``claim_html`` and
``media_html`` turn them into rich text (pure, testable without a widget);
``ClaimDetailPane`` shows them: the fields, a strip of thumbnails, and for the media chosen
in the strip its facts and its near duplicates (``ui.library.seen_before``).
"""

from __future__ import annotations

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

from ui.claims.detail_html import ClaimDetail, MediaDetail, claim_html, media_html
from ui.library.seen_before import SeenBeforeList
from ui.presentation import SEEN_COLOUR, SEEN_MARK, format_time
from workbench.base.bidi import reveal
from workbench.claims.findings import CATEGORIES, LABELS

FINDING_MARK = "⚑"  # on a strip item with a finding
THUMB_BOX = 96  # thumbnails in the strip fit a square this wide
MEDIA_ID_ROLE = Qt.ItemDataRole.UserRole
PLACEHOLDER = (
    "<p style='color:gray'>Select a claim to see its fields, its media and whether each "
    "picture was seen before.</p>"
    "<p style='color:gray'>File ▸ Add media… (Ctrl+O) adds pictures and videos; with a claim "
    "selected they are attached to it.</p>"
)


# -- rendering ---------------------------------------------------------------------------


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
