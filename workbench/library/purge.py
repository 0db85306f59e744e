"""A claim removed with the media no other claim uses: the rows in one transaction (the
claim's through ``ClaimService.remove``, each media's with its audit entry), the
seen-before flags of what they matched rechecked in it, and only after the commit the
index rows and the originals on disk, so a failed commit loses nothing.

Uses ``storage``, ``workbench.claims`` and the library's media service.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import func, select

from storage.schema import ClaimMedia, Media
from workbench.claims import audit
from workbench.library.context import LibraryContext

if TYPE_CHECKING:
    from workbench.library.ingest import MediaService


class PurgeContext(LibraryContext, Protocol):
    @property
    def media(self) -> MediaService: ...


def delete_claim(
    ws: PurgeContext, claim_id: str | uuid.UUID, expected_version: int | None = None
) -> list[str]:
    """Remove a claim and the media no other claim uses; the SHA-256 of every original
    removed. ``expected_version`` as ``ClaimService.delete``'s."""
    purged: list[tuple[str, str]] = []  # (media id, sha256)
    with ws.db.transaction() as session:
        media_ids = ws.claims.remove(session, claim_id, expected_version)
        # Found while the purged media's hashes are still there; rechecked after.
        neighbours = ws.media.seen_before_neighbours(session, media_ids)
        for media_id in media_ids:
            if session.scalar(select(func.count()).where(ClaimMedia.media_id == media_id)):
                continue  # still used by another claim
            media = session.get(Media, media_id)
            if media is not None:
                purged.append((str(media.id), media.sha256))
                audit.record(
                    session,
                    ws.analyst,
                    "media",
                    media.id,
                    "delete",
                    {"sha256": (media.sha256, None)},
                )
                session.delete(media)
        ws.media.recheck_seen_before(session, neighbours)
    for purged_id, sha256 in purged:  # the rows are gone for good: now the files
        ws.index.remove(purged_id)
        ws.store.remove(sha256)
    return [sha for _, sha in purged]
