"""The report of verified claims: one design, written as a PDF and as a self-contained page.

An :class:`~workbench.exchange.scope.ExportSet` (what the analyst chose, read from the
database) is turned here into the report's model (``report_model``): which lines a claim
has, in what order, and which picture stands for each media. The two renderers
(``report_html``, ``report_pdf``) only lay that model out and import nothing of this
module, so the PDF and the HTML page cannot drift apart.

The claims are built one at a time while a renderer writes them (``Report.claims``): a
missing thumbnail is made then, progress is reported per claim and a cancel stops between
claims. The writers write to a temporary file beside the target and rename it at the end,
so a cancelled or failed export leaves nothing behind.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from workbench.base.bidi import isolate, reveal
from workbench.base.errors import WorkbenchError
from workbench.base.files import atomic_output
from workbench.claims import fields
from workbench.claims.checklist import STATE_WORDS, Check
from workbench.claims.findings import LABELS
from workbench.claims.relations import Related
from workbench.claims.views import AuditView, ClaimView, Finding
from workbench.exchange.report_model import (
    CHANGE_PREVIEW,
    EVIDENCE,
    TITLE,
    UNKNOWN,
    AuditRow,
    ClaimEntry,
    Cover,
    Line,
    ManifestRow,
    MediaEntry,
    Passage,
    Report,
    ReportResult,
    StatusCount,
    coordinates,
    credibility,
    duration,
    preview,
    reliability,
    size,
    verdict,
    when,
)
from workbench.exchange.scope import ExportClaim, ExportSet, SeenBefore
from workbench.library.analysis import THUMB_SIDE
from workbench.library.first_seen import first_seen
from workbench.library.views import MediaView, NearDuplicate
from workbench.media.pictures import display_picture

if TYPE_CHECKING:
    from workbench.workspace import Workspace

log = logging.getLogger(__name__)

_HASH = re.compile(r"\b[0-9a-f]{64}\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")

#: Called with (claims written, claims in all) after each claim.
Progress = Callable[[int, int], None]
ShouldCancel = Callable[[], bool]


def _line(label: str, value: str, **options: Any) -> Line:
    """A line whose value's direction is read from the value itself."""
    value = value or UNKNOWN
    return Line(label, value, rtl=options.pop("rtl", fields.is_right_to_left(value)), **options)


def build_report(export_set: ExportSet, ws: Workspace) -> Report:
    """The report model of ``export_set``. Cheap: the claims' entries (which may have to
    make a thumbnail) are built when ``Report.claims()`` is iterated."""
    numbers = {item.claim.id: n for n, item in enumerate(export_set.claims, 1)}
    refs = _ClaimRefs(ws, export_set, numbers)

    def entries() -> Iterator[ClaimEntry]:
        for number, item in enumerate(export_set.claims, 1):
            yield _claim_entry(ws, number, item, refs)

    return Report(
        cover=_cover(export_set, ws),
        audit=tuple(_audit_rows(export_set, numbers)),
        manifest=tuple(_manifest_row(m) for m in export_set.originals()),
        claim_count=len(export_set.claims),
        footer=(
            f"{TITLE} · workspace {export_set.workspace_id[:8]} · "
            f"exported {when(export_set.exported_at)} by {reveal(export_set.exported_by)}"
        ),
        _entries=entries,
    )


class _ClaimRefs:
    """How a claim is referred to from another: ``#3 text…`` when it is in this report,
    else its short id and text (read once, only for claims the history names)."""

    def __init__(self, ws: Workspace, export_set: ExportSet, numbers: dict[str, int]) -> None:
        self._ws = ws
        self._numbers = numbers
        self._texts = {item.claim.id: item.claim.text for item in export_set.claims}

    def __call__(self, claim_id: str) -> str:
        number = self._numbers.get(claim_id)
        if number is not None:
            return f"#{number} {isolate(preview(self._texts[claim_id]))}"
        if claim_id not in self._texts:
            try:
                self._texts[claim_id] = self._ws.claims.get(claim_id).text
            except WorkbenchError:
                self._texts[claim_id] = ""
        text = self._texts[claim_id]
        short = f"claim {claim_id[:8]}"
        if not text:
            return f"{short} (removed)"
        return f"{short} (not in this report) {isolate(preview(text))}"


