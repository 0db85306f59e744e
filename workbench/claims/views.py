"""Plain values the domain hands to the window and the command line.

No ORM object ever leaves ``workbench/``: services copy what callers need into these
frozen dataclasses. ``to_jsonable`` gives the command line's JSON shapes.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any


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
    """The desk's finding on a file (``workbench.claims.findings``): a schema.org MediaReview
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
