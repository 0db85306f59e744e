"""Plain values the domain hands to the window and the command line.

No ORM object ever leaves ``workbench/``: services copy what callers need into these
frozen dataclasses. ``to_jsonable`` gives the command line's JSON shapes.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from workbench.bidi import isolate, reveal
from workbench.matching.video import Overlap


@dataclasses.dataclass(frozen=True)
class SourceView:
    id: str
    platform: str
    handle: str
    display_name: str
    url: str
    affiliation: str
    reliability: str
    notes: str


@dataclasses.dataclass(frozen=True)
class CaseView:
    id: str
    name: str
    description: str
    created_at: datetime


@dataclasses.dataclass(frozen=True)
class Finding:
    """The desk's finding on a file (``workbench.findings``): a schema.org MediaReview
    category, a note, who set it and when."""

    category: str
    note: str
    by: str
    at: datetime | None


@dataclasses.dataclass(frozen=True)
class LinkedMedia:
    media_id: str
    sha256: str
    kind: str
    role: str
    original_name: str
    finding: Finding | None = None


@dataclasses.dataclass(frozen=True)
class ClaimView:
    id: str
    case_id: str | None
    case_name: str | None
    text: str
    original_text: str
    original_language: str
    translation: str
    source: SourceView | None
    post_url: str
    posted_at: datetime | None
    observed_at: datetime | None
    place_name: str
    latitude: float | None
    longitude: float | None
    actors: tuple[str, ...]
    tags: tuple[str, ...]
    status: str
    credibility: int | None
    rationale: str
    decided_by: str
    decided_at: datetime | None
    notes: str
    created_at: datetime
    updated_at: datetime
    version: int
    media: tuple[LinkedMedia, ...] = ()
    #: A short summary (under 75 characters reads best), what a published review names
    #: the claim by; empty when the analyst gave none.
    summary: str = ""
    #: exact, vicinity, locality or unknown (``fields.PRECISIONS``); "" when not said.
    location_precision: str = ""

    @property
    def precision(self) -> str:
        """The precision to show: "unknown" for coordinates given without one, "" for none."""
        if self.latitude is None:
            return ""
        return self.location_precision or "unknown"


@dataclasses.dataclass(frozen=True)
class MediaView:
    id: str
    sha256: str
    kind: str
    mime: str
    byte_size: int
    width: int | None
    height: int | None
    duration_ms: int | None
    original_name: str
    acquired_at: datetime
    acquired_from: str
    acquired_by: str
    capture_time: str | None
    camera_make: str | None
    camera_model: str | None
    gps_latitude: float | None
    gps_longitude: float | None
    orientation: int | None
    software: str | None
    exif: dict[str, str]
    claim_ids: tuple[str, ...] = ()
    finding: Finding | None = None


@dataclasses.dataclass(frozen=True)
class NearDuplicate:
    media_id: str
    sha256: str
    #: The hash distance; None when local features alone found it ("inside", "features").
    distance: int | None
    claim_ids: tuple[str, ...]
    case_ids: tuple[str, ...]
    first_seen: datetime
    t_ms: int | None = None
    #: Which views met (``workbench.matching.index.VIEW_KINDS``): "whole" for the whole picture,
    #: "mirrored", "rotated_90"/"_180"/"_270", "cropped", "tilted", or "region" when one
    #: side was the other's content region (a photo inside a screenshot, a padded copy).
    evidence: str = "whole"
    #: Video against video only: the stretches the two share (``workbench.matching.video``).
    overlaps: tuple[Overlap, ...] = ()
    #: Local features (``workbench.matching.local``): how many points agree, where the new
    #: picture sits in the stored one (stored pixels) and the stored one in the new one
    #: (its pixels), as (left, top, width, height), and that in words ("inside: 412×300
    #: at (120, 640), 87 points"); None when the hashes alone decided.
    points: int | None = None
    query_in_stored: tuple[int, int, int, int] | None = None
    stored_in_query: tuple[int, int, int, int] | None = None
    where: str | None = None

    def measure(self) -> str:
        """How near, in words: "distance 3", "distance 7; inside: ..." or the agreement."""
        parts = [] if self.distance is None else [f"distance {self.distance}"]
        return "; ".join([*parts, *([self.where] if self.where else [])])


class IngestStatus(StrEnum):
    ADDED = "added"
    EXISTS = "exists"
    ERROR = "error"


@dataclasses.dataclass(frozen=True)
class KnownMatch:
    """A picture met a listed hash: which list, what that desk said, how near."""

    list: str
    label: str
    verdict: str
    date: str
    distance: int
    desk: str = ""
    kind: str = "image"

    def sentence(self) -> str:
        """ "on the known-fakes list of Desk B: refuted 2025-02-01, 'recycled 2013 photo'"."""
        who = reveal(self.desk or self.list)  # names cannot spoof; what they said is fenced
        said = " ".join(reveal(x) for x in (self.verdict, self.date) if x)
        label = f", '{isolate(self.label)}'" if self.label else ""
        return f"on the known-fakes list of {who}: {said or 'listed'}{label}"


@dataclasses.dataclass(frozen=True)
class IngestResult:
    path: str
    status: IngestStatus
    error: str | None = None
    media: MediaView | None = None
    near_duplicates: tuple[NearDuplicate, ...] = ()
    #: Listed hashes it met on other desks' known-fakes lists (``workbench.known_fakes``).
    known: tuple[KnownMatch, ...] = ()


@dataclasses.dataclass(frozen=True)
class MatchResult:
    query: str
    error: str | None
    matches: tuple[NearDuplicate, ...]
    known: tuple[KnownMatch, ...] = ()  # as IngestResult's


@dataclasses.dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    entity_type: str
    entity_id: str
    action: str
    changes: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing ``verify`` found wrong; ``kind`` is a stable keyword."""

    kind: str  # missing_file | hash_mismatch | orphan_file | missing_hashes, or for the
    # audit trail (``sha256``: the entry's hash, or ""): audit_edited | audit_inserted |
    # audit_deleted | audit_broken
    sha256: str
    detail: str


@dataclasses.dataclass(frozen=True)
class ImportIssue:
    """One thing an import could not take, or had to decide: ``where`` names the file and
    line (``posts.jsonl line 7``) or the record (``claim 1b2c…``)."""

    where: str
    message: str


@dataclasses.dataclass(frozen=True)
class ImportSummary:
    """What ``workbench import`` did with one file, folder or bag.

    ``added``: claims created; ``merged``: claims that were already here and were updated
    or left as they were (the same claim id, or the same post); ``skipped``: records not
    taken, each with its reason (a malformed line, a post without text); ``conflicts``:
    claims edited on both sides, and how the rule resolved each. ``refused`` is set when
    the whole import was refused (a bad bag): then nothing was imported.
    """

    path: str
    format: str  # twarc | tweet | telegram | csv | folder | bag | json
    added: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()
    skipped: tuple[ImportIssue, ...] = ()
    conflicts: tuple[ImportIssue, ...] = ()
    media_added: int = 0
    media_existing: int = 0
    refused: str | None = None


def to_jsonable(value: Any) -> Any:
    """Dataclasses, datetimes, UUIDs, enums and paths as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID | Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