def _cover(export_set: ExportSet, ws: Workspace) -> Cover:
    tally = Counter(item.claim.status for item in export_set.claims)
    return Cover(
        title=TITLE,
        subtitle=f"exported {when(export_set.exported_at)} by {reveal(export_set.exported_by)}",
        lines=(
            Line("Workspace", export_set.workspace_id, mono=True),
            _line("Exported by", reveal(export_set.exported_by)),
            Line("Exported at", when(export_set.exported_at, seconds=True)),
            Line("Claims", str(len(export_set.claims))),
            Line("Originals", str(len(export_set.originals()))),
            *_chain_line(export_set),
        ),
        scope=tuple(_line(label, value) for label, value in export_set.scope.describe(ws)),
        counts=tuple(StatusCount(verdict(s), tally.get(s, 0)) for s in fields.STATUSES),
    )


def _chain_line(export_set: ExportSet) -> tuple[Line, ...]:
    """The workspace's audit chain head: ``workbench verify --head`` checks a later copy."""
    if not export_set.audit_head:
        return ()
    entries = export_set.audit_entries
    noun = "entry" if entries == 1 else "entries"
    value = f"{entries} {noun}, chain head {export_set.audit_head}"
    return (Line("Audit trail", value, mono=True),)


def _claim_entry(
    ws: Workspace, number: int, item: ExportClaim, refs: Callable[[str], str]
) -> ClaimEntry:
    claim = item.claim
    lines = _claim_lines(claim)
    return ClaimEntry(
        number=number,
        anchor=f"claim-{claim.id}",
        title=claim.text,
        title_rtl=fields.is_right_to_left(claim.text),
        verdict=verdict(claim.status),
        passages=_passages(claim),
        lines=(
            *lines[:-1],  # the claim's id stays last
            *_relation_lines(ws.relations.of(claim.id), refs),
            *_event_lines(ws.events.of_claim(claim.id)),
            *_check_lines(ws.checklist.of(claim.id)),
            lines[-1],
        ),
        media=tuple(
            _media_entry(ws, media, seen, refs, claim.media[i].role if i < len(claim.media) else "")
            for i, (media, seen) in enumerate(zip(item.media, item.seen_before, strict=True))
        ),
    )


def _passages(claim: ClaimView) -> tuple[Passage, ...]:
    out = []
    if claim.original_text:
        language = claim.original_language
        label = f"Original ({language})" if language else "Original"
        out.append(
            Passage(
                label,
                claim.original_text,
                language,
                fields.is_right_to_left(claim.original_text, language),
            )
        )
    if claim.translation:
        out.append(
            Passage(
                "Translation", claim.translation, "", fields.is_right_to_left(claim.translation)
            )
        )
    return tuple(out)


def _claim_lines(claim: ClaimView) -> tuple[Line, ...]:
    """A claim's lines, always in this order; the optional ones only when they hold
    something, the rest with a dash so a reader sees what is unknown."""
    source = claim.source
    decided = (
        f"{reveal(claim.decided_by)}, {when(claim.decided_at)}"
        if claim.decided_by
        else "no verdict yet"
    )
    lines = [
        _line("Rationale", claim.rationale),
        _line("Decided", decided),
        _line("Source", _source(claim)),
    ]
    if source and (source.display_name or source.affiliation):
        parts = (source.display_name, source.affiliation)
        detail = " · ".join(reveal(p) for p in parts if p)
        lines.append(_line("Source is", detail))
    lines += [
        Line("Credibility", credibility(claim.credibility)),
        _line("Place", claim.place_name),
        Line("Coordinates", coordinates(claim.latitude, claim.longitude, claim.precision)),
        Line("Posted", when(claim.posted_at)),
        Line("Observed", when(claim.observed_at)),
    ]
    optional = (
        ("Summary", claim.summary),
        ("Post", reveal(claim.post_url)),
        ("Case", reveal(claim.case_name or "")),
        ("Actors", ", ".join(isolate(a) for a in claim.actors)),
        ("Tags", ", ".join(isolate(t) for t in claim.tags)),
        ("Notes", claim.notes),
    )
    lines += [_line(label, value) for label, value in optional if value]
    lines.append(Line("Claim id", claim.id, mono=True))
    return tuple(lines)


def _relation_lines(related: list[Related], refs: Callable[[str], str]) -> tuple[Line, ...]:
    """One line a relation: "Contradicts  #3 text… (refuted) — note"."""
    out = []
    for r in related:
        note = f" — {isolate(r.note)}" if r.note else ""
        value = f"{refs(r.claim_id)} ({r.status}){note}"
        out.append(_line(r.words[:1].upper() + r.words[1:], value))
    return tuple(out)


