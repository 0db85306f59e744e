"""Findings on media: what the desk found a picture or video to be, in schema.org's
MediaReview categories (https://schema.org/MediaManipulationRatingEnumeration), with a
note. One finding a file (setting it again replaces it; the audit trail keeps each), set
or cleared in one transaction with its audit entry.

The finding is the file's, whichever claims use it: a photo from 2013 that a 2015 claim
passes off as new is ``DecontextualizedContent`` wherever the desk meets it again.

Uses ``storage`` and ``workbench.claims.audit``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from storage.schema import FINDINGS, Media
from workbench.base.errors import NotFoundError
from workbench.claims import audit, fields
from workbench.claims.views import Finding

if TYPE_CHECKING:
    from workbench.claims.context import ClaimsContext

#: The categories, in the order menus offer them (schema.org's names).
CATEGORIES = FINDINGS
#: How each reads to an analyst.
LABELS = {
    "OriginalMediaContent": "Original",
    "DecontextualizedContent": "Decontextualized (out of context)",
    "EditedOrCroppedContent": "Edited or cropped",
    "TransformedContent": "Transformed (manipulated)",
    "StagedContent": "Staged",
    "SatireOrParodyContent": "Satire or parody",
}
NOTE_MAX = 2000


def category(value: Any) -> str:
    return fields.choice("finding", value, CATEGORIES)


def of(row: Media) -> Finding | None:
    """A media row's finding."""
    if not row.finding:
        return None
    return Finding(row.finding, row.finding_note or "", row.finding_by or "", row.finding_at)


def _change(finding: Finding | None) -> dict[str, Any] | None:
    return None if finding is None else {"category": finding.category, "note": finding.note}


def write(
    session: Session,
    row: Media,
    finding: Finding | None,
    actor: str,
    action: str = "finding",
    extra: dict[str, Any] | None = None,
) -> None:
    """Set (or clear) ``row``'s finding and audit it, in the caller's transaction."""
    before = of(row)
    row.finding = finding.category if finding else None
    row.finding_note = finding.note if finding else ""
    row.finding_by = finding.by if finding else ""
    row.finding_at = finding.at if finding else None
    changes: dict[str, Any] = {"finding": (_change(before), _change(finding))}
    changes.update(extra or {})
    audit.record(session, actor, "media", row.id, action, changes)


class FindingService:
    def __init__(self, workspace: ClaimsContext) -> None:
        self._ws = workspace

    def set(
        self, media_id: str | uuid.UUID, category_: str | None, note: str = ""
    ) -> Finding | None:
        """Set the media's finding (``category_`` None: clear it); the finding as stored."""
        finding = None
        if category_ is not None:
            note = fields.text("note", note, max_len=NOTE_MAX)
            finding = Finding(category(category_), note, self._ws.analyst, datetime.now(UTC))
        key = fields.ident("media", media_id)
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            row = session.get(Media, key)
            if row is None:
                raise NotFoundError(f"no media with id {media_id}")
            if of(row) is None and finding is None:
                return None  # nothing to clear: nothing to audit
            write(session, row, finding, self._ws.analyst)
            return of(row)

    def merge_in(
        self, session: Session, row: Media, incoming: Finding | None, origin: str
    ) -> str | None:
        """A merging import's finding for a media here: taken when this workspace has
        none, or a different one set earlier; kept otherwise. Returns how a difference
        was settled (None: nothing differed)."""
        ours = of(row)
        if incoming is None or (
            ours is not None and (ours.category, ours.note) == (incoming.category, incoming.note)
        ):
            return None
        wins = (
            ours is None or ours.at is None or (incoming.at is not None and incoming.at > ours.at)
        )
        if wins:
            write(
                session, row, incoming, self._ws.analyst, "merge", {"imported_from": (None, origin)}
            )
        if ours is None:
            return None
        settled = "the bag's, set later, taken" if wins else "this workspace's kept"
        return f"finding {ours.category} here, {incoming.category} in the bag: {settled}"
