"""The seen-before answer for stored and new media: hash hits confirmed by local
features, pictures found inside others, described for the analyst; and the stored
"seen before" flag kept true.

``MediaService`` (``workbench.library.ingest``) asks it at ingest and on ``match``; the window's
seen-before list and the command line read ``near_duplicates``; purging media and the
background feature pass set flags afresh through it. The rule itself is
``workbench.matching.confirm``; this module puts it to the workspace: the hash index,
the stored features (``workbench.library.features``), the rows it describes.

The "seen before" flag (``Media.seen_before``) means one thing whatever the analyst's
distance setting: another stored media within ``DEFAULT_MAX_DISTANCE``, confirmed by
local features where they are kept (``confirmed_neighbours``); a deletion asks
``seen_before_neighbours`` before it deletes and hands the answer to
``recheck_seen_before`` after.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.schema import Claim, ClaimMedia, Media, MediaHash
from workbench.base.errors import AnalysisError, NotFoundError
from workbench.library.analysis import Analysis
from workbench.library.views import NearDuplicate
from workbench.matching import local
from workbench.matching.confirm import Confirmed, QueryFeatures, summary
from workbench.matching.index import DEFAULT_MAX_DISTANCE, QUERY_KINDS, Hit, Lookup, to_unsigned
from workbench.matching.local import Features
from workbench.matching.video import Overlap, find_overlaps
from workbench.media.decode import upright_picture

if TYPE_CHECKING:
    from typing import Protocol

    from workbench.library.context import LibraryContext
    from workbench.library.features import FeatureService

    class SeenBeforeContext(LibraryContext, Protocol):
        @property
        def features(self) -> FeatureService: ...


@dataclass(frozen=True)
class Neighbours:
    met: frozenset[uuid.UUID]  # stored media it meets by the rule
    refuted: frozenset[uuid.UUID]  # hash hits its local features refuted
    inside: bool  # met only by local features (no hash view stood)


class SeenBeforeService:
    def __init__(self, workspace: SeenBeforeContext) -> None:
        self._ws = workspace

    def near_duplicates(
        self, media_id: str, max_distance: int | None = None
    ) -> tuple[NearDuplicate, ...]:
        """Stored media that resemble stored media ``media_id`` (not itself); for a video,
        with the stretches it shares with other stored videos."""
        media_uuid = uuid.UUID(media_id)
        with self._ws.db.read() as session:
            hashes = _stored_hashes(session, [media_uuid], times=True).get(media_uuid, [])
            media = session.get(Media, media_uuid)
            if media is None:
                raise NotFoundError(f"no media with id {media_id}")
            kind, size = media.kind, (media.width or 0, media.height or 0)
        hits = self._ws.index.nearest(hashes, self.limit(max_distance), exclude=media_id)
        if kind != "image":
            return self.describe([unconfirmed(h) for h in hits], None)
        # Its kept features, else decoded from its original only if a hit or the inside
        # search needs them (an export asks this of every picture: most have no hits).
        features = self._ws.features

        def original() -> Image.Image | None:
            found = features.picture(media_id)
            return found[0] if found else None

        query = QueryFeatures(original, features.kept(media_id), size=size)
        return self.describe(self._answer(hits, query, {media_id}, from_originals=True), size)

    def confirmed_neighbours(self, media_id: str, features: Features | None) -> Neighbours:
        """What stored picture ``media_id`` meets by the seen-before rule: hash views at
        the default distance, confirmed by the local features kept so far (its own:
        ``features``), else pictures found inside or around it."""
        key = uuid.UUID(media_id)
        with self._ws.db.read() as session:
            hashes = _stored_hashes(session, [key]).get(key, [])
        hits = self._ws.index.nearest(hashes, DEFAULT_MAX_DISTANCE, exclude=media_id)
        found = self._answer(hits, QueryFeatures(None, features), {media_id}, False)
        met = frozenset(uuid.UUID(c.media_id) for c in found)
        refuted = frozenset(uuid.UUID(h.media_id) for h in hits) - met
        return Neighbours(met, refuted, any(c.hit is None for c in found))

    def recheck(self, media_id: uuid.UUID, data: bytes) -> bool:
        """A stored picture that has just got its features (``data``, the pass), looked up
        again now that they can confirm its hash hits: its flag set afresh and the pictures
        it meets flagged; a hash hit they refuted has its own flag set afresh too (by its
        own features when kept, else it stands on its hashes until the pass reaches it).
        Whether it was found only by local features, inside or around another."""
        near = self.confirmed_neighbours(str(media_id), local.from_bytes(data))
        seen, unseen = set(near.met), set[uuid.UUID]()
        (seen if near.met else unseen).add(media_id)
        for other in near.refuted:
            kept = self._ws.features.kept(str(other))
            meets = self.confirmed_neighbours(str(other), kept).met
            (seen if meets else unseen).add(other)
        with self._ws.db.transaction() as session:
            _write_flags(session, seen, unseen)
        return near.inside

    def seen_before_neighbours(
        self, session: Session, media_ids: Iterable[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Media that may be "seen before" only because of ``media_ids``: asked in the
        transaction that removes ``media_ids``, before it deletes them (their hashes are
        read from the rows), for :meth:`recheck_seen_before` once they are gone."""
        out: set[uuid.UUID] = set()
        for media_id, hashes in _stored_hashes(session, media_ids).items():
            out |= self._within_rule(hashes, exclude=media_id)
        return out

    def recheck_seen_before(self, session: Session, media_ids: Iterable[uuid.UUID]) -> None:
        """Set the flag of each of ``media_ids`` afresh, in ``session``'s transaction.

        A hit counts only if its row is still stored as ``session`` sees it: the media that
        transaction deleted leave the in-memory index only after it commits.
        """
        media_ids = set(media_ids)
        near = {
            media_id: self._within_rule(hashes, exclude=media_id)
            for media_id, hashes in _stored_hashes(session, media_ids).items()
        }
        candidates = set().union(*near.values())
        stored = set(session.scalars(select(Media.id).where(Media.id.in_(candidates))))
        seen = {media_id for media_id, hits in near.items() if hits & stored}
        _write_flags(session, seen, media_ids - seen)

    def _within_rule(
        self,
        hashes: Iterable[Lookup],
        exclude: uuid.UUID | None = None,
        hits: list[Hit] | None = None,
    ) -> set[uuid.UUID]:
        """Media the index finds near ``hashes`` by the "seen before" rule, which is the
        default distance whatever the analyst's setting (the flag means one thing);
        ``hits``: that lookup's answer, when the caller has it already."""
        if hits is None:
            hits = self._ws.index.nearest(
                hashes, DEFAULT_MAX_DISTANCE, exclude=str(exclude) if exclude else None
            )
        return {uuid.UUID(hit.media_id) for hit in hits}

    def near(
        self, analysis: Analysis, max_distance: int | None, exclude: str | None = None
    ) -> tuple[NearDuplicate, ...]:
        hits = self._ws.index.nearest(lookups(analysis), self.limit(max_distance), exclude)
        found = self.confirmed(analysis, hits, query_features(analysis), exclude)
        return self.describe(found, analysis)

    def confirmed(
        self,
        analysis: Analysis,
        hits: list[Hit],
        query: QueryFeatures,
        exclude: str | None = None,
        ingest: bool = False,
    ) -> list[Confirmed]:
        """The hash hits that local features confirm (``matching.confirm``) and, when none
        stands and the picture's features are known, the pictures it sits in or holds.
        An ``ingest`` confirms only against features already kept (``FeatureService``)."""
        if analysis.kind != "image":
            return [unconfirmed(h) for h in hits]
        skip = {exclude} if exclude else set()
        return self._answer(hits, query, skip, not ingest, inside=analysis.features is not None)

    def _answer(
        self,
        hits: list[Hit],
        query: QueryFeatures,
        skip: set[str],
        from_originals: bool,
        inside: bool = True,
    ) -> list[Confirmed]:
        """The rule (``matching.confirm``): the hash hits local features confirm (with
        ``from_originals``, those of stored pictures the pass has not reached decoded
        for it); when none stands, and ``inside``, the pictures found inside or around."""
        found = self._ws.features.confirm(hits, query, from_originals)
        if not found and inside:
            found = self._ws.features.inside(query, skip)
        return found

    def limit(self, max_distance: int | None) -> int:
        """An explicit distance, else the workspace's (the analyst's setting)."""
        return self._ws.max_distance if max_distance is None else max_distance

    def describe(
        self, found: list[Confirmed], query: Analysis | tuple[int, int] | None
    ) -> tuple[NearDuplicate, ...]:
        if not found:
            return ()
        if isinstance(query, Analysis):
            query = (query.width or 0, query.height or 0)
        ids = [uuid.UUID(c.media_id) for c in found]
        with self._ws.db.read() as session:
            media = {m.id: m for m in session.scalars(select(Media).where(Media.id.in_(ids)))}
            uses: dict[uuid.UUID, list[tuple[str, str | None]]] = {}
            for media_id, claim_id, case_id in session.execute(
                select(ClaimMedia.media_id, ClaimMedia.claim_id, Claim.case_id)
                .join(Claim, Claim.id == ClaimMedia.claim_id)
                .where(ClaimMedia.media_id.in_(ids))
                .order_by(Claim.created_at)
            ):
                uses.setdefault(media_id, []).append(
                    (str(claim_id), str(case_id) if case_id else None)
                )
        out = []
        for c, media_uuid in zip(found, ids, strict=True):
            row = media.get(media_uuid)
            if row is None:  # removed since the index was queried
                continue
            used = uses.get(media_uuid, [])
            agreement = c.agreement
            out.append(
                NearDuplicate(
                    media_id=c.media_id,
                    sha256=row.sha256,
                    distance=c.distance,
                    claim_ids=tuple(dict.fromkeys(k for k, _ in used)),
                    case_ids=tuple(dict.fromkeys(k for _, k in used if k)),
                    evidence=c.evidence,
                    first_seen=row.acquired_at,
                    t_ms=c.hit.t_ms if c.hit else c.t_ms,
                    overlaps=_overlaps(c.hit) if c.hit else (),
                    points=agreement.points if agreement else None,
                    query_in_stored=agreement.query_in_stored if agreement else None,
                    stored_in_query=agreement.stored_in_query if agreement else None,
                    where=(
                        summary(agreement, query, (row.width or 0, row.height or 0))
                        if agreement and query
                        else None
                    ),
                )
            )
        return tuple(out)


