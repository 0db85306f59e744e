"""The detail pane: one claim's fields, its media, and what each picture was seen as before.

``load_claim_detail`` gathers plain values from the services; ``claim_html`` turns them into
rich text (pure, testable without a widget); ``ClaimDetailPane`` shows it.
"""

from __future__ import annotations

import dataclasses
from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImageReader
from PySide6.QtWidgets import QTextBrowser, QWidget

from ui.claims_model import format_time
from workbench.views import ClaimView, MediaView, NearDuplicate
from workbench.workspace import Workspace

THUMB_BOX = 96  # thumbnails are shown fitted into a square this wide
PLACEHOLDER = (
    "<p style='color:gray'>Select a claim to see its fields, its media and whether each "
    "picture was seen before.</p>"
    "<p style='color:gray'>File ▸ Add media… (Ctrl+O) adds pictures and videos; with a claim "
    "selected they are attached to it.</p>"
)


@dataclasses.dataclass(frozen=True)
class SeenBefore:
    """A near-duplicate, with the names an analyst recognises it by."""

    duplicate: NearDuplicate
    original_name: str
    claims: tuple[tuple[str, str], ...]  # (claim id, claim text)


@dataclasses.dataclass(frozen=True)
class MediaDetail:
    media: MediaView
    seen_before: tuple[SeenBefore, ...]
    thumbnail: Path | None = None
    thumbnail_size: tuple[int, int] = (0, 0)  # as shown, fitted into THUMB_BOX


@dataclasses.dataclass(frozen=True)
class ClaimDetail:
    claim: ClaimView
    media: tuple[MediaDetail, ...]


def load_claim_detail(workspace: Workspace, claim_id: str) -> ClaimDetail:
    """Everything the pane shows about one claim (a handful of short reads)."""
    claim = workspace.claims.get(claim_id)
    claim_texts: dict[str, str] = {claim.id: claim.text}

    def text_of(other_id: str) -> str:
        if other_id not in claim_texts:
            claim_texts[other_id] = workspace.claims.get(other_id).text
        return claim_texts[other_id]

    details = []
    for link in claim.media:
        media = workspace.media.get(link.media_id)
        seen = tuple(
            SeenBefore(
                duplicate=dup,
                original_name=workspace.media.get(dup.media_id).original_name,
                claims=tuple((cid, text_of(cid)) for cid in dup.claim_ids),
            )
            for dup in workspace.media.near_duplicates(media.id)
        )
        thumbnail = workspace.media.thumbnail_path(media.sha256)
        size = _fitted_size(thumbnail) if thumbnail is not None else (0, 0)
        details.append(MediaDetail(media, seen, thumbnail, size))
    return ClaimDetail(claim, tuple(details))


def _fitted_size(path: Path) -> tuple[int, int]:
    """The thumbnail's size scaled to fit THUMB_BOX (read from the file header only)."""
    size = QImageReader(str(path)).size()
    if size.width() <= 0 or size.height() <= 0:
        return (0, 0)
    scale = min(THUMB_BOX / size.width(), THUMB_BOX / size.height(), 1.0)
    return (max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))


# -- rendering ---------------------------------------------------------------------------


def _row(label: str, value: str) -> str:
    cell = "<td style='color:gray; padding-right:8px'>"
    return f"<tr>{cell}{escape(label)}</td><td>{value}</td></tr>"