def _event_lines(events: list[tuple[str, str]]) -> tuple[Line, ...]:
    """ "Events  Sarwan, June 2015; Tal Abyad offensive" (one line for all of them)."""
    names = "; ".join(isolate(name) for _id, name in events)
    return (_line("Events", names),) if names else ()


def _check_lines(checklist: list[Check]) -> tuple[Line, ...]:
    """One line a checklist step: "Step: Place located  done — the minaret (rana, …)"."""
    out = []
    for c in checklist:
        note = f" — {isolate(c.note)}" if c.note else ""
        by = f" ({reveal(c.by)}, {when(c.at)})" if c.by and c.at else ""
        out.append(_line(f"Step: {c.label}", f"{STATE_WORDS[c.state]}{note}{by}"))
    return tuple(out)


def _source(claim: ClaimView) -> str:
    source = claim.source
    if source is None:
        return UNKNOWN
    handle = reveal(source.handle)
    name = f"{reveal(source.platform)}:{handle}" if source.platform else handle
    return f"{name} — {reliability(source.reliability)}"


def _media_entry(
    ws: Workspace, media: MediaView, seen: SeenBefore, refs: Callable[[str], str], role: str
) -> MediaEntry:
    picture, note = _picture(ws, media)
    camera = " ".join(p for p in (media.camera_make, media.camera_model) if p)
    lines = [
        Line("SHA-256", media.sha256, mono=True),
        Line("File", _file_facts(media)),
        _line("Capture time", media.capture_time or ""),
        _line("Camera", camera),
    ]
    if role and role != "claim_media":
        lines.append(Line("Attached as", role.replace("_", " ")))
    if media.finding is not None:
        lines.append(_line("Finding", _finding(media.finding)))
    first = first_seen(ws, media.id, seen.near)
    if first is not None:
        lines.append(_line("First seen", first.sentence().removeprefix("first seen ")))
    if media.gps_latitude is not None:
        lines.append(Line("GPS in file", coordinates(media.gps_latitude, media.gps_longitude)))
    return MediaEntry(
        title=reveal(media.original_name) or media.sha256[:12],
        picture=picture,
        picture_note=note,
        lines=tuple(lines),
        seen_before=_seen_lines(media, seen, refs),
    )


def _finding(finding: Finding) -> str:
    """ "Decontextualized (out of context) — note (rana, 2025-02-01 10:00 UTC)"."""
    note = f" — {isolate(finding.note)}" if finding.note else ""
    by = ", ".join(x for x in (reveal(finding.by), when(finding.at) if finding.at else "") if x)
    return f"{LABELS.get(finding.category, finding.category)}{note}" + (f" ({by})" if by else "")


def _file_facts(media: MediaView) -> str:
    parts = [media.kind, media.mime]
    if media.width and media.height:
        parts.append(f"{media.width}×{media.height}")
    if media.duration_ms is not None:
        parts.append(duration(media.duration_ms))
    parts.append(size(media.byte_size))
    return " · ".join(p for p in parts if p)


def _seen_lines(media: MediaView, seen: SeenBefore, refs: Callable[[str], str]) -> tuple[Line, ...]:
    who = f" by {reveal(media.acquired_by)}" if media.acquired_by else ""
    lines = [Line("First stored", when(seen.first_stored) + who)]
    if seen.other_claim_ids:
        lines += [_line("Also used by", refs(c)) for c in seen.other_claim_ids]
    else:
        lines.append(Line("Also used by", "no other claim"))
    if seen.near:
        lines += [_line("Looks like", _near(dup, refs)) for dup in seen.near]
    else:
        lines.append(Line("Looks like", "no near duplicate found"))
    return tuple(lines)


def _near(dup: NearDuplicate, refs: Callable[[str], str]) -> str:
    text = f"{dup.sha256[:12]}… {dup.measure()} ({EVIDENCE.get(dup.evidence, dup.evidence)})"
    if dup.t_ms is not None:
        text += f", at {duration(dup.t_ms)} in the video"
    text += f", first stored {when(dup.first_seen)}"
    if dup.claim_ids:
        text += "; under " + "; ".join(refs(c) for c in dup.claim_ids)
    return text