def _write_flags(session: Session, seen: set[uuid.UUID], unseen: set[uuid.UUID]) -> None:
    for flag, ids in ((True, seen), (False, unseen)):
        if ids:
            session.execute(update(Media).where(Media.id.in_(ids)).values(seen_before=flag))


def decoder(path: Path) -> Callable[[], Image.Image | None]:
    """A picture file decoded on first use (as analysis decodes it), None if it cannot be."""

    def load() -> Image.Image | None:
        try:
            return upright_picture(path)
        except (AnalysisError, OSError):
            return None

    return load


def query_features(analysis: Analysis) -> QueryFeatures:
    """A new picture's features: from its analysis when computed, else decoded on demand."""
    known = local.from_bytes(analysis.features) if analysis.features else None
    size = (analysis.width, analysis.height) if analysis.width and analysis.height else None
    return QueryFeatures(decoder(analysis.path), known, size=size)


def unconfirmed(hit: Hit) -> Confirmed:
    """A hit that stands on its hashes (a video on either side)."""
    return Confirmed(hit.media_id, hit.view, hit.distance, hit=hit)


def lookups(analysis: Analysis) -> list[Lookup]:
    """The hashes a new picture is looked up by: ``(algorithm, value, view, t_ms)`` (the
    time of a video's frame, so that its matches say which stretches overlap)."""
    return [
        (h.algorithm, h.value, h.view, h.t_ms) for h in analysis.hashes if h.view in QUERY_KINDS
    ]


def _overlaps(hit: Hit) -> tuple[Overlap, ...]:
    """Video against video: the stretches the two share (none for a picture on either side)."""
    frames = hit.frames
    if frames is None:
        return ()
    return find_overlaps(frames.query_ms, frames.stored_ms, frames.query_frames)


def _stored_hashes(
    session: Session, media_ids: Iterable[uuid.UUID], times: bool = False
) -> dict[uuid.UUID, list[Lookup]]:
    """Each media's stored hashes it is looked up by, ``(algorithm, unsigned value, view)``
    (media without any left out); with ``times``, a video frame's time as a fourth item."""
    out: dict[uuid.UUID, list[Lookup]] = {}
    rows = session.execute(
        select(
            MediaHash.media_id, MediaHash.algorithm, MediaHash.value, MediaHash.view, MediaHash.t_ms
        ).where(MediaHash.media_id.in_(set(media_ids)), MediaHash.view.in_(QUERY_KINDS))
    )
    for media_id, algorithm, value, view, t_ms in rows:
        lookup: Lookup = (algorithm, to_unsigned(value), view)
        if times:
            lookup = (*lookup, t_ms)
        out.setdefault(media_id, []).append(lookup)
    return out
