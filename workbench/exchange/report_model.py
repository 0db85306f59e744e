"""The report's model: what a report of verified claims says, in the order it says it
(cover, claims with their lines and media, audit rows, manifest), and how its values read
(times in UTC, grades, sizes, coordinates with their precision).

``report`` builds it from an export; the two renderers (``report_html``, ``report_pdf``)
only lay it out, so the PDF and the HTML page cannot drift apart. Uses the claims' and
the library's views and ``workbench.claims.fields``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from workbench.claims import fields

TITLE = "Report of verified claims"
#: The sections, in the order both renderers put them.
HEADINGS = {
    "cover": TITLE,
    "scope": "Scope",
    "counts": "Claims by status",
    "claims": "Claims",
    "audit": "Appendix A — Audit trail of the included claims",
    "manifest": "Appendix B — Manifest of the included originals",
}
AUDIT_COLUMNS = ("Time (UTC)", "Claim", "Actor", "Action", "Changes")
MANIFEST_COLUMNS = ("SHA-256", "Original name", "Kind", "Size")
#: The verdict in words and in the colour the claims table uses (``ui.claims.claims_model``).
STATUS_WORDS = {"confirmed": "Confirmed", "unconfirmed": "Unconfirmed", "refuted": "Refuted"}
STATUS_COLOURS = {"confirmed": "#1b7f3b", "unconfirmed": "#5f6368", "refuted": "#b3261e"}
#: Which views of two pictures met (``NearDuplicate.evidence``), as the seen-before pane says.
EVIDENCE = {
    "whole": "the whole picture",
    "framed": "the whole picture (with its frame)",
    "mirrored": "the picture mirrored",
    "rotated_90": "the picture turned 90°",
    "rotated_180": "the picture turned 180°",
    "rotated_270": "the picture turned 270°",
    "cropped": "a crop of the other",
    "tilted": "the picture tilted a few degrees",
    "region": "the picture inside bars, a caption, a border or a post screenshot",
    "features": "the same picture by its local features (no hash view met)",
    "inside": "one picture inside the other, by local features",
}
UNKNOWN = "—"
PREVIEW = 80  # characters of another claim's text shown beside its reference
CHANGE_PREVIEW = 60  # characters of an audit value before it is abbreviated


# -- the model ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Line:
    """One labelled value. ``mono``: a hash or id (monospace, may break anywhere);
    ``rtl``: the value reads right to left; ``lang``: its language code when known."""

    label: str
    value: str
    mono: bool = False
    rtl: bool = False
    lang: str = ""


@dataclasses.dataclass(frozen=True)
class Passage:
    """A claim's text in a language: the original or the translation."""

    label: str
    text: str
    lang: str
    rtl: bool


@dataclasses.dataclass(frozen=True)
class Verdict:
    status: str  # the keyword: confirmed | unconfirmed | refuted
    word: str
    colour: str  # #rrggbb


@dataclasses.dataclass(frozen=True)
class MediaEntry:
    """One media of a claim: the picture that stands for it (a cached JPEG thumbnail, a
    video's strip of frames), or why there is none, its facts and its seen-before history."""

    title: str
    picture: Path | None
    picture_note: str
    lines: tuple[Line, ...]
    seen_before: tuple[Line, ...]


@dataclasses.dataclass(frozen=True)
class ClaimEntry:
    number: int  # 1-based, as other claims and the audit trail refer to it
    anchor: str
    title: str
    title_rtl: bool
    verdict: Verdict
    passages: tuple[Passage, ...]
    lines: tuple[Line, ...]
    media: tuple[MediaEntry, ...]


@dataclasses.dataclass(frozen=True)
class AuditRow:
    at: str
    claim: str
    actor: str
    action: str
    changes: str


@dataclasses.dataclass(frozen=True)
class ManifestRow:
    sha256: str
    name: str
    kind: str
    size: str


@dataclasses.dataclass(frozen=True)
class StatusCount:
    verdict: Verdict
    count: int


@dataclasses.dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    lines: tuple[Line, ...]
    scope: tuple[Line, ...]
    counts: tuple[StatusCount, ...]


@dataclasses.dataclass(frozen=True)
class Report:
    """The whole report; ``claims()`` builds each claim's entry as it is asked for."""

    cover: Cover
    audit: tuple[AuditRow, ...]
    manifest: tuple[ManifestRow, ...]
    claim_count: int
    footer: str
    _entries: Callable[[], Iterator[ClaimEntry]] = dataclasses.field(repr=False)

    def claims(self) -> Iterator[ClaimEntry]:
        return self._entries()


@dataclasses.dataclass(frozen=True)
class ReportResult:
    """What a writer did: the file (None when cancelled), claims written, pages (PDF)."""

    path: Path | None
    claims: int
    pages: int | None
    byte_size: int
    cancelled: bool = False


# -- formatting: one place for how every value reads --------------------------------------


def when(value: datetime | None, *, seconds: bool = False) -> str:
    """A time in UTC, readable and sortable: ``2015-06-01 15:20 UTC``."""
    if value is None:
        return UNKNOWN
    if value.tzinfo is not None:  # stored times are UTC; a naive one is taken as UTC
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def size(byte_size: int) -> str:
    """Bytes as a person reads them (decimal units, like file managers)."""
    amount = float(byte_size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if amount < 1000 or unit == "GB":
            return f"{byte_size} bytes" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1000
    raise AssertionError("unreachable")


def coordinates(latitude: float | None, longitude: float | None, precision: str = "") -> str:
    if latitude is None or longitude is None:
        return UNKNOWN
    said = {"": "", "unknown": " (precision unknown)"}.get(precision, f" ({precision})")
    return f"{latitude:.5f}, {longitude:.5f}{said}"


def reliability(grade: str) -> str:
    return f"grade {grade} ({fields.RELIABILITY.get(grade, 'unknown grade')})"


def credibility(grade: int | None) -> str:
    if grade is None:
        return UNKNOWN
    return f"{grade} — {fields.CREDIBILITY.get(grade, 'unknown grade')}"


def duration(ms: int) -> str:
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes}:{rest / 1000:04.1f}"


def preview(text: str, limit: int = PREVIEW) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def verdict(status: str) -> Verdict:
    return Verdict(status, STATUS_WORDS.get(status, status), STATUS_COLOURS.get(status, "#000000"))


# -- building the model ------------------------------------------------------------------
