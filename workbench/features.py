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
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from PIL import Image
from sqlalchemy import delete, exists, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from storage.schema import Media, MediaFeatures
from workbench import analysis
from workbench.errors import AnalysisError
from workbench.matching import confirm, local, retrieval, verify
from workbench.matching.confirm import Confirmed, QueryFeatures
from workbench.matching.index import Hit
from workbench.matching.local import Features
from workbench.matching.verify import Agreement

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.workspace import Workspace

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


class FeatureService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace
        self.words = retrieval.WordIndex()

    def load(self, chunk: int = 20_000) -> None:
        """Teach the word index the words it lacks (words only, never the features): all
        of them when the workspace opens; before each pass, those another workstation's
        pass computed meanwhile (a team on one server)."""
        usable = (MediaFeatures.version == local.FORMAT) & (
            MediaFeatures.points >= local.MIN_JUDGED
        )
        query = select(MediaFeatures.media_id, MediaFeatures.words).where(usable)
        with self._ws.db.read() as session:
            if len(self.words):  # only the missing ones: their ids first, then their words
                known = set(self.words.names())
                ids = session.scalars(select(MediaFeatures.media_id).where(usable)).all()
                missing = [i for i in ids if str(i) not in known]
                parts: Iterable[Sequence[Row[uuid.UUID, bytes]]] = [
                    session.execute(
                        query.where(MediaFeatures.media_id.in_(missing[at : at + chunk]))
                    ).all()
                    for at in range(0, len(missing), chunk)
                ]
            else:
                parts = session.execute(query.execution_options(yield_per=chunk)).partitions()
            for part in parts:
                self.words.bulk_add(
                    [str(media_id) for media_id, _ in part],
                    [retrieval.from_bytes(data) for _, data in part],
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

    def picture(self, media_id: str) -> tuple[Image.Image, tuple[int, int] | None] | None:
        """A stored picture decoded upright from its original, with its stored size (for
        the features' scale); None for a video, a removed media or an unreadable file."""
        with self._ws.db.read() as session:
            media = session.get(Media, uuid.UUID(media_id))
            if media is None or media.kind != "image":
                return None
            sha256, size = media.sha256, (media.width or 0, media.height or 0)
        try:
            picture = analysis.upright_picture(self._ws.store.path_for(sha256))
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
        return confirm.find_inside(self.words, query, self.stored, skip)

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

    def pending(self) -> list[tuple[uuid.UUID, str, int | None, int | None]]:
        """(media id, sha256, width, height) of the pictures without today's features."""
        current = exists().where(
            MediaFeatures.media_id == Media.id, MediaFeatures.version == local.FORMAT
        )
        query = (
            select(Media.id, Media.sha256, Media.width, Media.height)
            .where(Media.kind == "image", ~current)
            .order_by(Media.acquired_at, Media.id)
        )
        with self._ws.db.read() as session:
            return [(r[0], r[1], r[2], r[3]) for r in session.execute(query)]

    def run_pass(
        self, progress: Progress | None = None, should_cancel: ShouldCancel | None = None
    ) -> FeaturePassResult:
        """Compute the features of every picture that lacks them (module docstring)."""
        self.load()
        todo = self.pending()
        computed, found, errors = 0, 0, list[tuple[str, str]]()
        for n, (media_id, sha256, width, height) in enumerate(todo, 1):
            if should_cancel is not None and should_cancel():
                return FeaturePassResult(len(todo), computed, found, tuple(errors), True)
            data = None
            try:
                picture = analysis.upright_picture(self._ws.store.path_for(sha256))
                size = (width, height) if width and height else None
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
