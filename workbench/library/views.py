"""Plain values about the library's media the domain hands to the window and the command
line: a stored file, what it was found near, what an ingest or a lookup did with it.

Frozen dataclasses, like ``workbench.claims.views`` (``to_jsonable`` gives their JSON).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import StrEnum

from workbench.base.bidi import isolate, reveal
from workbench.claims.views import Finding
from workbench.matching.video import Overlap


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
    #: Listed hashes it met on other desks' known-fakes lists (``workbench.library.known_fakes``).
    known: tuple[KnownMatch, ...] = ()


@dataclasses.dataclass(frozen=True)
class MatchResult:
    query: str
    error: str | None
    matches: tuple[NearDuplicate, ...]
    known: tuple[KnownMatch, ...] = ()  # as IngestResult's
