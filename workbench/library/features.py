"""Local features of stored pictures: kept, looked up, and computed in a background pass.

Each stored picture's SIFT features (``workbench.matching.local``) and visual words live in
``media_features``; opening a workspace reads only the words, into the workspace's
``WordIndex``. The seen-before answer uses them twice (``workbench.matching.confirm``):
to confirm a hash hit that is not a near-identical whole picture, and to find a picture
inside another where no hash view met.

Computing features costs about 45 ms of CPU a picture, more than the rest of an ingest,
so the window's ingest leaves them to a background pass (:meth:`FeatureService.run_pass`,
also what ``workbench reindex`` runs): it takes the pictures without features, oldest
first, one transaction each (a kill loses at most the picture in hand, and the next run
goes on from there), and looks each new picture up as it goes, so a photo found inside
a stored screenshot is flagged "seen before" a moment after it was dropped. A command-line
ingest computes them at once (``ingest(local_features=True)``). Until a stored picture has
its row, a lookup (``match``, the seen-before list) confirms a hit on it from its original,
decoded on demand; an ingest lets the hit stand on its hashes, and the pass rechecks it
(``SeenBeforeService.recheck``).

A stored video gets the features of some of its frames (``workbench.matching.video_frames``: the
first, each scene cut, one every two seconds of a shot) in ``frame_features``, in the index
by the name ``<video id>@<t_ms>`` (``retrieval.frame_name``), from the same pass (one
transaction a video; a cancel inside a long one keeps nothing of it, and the next pass
starts it again) or at once from a command-line ingest. So a screenshot no hash view meets
(a dark scene, a frame inside a collage) is found in its video, placed within a second, and
a hash hit on a video's frame is verified against the featured frame nearest it. The pass
does not look a new video's frames up against the stored pictures (a stored screenshot is
flagged when the video meets it only once it is looked up again).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from PIL import Image
from sqlalchemy import and_, delete, exists, func, insert, select
from sqlalchemy.exc import IntegrityError

from storage.schema import FrameFeatures, Media, MediaFeatures
from workbench.base.errors import AnalysisError
from workbench.matching import confirm, local, retrieval, verify, video_frames
from workbench.matching.confirm import Confirmed, QueryFeatures
from workbench.matching.index import Hit
from workbench.matching.local import Features
from workbench.matching.verify import Agreement
from workbench.media import decode

if TYPE_CHECKING:
    from typing import Protocol

    from sqlalchemy.orm import Session

    from workbench.library.context import LibraryContext

    class Rechecks(Protocol):
        def recheck(self, media_id: uuid.UUID, data: bytes) -> bool: ...

    class Looks(Protocol):
        @property
        def seen(self) -> Rechecks:
            """The seen-before service (``workbench.library.seen_before``), which uses this
            one: named by what is asked of it, so the two modules do not import each other."""
            ...

    class FeaturesContext(LibraryContext, Protocol):
        @property
        def media(self) -> Looks: ...


Progress = Callable[[int, int], None]
Words = npt.NDArray[np.int32] | None  # a picture's visual words (None: not indexed)
ShouldCancel = Callable[[], bool]


@dataclasses.dataclass(frozen=True)
class FeaturePassResult:
    considered: int  # pictures without features when the pass began
    computed: int
    found: int  # of those, pictures found inside (or around) another stored picture
    errors: tuple[tuple[str, str], ...]  # (sha256, what went wrong); the rest went on
    cancelled: bool = False


def _near_frames(media_id: str, t_ms: int) -> Any:
    """The video's featured frames of today's format within ``NEIGHBOUR_MS`` of ``t_ms``."""
    reach = video_frames.NEIGHBOUR_MS
    return and_(
        FrameFeatures.media_id == uuid.UUID(media_id),
        FrameFeatures.version == local.FORMAT,
        FrameFeatures.t_ms.between(t_ms - reach, t_ms + reach),
    )


class FeatureService:
    def __init__(self, workspace: FeaturesContext) -> None:
        self._ws = workspace
        self.words = retrieval.WordIndex()

    def load(self, chunk: int = 20_000) -> None:
        """Teach the word index the words it lacks (words only, never the features): all
        of them when the workspace opens; before each pass, those another workstation's
        pass computed meanwhile (a team on one server): their keys first, then the words
        of what is missing. Pictures by their id, video frames by ``retrieval.frame_name``."""
        everything = not len(self.words)
        tables: tuple[tuple[Any, tuple[Any, ...], Callable[[Any], str]], ...] = (
            (MediaFeatures, (MediaFeatures.media_id,), lambda row: str(row[0])),
            (
                FrameFeatures,
                (FrameFeatures.media_id, FrameFeatures.t_ms),
                lambda row: retrieval.frame_name(str(row[0]), row[1]),
            ),
        )
        with self._ws.db.read() as session:
            known = set() if everything else set(self.words.names())
            for table, key, name in tables:
                usable = (table.version == local.FORMAT) & (table.points >= local.MIN_JUDGED)
                query = select(*key, table.words).where(usable)
                parts: Iterable[Sequence[Any]]
                if everything:
                    parts = session.execute(query.execution_options(yield_per=chunk)).partitions()
                else:
                    keys = session.execute(select(*key).where(usable)).all()
                    missing = sorted({k[0] for k in keys if name(k) not in known})
                    parts = [
                        session.execute(
                            query.where(table.media_id.in_(missing[at : at + chunk]))
                        ).all()
                        for at in range(0, len(missing), chunk)
                    ]
                for part in parts:
                    self.words.bulk_add(
                        [name(row) for row in part],
                        [retrieval.from_bytes(row[-1]) for row in part],
                    )

    # -- the seen-before answer ----------------------------------------------------------

    def kept(self, media_id: str) -> Features | None:
        """A stored picture's features as kept (None until the pass has computed them)."""
        return self._features(media_id, from_original=False)

    def stored(self, media_id: str) -> Features | None:
        """A stored picture's features: its row, else computed from its original (not
        kept: the background pass keeps them); None for a video or an unreadable file."""
        return self._features(media_id, from_original=True)

    def _features(self, media_id: str, from_original: bool) -> Features | None:
        video, t_ms = retrieval.split_name(media_id)
        if t_ms is not None:
            return self.frame(video, t_ms)
        with self._ws.db.read() as session:
            row = session.get(MediaFeatures, uuid.UUID(media_id))
            if row is not None and row.version == local.FORMAT:
                return local.from_bytes(row.data) if row.points else None
        if not from_original:
            return None
        found = self.picture(media_id)
        if found is None:
            return None
        picture, size = found
        return local.extract(picture, size=size).strongest()

    def frame(self, media_id: str, t_ms: int) -> Features | None:
        """The features of the video's featured frame nearest ``t_ms``, when one is within
        ``video_frames.NEIGHBOUR_MS`` (None: its frames are not done yet, or none
        there had points enough)."""
        query = (
            select(FrameFeatures.points, FrameFeatures.data)
            .where(_near_frames(media_id, t_ms))
            .order_by(func.abs(FrameFeatures.t_ms - t_ms))
            .limit(1)
        )
        with self._ws.db.read() as session:
            row = session.execute(query).first()
        return local.from_bytes(row.data) if row is not None and row.points else None

    def picture(self, media_id: str) -> tuple[Image.Image, tuple[int, int] | None] | None:
        """A stored picture decoded upright from its original, with its stored size (for
        the features' scale); None for a video, a removed media or an unreadable file."""
        with self._ws.db.read() as session:
            media = session.get(Media, uuid.UUID(media_id))
            if media is None or media.kind != "image":
                return None
            sha256, size = media.sha256, (media.width or 0, media.height or 0)
        try:
            picture = decode.upright_picture(self._ws.store.path_for(sha256))
        except (AnalysisError, OSError):
            return None
        return picture, size if all(size) else None

    def agreement(self, query_id: str, stored_id: str) -> Agreement | None:
        """Where two stored pictures' local features agree (the compare view draws it):
        ``query_id`` as the picture looked up; None when they do not, or cannot tell."""
        query, stored = self.stored(query_id), self.stored(stored_id)
        if not (local.judged(query) and local.judged(stored)):
            return None
        return verify.verify(query, stored)

    def confirm(
        self, hits: list[Hit], query: QueryFeatures, from_originals: bool = True
    ) -> list[Confirmed]:
        """The hash hits local features confirm; ``from_originals``: a stored picture the
        pass has not reached yet is decoded for it (a lookup), else its hit stands on the
        hashes until the pass rechecks it (an ingest, which must stay fast)."""
        return confirm.confirm_hits(hits, query, self.stored if from_originals else self.kept)

    def inside(self, query: QueryFeatures, skip: set[str]) -> list[Confirmed]:
        found = confirm.find_inside(self.words, query, self.stored, skip)
        return [self._best_frame(c, query) if c.t_ms is not None else c for c in found]

    def _best_frame(self, found: Confirmed, query: QueryFeatures) -> Confirmed:
        """A video found by one of its frames, placed between the featured frames nearby
        (``video_frames.NEIGHBOUR_MS`` either side) that agree with the query: at their times' mean,
        weighted by their inliers. The words propose a frame of the right shot, not always
        the nearest; in a pan both neighbours of a moment agree, on about as many points,
        and the moment lies between them (a still shot's every frame agrees: it is placed
        in the middle of what agrees). The evidence drawn is the nearest frame's."""
        q = query.get()
        if q is None or found.t_ms is None or found.agreement is None:
            return found
        rows = select(FrameFeatures.t_ms, FrameFeatures.data).where(
            _near_frames(found.media_id, found.t_ms),
            FrameFeatures.points >= local.MIN_JUDGED,
            FrameFeatures.t_ms != found.t_ms,
        )
        with self._ws.db.read() as session:
            neighbours = session.execute(rows).all()
        agreeing = [(found.t_ms, found.agreement)]
        for t_ms, data in neighbours:
            agreement = verify.verify(q, local.from_bytes(data))
            if agreement is not None:
                agreeing.append((t_ms, agreement))
        weight = sum(a.points for _, a in agreeing)
        moment = round(sum(t * a.points for t, a in agreeing) / weight)
        _, nearest = min(agreeing, key=lambda ta: (abs(ta[0] - moment), -ta[1].points))
        return dataclasses.replace(found, agreement=nearest, t_ms=moment)

    # -- keeping them --------------------------------------------------------------------

    def insert(self, session: Session, media_id: uuid.UUID, data: bytes | None) -> Words:
        """A new picture's row (in the ingest's transaction): its strongest
        ``local.MAX_POINTS`` of ``data`` (compact features), or an empty row when they
        could not be computed (None). Returns its words for :meth:`index`, if any."""
        features = local.from_bytes(data).strongest() if data else None
        words = retrieval.words(features) if features is not None else None
        session.execute(
            insert(MediaFeatures).values(
                media_id=media_id,
                version=local.FORMAT,
                points=features.count if features else 0,
                data=local.to_bytes(features) if features else b"",
                words=retrieval.to_bytes(words) if words is not None else b"",
            )
        )
        return words if local.judged(features) else None

    def index(self, media_id: uuid.UUID, words: Words) -> None:
        """Teach the word index a stored picture (once its row has committed)."""
        if words is not None:
            self.words.add(str(media_id), words)

    def pending(self) -> list[tuple[uuid.UUID, str, int | None, int | None, str]]:
        """(media id, sha256, width, height, kind) of the pictures and videos without
        today's features (a video's own row marks its frames done), oldest first."""
        current = exists().where(
            MediaFeatures.media_id == Media.id, MediaFeatures.version == local.FORMAT
        )
        query = (
            select(Media.id, Media.sha256, Media.width, Media.height, Media.kind)
            .where(Media.kind.in_(("image", "video")), ~current)
            .order_by(Media.acquired_at, Media.id)
        )
        with self._ws.db.read() as session:
            return [(r[0], r[1], r[2], r[3], r[4]) for r in session.execute(query)]

    def run_pass(
        self, progress: Progress | None = None, should_cancel: ShouldCancel | None = None
    ) -> FeaturePassResult:
        """Compute the features of every picture and video that lacks them (module
        docstring)."""
        self.load()
        todo = self.pending()
        computed, found, errors = 0, 0, list[tuple[str, str]]()
        for n, (media_id, sha256, width, height, kind) in enumerate(todo, 1):
            if should_cancel is not None and should_cancel():
                return FeaturePassResult(len(todo), computed, found, tuple(errors), True)
            size = (width, height) if width and height else None
            path = self._ws.store.path_for(sha256)
            if kind == "video":
                try:
                    kept = self.keep_video(media_id, path, size, should_cancel)
                except (AnalysisError, OSError) as exc:
                    errors.append((sha256, str(exc)))
                    self._keep_frames(media_id, [])  # done, with no frames: not retried forever
                    kept = False
                if kept is None:  # cancelled inside a long video: the next pass redoes it
                    return FeaturePassResult(len(todo), computed, found, tuple(errors), True)
                computed += kept
            else:
                data = None
                try:
                    picture = decode.upright_picture(path)
                    data = local.to_bytes(local.extract(picture, size=size), limit=None)
                except (AnalysisError, OSError) as exc:
                    errors.append((sha256, str(exc)))
                if self._keep(media_id, data):
                    computed += data is not None
                    if data is not None and self._ws.media.seen.recheck(media_id, data):
                        found += 1
            if progress is not None:
                progress(n, len(todo))
        return FeaturePassResult(len(todo), computed, found, tuple(errors))

    def keep_video(
        self,
        media_id: uuid.UUID,
        path: Path,
        size: tuple[int, int] | None,
        should_cancel: ShouldCancel | None = None,
    ) -> bool | None:
        """Compute and keep the features of a stored video's frames (``video_frames``):
        True when kept, False when the video was removed meanwhile, None when cancelled
        (nothing kept). A file that cannot be decoded raises ``AnalysisError``."""
        frames = []
        for t_ms, picture in video_frames.feature_frames(path):
            if should_cancel is not None and should_cancel():
                return None
            frames.append((t_ms, local.extract(picture, size=size).strongest()))
        return self._keep_frames(media_id, frames)

    def _keep_frames(self, media_id: uuid.UUID, frames: list[tuple[int, Features]]) -> bool:
        """Replace a video's frame rows and mark it done, in one transaction; False when the
        video was removed meanwhile (or another workstation's pass wrote it first)."""
        rows, indexed = [], []
        for t_ms, features in frames:
            words = retrieval.words(features) if local.judged(features) else None
            rows.append(
                {
                    "media_id": media_id,
                    "t_ms": t_ms,
                    "version": local.FORMAT,
                    "points": features.count,
                    "data": local.to_bytes(features),
                    "words": retrieval.to_bytes(words) if words is not None else b"",
                }
            )
            if words is not None:
                indexed.append((retrieval.frame_name(str(media_id), t_ms), words))
        try:
            with self._ws.db.transaction() as session:
                if session.get(Media, media_id) is None:
                    return False
                # The frames a pass of an older format left: their names leave the index.
                before = session.scalars(
                    select(FrameFeatures.t_ms).where(FrameFeatures.media_id == media_id)
                ).all()
                session.execute(delete(FrameFeatures).where(FrameFeatures.media_id == media_id))
                session.execute(delete(MediaFeatures).where(MediaFeatures.media_id == media_id))
                if rows:
                    session.execute(insert(FrameFeatures), rows)
                self.insert(session, media_id, None)  # the video's own row: its frames done
        except IntegrityError:
            return False
        for t_ms in before:  # not a walk over every name in the index
            self.words.remove(retrieval.frame_name(str(media_id), t_ms))
        self.words.bulk_add([n for n, _ in indexed], [w for _, w in indexed])
        return True

    def _keep(self, media_id: uuid.UUID, data: bytes | None) -> bool:
        """Replace the picture's row; False when the picture was removed meanwhile. When
        another workstation's pass wrote it first, theirs stands (the same features)."""
        try:
            with self._ws.db.transaction() as session:
                if session.get(Media, media_id) is None:
                    return False
                session.execute(delete(MediaFeatures).where(MediaFeatures.media_id == media_id))
                words = self.insert(session, media_id, data)
        except IntegrityError:
            return False
        self.words.remove(str(media_id))
        self.index(media_id, words)
        return True