def _picture(ws: Workspace, media: MediaView) -> tuple[Path | None, str]:
    """The JPEG that stands for ``media``: a video's strip of frames or its thumbnail, a
    picture's cached thumbnail. A missing one is made (and cached) the way ingest makes
    it, so the report has no holes; when even that fails, the reason is shown instead."""
    if media.kind == "video":
        found = ws.media.strip_path(media.sha256) or ws.media.thumbnail_path(media.sha256)
    else:
        found = ws.media.thumbnail_path(media.sha256)
    if found is not None:
        return found, ""
    try:
        return _make_thumbnail(ws, media), ""
    except (WorkbenchError, OSError) as exc:
        log.warning("no picture for %s in the report: %s", media.sha256, exc)
        return None, f"No picture: {exc}"


def _make_thumbnail(ws: Workspace, media: MediaView) -> Path:
    if media.kind == "video":
        frame = ws.media.frame_path(media.sha256, 0, THUMB_SIDE)
        if frame is None:
            raise WorkbenchError("the video's first frame could not be read")
        return frame
    picture = display_picture(ws.media.original_path(media.sha256), THUMB_SIDE)
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=85)
    return ws.thumbnails.put(media.sha256, out.getvalue())


def _audit_rows(export_set: ExportSet, numbers: dict[str, int]) -> Iterator[AuditRow]:
    for item in export_set.claims:
        for entry in item.audit:
            yield AuditRow(
                at=when(entry.at, seconds=True),
                claim=f"#{numbers[item.claim.id]}",
                actor=reveal(entry.actor),
                action=entry.action,
                changes=_changes(entry),
            )


def _changes(entry: AuditView) -> str:
    """Field changes abbreviated: ``status: unconfirmed → confirmed; rationale: The feed…``."""
    parts = []
    for name, change in entry.changes.items():
        if isinstance(change, list | tuple) and len(change) == 2:
            before, after = change
            parts.append(
                f"{name}: {_short(after)}"
                if before in (None, "", [])
                else f"{name}: {_short(before)} → {_short(after)}"
            )
        else:
            parts.append(f"{name}: {_short(change)}")
    return "; ".join(parts)


def _short(value: object) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    text = _HASH.sub(lambda m: m.group(0)[:12] + "…", str(value))
    text = _UUID.sub(lambda m: m.group(0)[:8] + "…", text)
    return isolate(preview(text, CHANGE_PREVIEW))


def _manifest_row(media: MediaView) -> ManifestRow:
    name = reveal(media.original_name)
    return ManifestRow(media.sha256, name, media.kind, size(media.byte_size))


# -- writing ------------------------------------------------------------------------------


class _Cancelled(Exception):
    """The analyst cancelled: unwinds the renderer; the partial file is removed."""


def write_html(
    export_set: ExportSet,
    ws: Workspace,
    out_path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> ReportResult:
    """The report as one self-contained HTML page (styles inline, pictures as ``data:``
    URIs, no external reference). ``progress(done, total)`` after each claim; when
    ``should_cancel()`` turns true the export stops and no file is left."""
    from workbench.exchange import report_html

    return _write(export_set, ws, out_path, report_html.render, progress, should_cancel)


def write_pdf(
    export_set: ExportSet,
    ws: Workspace,
    out_path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> ReportResult:
    """The report as a PDF (fpdf2; no display needed), same design as ``write_html``."""
    from workbench.exchange import report_pdf

    return _write(export_set, ws, out_path, report_pdf.render, progress, should_cancel)


#: ``write_html`` or ``write_pdf`` (the export dialog picks one by format).
Writer = Callable[..., ReportResult]
#: A renderer: writes the report to the binary file; returns its page count, if any.
Renderer = Callable[[Report, Iterator[ClaimEntry], BinaryIO], int | None]


def _write(
    export_set: ExportSet,
    ws: Workspace,
    out_path: str | os.PathLike[str],
    render: Renderer,
    progress: Progress | None,
    should_cancel: ShouldCancel | None,
) -> ReportResult:
    target = Path(out_path)
    if not target.parent.is_dir():
        raise WorkbenchError(f"{target}: the folder {target.parent} does not exist")
    report = build_report(export_set, ws)
    done = [0]

    def tracked() -> Iterator[ClaimEntry]:
        for entry in report.claims():
            if should_cancel is not None and should_cancel():
                raise _Cancelled
            yield entry
            done[0] += 1
            if progress is not None:
                progress(done[0], report.claim_count)

    try:
        with atomic_output(target) as temporary, open(temporary, "wb") as out:
            pages = render(report, tracked(), out)
    except _Cancelled:
        return ReportResult(None, done[0], None, 0, cancelled=True)
    return ReportResult(target, done[0], pages, target.stat().st_size)
