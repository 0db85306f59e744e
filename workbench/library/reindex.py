"""``reindex``: hash stored originals again with today's views.

Media stored before migration 0006 have only their whole picture hashed, so a mirrored,
cropped or embedded copy of them is not found. Reindexing reads each original from the
store, analyses it as ingest would, and replaces its hash rows and its low-information flag
in one transaction per media (a crash leaves every media either as it was or done). The
in-memory index follows each commit; the "seen before" flags of the media and of its old
and new neighbours are then set afresh.

By default only pictures that lack any view but the whole one are redone (what 0006 left);
``everything=True`` redoes every picture and video (after a change to the hashing).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import delete, exists, select, update

from storage.mediastore import sha256_file
from storage.schema import Media, MediaHash
from workbench.base.errors import AnalysisError
from workbench.claims import audit
from workbench.library.analysis import analyse_file
from workbench.library.ingest import index_hashes, insert_hashes

if TYPE_CHECKING:
    from typing import Protocol

    from workbench.library.context import LibraryContext
    from workbench.library.ingest import MediaService

    class ReindexContext(LibraryContext, Protocol):
        @property
        def media(self) -> MediaService: ...


Progress = Callable[[int, int], None]
ShouldCancel = Callable[[], bool]


@dataclasses.dataclass(frozen=True)
class ReindexResult:
    considered: int  # media that needed it (or every media, with ``everything``)
    reindexed: int
    errors: tuple[tuple[str, str], ...]  # (sha256, what went wrong), the rest went on
    cancelled: bool = False


def pending(ws: ReindexContext, everything: bool = False) -> list[tuple[uuid.UUID, str]]:
    """(media id, sha256) of the media to redo, oldest first."""
    query = select(Media.id, Media.sha256).order_by(Media.acquired_at, Media.id)
    if not everything:
        has_views = exists().where(MediaHash.media_id == Media.id, MediaHash.view != "whole")
        query = query.where(Media.kind == "image", ~Media.low_information, ~has_views)
    with ws.db.read() as session:
        return [(row[0], row[1]) for row in session.execute(query)]


def reindex(
    ws: ReindexContext,
    everything: bool = False,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> ReindexResult:
    todo = pending(ws, everything)
    done, errors = 0, list[tuple[str, str]]()
    for n, (media_id, sha256) in enumerate(todo, 1):
        if should_cancel is not None and should_cancel():
            return ReindexResult(len(todo), done, tuple(errors), cancelled=True)
        try:
            _redo(ws, media_id, sha256)
            done += 1
        except (AnalysisError, OSError) as exc:
            errors.append((sha256, str(exc)))
        if progress is not None:
            progress(n, len(todo))
    return ReindexResult(len(todo), done, tuple(errors))


def _redo(ws: ReindexContext, media_id: uuid.UUID, sha256: str) -> None:
    path = ws.store.path_for(sha256)
    if sha256_file(path) != sha256:  # hash what was stored, never what replaced it
        raise AnalysisError(f"{path} no longer holds the original stored (run verify)")
    analysis = analyse_file(path)
    with ws.db.transaction() as session:
        before = ws.media.seen_before_neighbours(session, [media_id])
        session.execute(delete(MediaHash).where(MediaHash.media_id == media_id))
        insert_hashes(session, media_id, analysis)
        session.execute(
            update(Media)
            .where(Media.id == media_id)
            .values(low_information=analysis.low_information)
        )
        views = sorted({h.view for h in analysis.hashes})
        audit.record(session, ws.analyst, "media", media_id, "reindex", {"views": views})
    ws.index.remove(media_id)
    index_hashes(ws.index, media_id, analysis)
    with ws.db.transaction() as session:
        after = ws.media.seen_before_neighbours(session, [media_id])
        ws.media.recheck_seen_before(session, {media_id} | before | after)