def _size(byte_size: int) -> str:
    size = float(byte_size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{byte_size} bytes"


def _claim_fields(c: ClaimView) -> str:
    rows = [_row("Status", f"<b>{escape(c.status)}</b>")]
    if c.rationale:
        by = (
            f" — decided by {escape(c.decided_by)} at {format_time(c.decided_at)}"
            if c.decided_by
            else ""
        )
        rows.append(_row("Rationale", escape(c.rationale) + by))
    if c.source is not None:
        s = c.source
        name = escape(s.display_name or s.handle)
        where = f" on {escape(s.platform)}" if s.platform else ""
        rows.append(_row("Source", f"{name}{where}, reliability {escape(s.reliability)}"))
    if c.credibility is not None:
        rows.append(_row("Credibility", str(c.credibility)))
    if c.posted_at:
        rows.append(_row("Posted", format_time(c.posted_at)))
    if c.observed_at:
        rows.append(_row("Observed", format_time(c.observed_at)))
    if c.post_url:
        url = escape(c.post_url, quote=True)
        rows.append(_row("Post", f"<a href='{url}'>{escape(c.post_url)}</a>"))
    if c.place_name or c.latitude is not None:
        coords = f" ({c.latitude:.5f}, {c.longitude:.5f})" if c.latitude is not None else ""
        rows.append(_row("Place", escape(c.place_name) + coords))
    if c.case_name:
        rows.append(_row("Case", escape(c.case_name)))
    if c.actors:
        rows.append(_row("Actors", escape(", ".join(c.actors))))
    if c.tags:
        rows.append(_row("Tags", escape(", ".join(c.tags))))
    if c.original_text:
        lang = f" [{escape(c.original_language)}]" if c.original_language else ""
        rows.append(_row("Original" + lang, escape(c.original_text)))
    if c.translation:
        rows.append(_row("Translation", escape(c.translation)))
    if c.notes:
        rows.append(_row("Notes", escape(c.notes).replace("\n", "<br>")))
    return "<table cellspacing='2'>" + "".join(rows) + "</table>"


def _seen_before(item: MediaDetail, claim_id: str) -> str:
    if not item.seen_before:
        return "<span style='color:gray'>Not seen before.</span>"
    lines = []
    for seen in item.seen_before:
        dup = seen.duplicate
        where = ", ".join(
            "this claim" if cid == claim_id else f"“{escape(_short(text))}”"
            for cid, text in seen.claims
        )
        at = f" at {dup.t_ms / 1000:.1f} s" if dup.t_ms is not None else ""
        compare = f"compare:{item.media.id}:{dup.media_id}"
        lines.append(
            f"<li><a href='{compare}'><b>{escape(seen.original_name)}</b></a>{at} — "
            f"distance {dup.distance}, "
            f"first seen {format_time(dup.first_seen)}, "
            f"{'under ' + where if where else 'under no claim'} "
            f"<span style='color:gray'>({dup.sha256[:12]})</span></li>"
        )
    return "<b style='color:#b06000'>Seen before:</b><ul>" + "".join(lines) + "</ul>"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _media_block(item: MediaDetail, claim_id: str) -> str:
    m = item.media
    facts = [m.kind, _size(m.byte_size)]
    if m.width and m.height:
        facts.insert(1, f"{m.width}×{m.height}")
    if m.duration_ms:
        facts.append(f"{m.duration_ms / 1000:.1f} s")
    view = f"media:{m.id}"
    lines = [f"<a href='{view}'><b>{escape(m.original_name)}</b></a> — {escape(', '.join(facts))}"]
    make, model = m.camera_make or "", m.camera_model or ""
    camera = model if make and model.startswith(make) else f"{make} {model}".strip()
    if m.capture_time or camera:
        taken = ", ".join(x for x in (m.capture_time, camera) if x)
        lines.append(f"Taken: {escape(taken)}")
    if m.gps_latitude is not None and m.gps_longitude is not None:
        lines.append(f"GPS: {m.gps_latitude:.5f}, {m.gps_longitude:.5f}")
    if m.software:
        lines.append(f"Software: {escape(m.software)}")
    lines.append(_seen_before(item, claim_id))
    thumb = ""
    width, height = item.thumbnail_size
    if item.thumbnail is not None and width and height:
        src = escape(item.thumbnail.as_uri(), quote=True)
        thumb = f"<a href='{view}'><img src='{src}' width='{width}' height='{height}'></a>"
    return (
        "<table cellspacing='0' cellpadding='4'><tr>"
        f"<td valign='top' width='{THUMB_BOX + 8}'>{thumb}</td>"
        f"<td valign='top'>{'<br>'.join(lines)}</td></tr>"
        # The full hash on its own line: it is what an editor checks the file against.
        "<tr><td colspan='2' style='color:gray; font-family:monospace; font-size:small'>"
        f"SHA-256 {m.sha256}</td></tr></table>"
    )


def claim_html(detail: ClaimDetail) -> str:
    c = detail.claim
    parts = [f"<h3>{escape(c.text)}</h3>", _claim_fields(c)]
    parts.append(f"<h4>Media ({len(detail.media)})</h4>")
    if not detail.media:
        parts.append("<p style='color:gray'>No media attached yet.</p>")
    parts.extend(_media_block(item, c.id) for item in detail.media)
    return "".join(parts)


class ClaimDetailPane(QTextBrowser):
    """Read-only view of one claim; ``show_detail(None)`` shows the placeholder.

    A picture's name or thumbnail asks for the viewer (``media_requested``), a seen-before
    entry for the compare view (``compare_requested``); web links open in the browser.
    """

    media_requested = Signal(str)
    compare_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._follow)
        self.setObjectName("claimDetail")
        self.document().setIndentWidth(18)  # list bullets close to their heading
        self.show_detail(None)

    def _follow(self, url: QUrl) -> None:
        link = url.toString()
        kind, _, rest = link.partition(":")
        if kind == "media":
            self.media_requested.emit(rest)
        elif kind == "compare":
            left, _, right = rest.partition(":")
            self.compare_requested.emit(left, right)
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def show_detail(self, detail: ClaimDetail | None) -> None:
        self.setHtml(PLACEHOLDER if detail is None else claim_html(detail))
