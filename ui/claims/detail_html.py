"""What the detail pane says about a claim: everything it shows gathered from the services
(``load_claim_detail``, a handful of short reads) and turned into rich text (``claim_html``,
``media_html``): pure, testable without a widget. ``claim_detail`` shows it.
"""

from __future__ import annotations

import dataclasses
from html import escape
from pathlib import Path

from ui.library.seen_before import ClaimNames, SeenBefore, load_seen_before
from ui.presentation import STATUS_COLOURS, format_time, short
from workbench.base.bidi import isolate, reveal
from workbench.claims.checklist import Check
from workbench.claims.findings import LABELS
from workbench.claims.relations import Related
from workbench.claims.views import ClaimView
from workbench.library.first_seen import FirstSeen, first_seen
from workbench.library.views import KnownMatch, MediaView
from workbench.workspace import Workspace


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
