"""Taking media in (the answer to "seen before?" is ``workbench.library.seen_before``).

A batch runs in two halves. On a small thread pool (Pillow, hashlib and libjpeg release
the GIL, so both cores work), each file is read once, hashed, decoded, its EXIF parsed,
its perceptual hashes and thumbnail made, and a durable copy staged in the store's
``tmp/``. Then, in order on the calling thread, one file at a time: the staged copy is
renamed into place, its row commits, and the in-memory index learns its hashes. A later
file in the same batch therefore sees an earlier one as "seen before", and a failure in one
file never touches another. Whatever is not consumed (cancel, error) is discarded.

Each media row stores whether it is "seen before" (``Media.seen_before``), so the claims
filter is one SQL condition. A new media's commit sets it on the new row and on every
earlier media it matches, in the same transaction; the rest of the flag's life (purges,
the background feature pass) is ``workbench.library.seen_before``'s.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.mediastore import StoreError
from storage.schema import Claim, ClaimMedia, Media, MediaHash
from workbench.base.errors import AnalysisError, NotFoundError, WorkbenchError
from workbench.claims import audit, fields, findings
from workbench.claims.views import AuditView
from workbench.library.analysis import Analysis, analyse_file
from workbench.library.seen_before import SeenBeforeService, query_features
from workbench.library.seen_before import lookups as seen_lookups
from workbench.library.views import (
    IngestResult,
    IngestStatus,
    KnownMatch,
    MatchResult,
    MediaView,
    NearDuplicate,
)
from workbench.matching.index import (
    DEFAULT_MAX_DISTANCE,
    HashIndex,
    to_signed,
)

if TYPE_CHECKING:
    from typing import Protocol

    from workbench.library.context import LibraryContext
    from workbench.library.features import FeatureService
    from workbench.library.known_fakes import KnownFakes

    class IngestContext(LibraryContext, Protocol):
        @property
        def features(self) -> FeatureService: ...

        @property
        def known(self) -> KnownFakes: ...


#: Called after each file: (files done, files in the batch, the result for this file).
Progress = Callable[[int, int, IngestResult], None]
ShouldCancel = Callable[[], bool]
log = logging.getLogger(__name__)


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, folders walked recursively (sorted, hidden entries skipped)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
        else:
            out.append(path)
    return out


T = TypeVar("T")


def _analyse(path: Path, features: bool = False) -> Analysis | AnalysisError:
    try:
        return analyse_file(path, features)
    except AnalysisError as exc:
        return exc
    except OSError as exc:
        return AnalysisError(f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # a decoder's bug on a hostile file must not stop the batch
        log.warning("unexpected failure analysing %s", path, exc_info=exc)
        return AnalysisError(f"cannot analyse file: {type(exc).__name__}: {exc}")


def run_in_order(
    work: Callable[[Path], T],
    paths: list[Path],
    should_cancel: ShouldCancel | None = None,
    dropped: Callable[[T], None] | None = None,
    workers: int | None = None,
) -> Iterator[tuple[Path, T]]:
    """``work`` on a thread pool, results yielded in input order, a few files ahead.

    On cancel (or when the consumer stops early), results already computed but not yet
    yielded are handed to ``dropped`` so they can be cleaned up.
    """
    workers = workers or min(4, os.cpu_count() or 1)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="analyse")
    pending: deque[tuple[Path, Future[T]]] = deque()
    queue = iter(paths)
    try:
        for path in queue:
            pending.append((path, pool.submit(work, path)))
            if len(pending) >= workers * 2:
                break
        while pending:
            if should_cancel is not None and should_cancel():
                return
            path, future = pending.popleft()
            result = future.result()
            nxt = next(queue, None)
            if nxt is not None:
                pending.append((nxt, pool.submit(work, nxt)))
            yield path, result
    finally:
        for _, future in pending:
            if not future.cancel() and dropped is not None and future.exception() is None:
                dropped(future.result())
        pool.shutdown(wait=True)


@dataclass(frozen=True)
class _Prepared:
    """A file analysed and, when new to the store, staged there (worker-thread output)."""

    analysis: Analysis | AnalysisError
    staged: Path | None = None


class MediaService:
    def __init__(self, workspace: IngestContext) -> None:
        self._ws = workspace
        self.seen = SeenBeforeService(workspace)

    # -- ingest --------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        claim_id: str | None = None,
        role: str = "claim_media",
        max_distance: int | None = None,
        progress: Progress | None = None,
        should_cancel: ShouldCancel | None = None,
        local_features: bool = False,
    ) -> list[IngestResult]:
        """Store every file (or every file under a folder) and report, per file, whether
        it is new, already stored, or refused, and what it resembles. With
        ``local_features`` each picture's local features (and each new video's frames')
        are computed and kept at once, and pictures it contains or sits inside are found
        too; without, the background pass (``FeatureService.run_pass``) does both later."""
        role = fields.role(role)
        claim_uuid = self._check_claim(claim_id) if claim_id else None
        files = expand_paths(paths)
        results: list[IngestResult] = []
        prepare = functools.partial(self._prepare, local_features=local_features)
        for path, prepared in run_in_order(prepare, files, should_cancel, self._drop):
            analysis = prepared.analysis
            if isinstance(analysis, AnalysisError):
                result = IngestResult(str(path), IngestStatus.ERROR, error=str(analysis))
            else:
                try:
                    result = self._store_one(
                        analysis, prepared.staged, claim_uuid, role, max_distance
                    )
                except WorkbenchError as exc:
                    self._drop(prepared)
                    result = IngestResult(str(path), IngestStatus.ERROR, error=str(exc))
                except BaseException:
                    self._drop(prepared)
                    raise
            results.append(result)
            if progress is not None:
                progress(len(results), len(files), result)
        if local_features:
            self._keep_video_features(results, should_cancel)
        return results

    def _keep_video_features(
        self, results: list[IngestResult], should_cancel: ShouldCancel | None
    ) -> None:
        """The frames' features of the videos just added (a picture's come with its
        analysis); one that cannot be had is left to the background pass, which says why."""
        for result in results:
            media = result.media
            if result.status is not IngestStatus.ADDED or media is None or media.kind != "video":
                continue
            size = (media.width, media.height) if media.width and media.height else None
            path = self._ws.store.path_for(media.sha256)
            try:
                if (
                    self._ws.features.keep_video(uuid.UUID(media.id), path, size, should_cancel)
                    is None
                ):
                    return
            except (AnalysisError, OSError) as exc:
                log.warning("%s: video frames' features left to the pass: %s", path, exc)

    def _prepare(self, path: Path, local_features: bool = False) -> _Prepared:
        """Worker thread: analyse, stage the original if the store lacks it, save the
        thumbnail. Nothing here is visible to anyone until ``_store_one`` commits."""
        analysis = _analyse(path, local_features)
        if isinstance(analysis, AnalysisError):
            return _Prepared(analysis)
        store = self._ws.store
        try:
            if analysis.thumbnail:
                self._ws.thumbnails.put(analysis.sha256, analysis.thumbnail)
            if analysis.strip:
                self._ws.thumbnails.put_strip(analysis.sha256, analysis.strip)
            staged = None
            if not store.has(analysis.sha256):
                staged = store.stage(analysis.content or analysis.path, analysis.sha256)
        except (OSError, StoreError) as exc:  # stage() leaves nothing behind when it fails
            return _Prepared(AnalysisError(f"cannot copy into the media folder: {exc}"))
        return _Prepared(dataclasses.replace(analysis, content=None), staged)

    def _drop(self, prepared: _Prepared) -> None:
        if prepared.staged is not None:
            self._ws.store.discard(prepared.staged)

    def _check_claim(self, claim_id: str) -> uuid.UUID:
        try:
            claim_uuid = uuid.UUID(str(claim_id))
        except ValueError:
            raise NotFoundError(f"no claim with id {claim_id}") from None
        with self._ws.db.read() as session:
            if session.get(Claim, claim_uuid) is None:
                raise NotFoundError(f"no claim with id {claim_id}")
        return claim_uuid

    def _store_one(
        self,
        analysis: Analysis,
        staged: Path | None,
        claim_id: uuid.UUID | None,
        role: str,
        max_distance: int | None,
    ) -> IngestResult:
        ws = self._ws
        existing = self._stored_id(analysis.sha256)
        if existing is not None:
            if staged is not None:
                ws.store.discard(staged)
            if claim_id is not None:
                ws.claims.attach_media(claim_id, str(existing), role)
            return IngestResult(
                str(analysis.path),
                IngestStatus.EXISTS,
                media=self.get(str(existing)),
                near_duplicates=self.seen.near(analysis, max_distance, exclude=str(existing)),
                known=self._known(analysis, max_distance),
            )
        lookups, limit = seen_lookups(analysis), self.seen.limit(max_distance)
        known = ws.known.lookup(lookups, limit)
        query = query_features(analysis)
        found = self.seen.confirmed(analysis, ws.index.nearest(lookups, limit), query, ingest=True)
        near = self.seen.describe(found, analysis)
        # The flag's rule is the default distance: the same lookup unless the analyst chose
        # another, so the index is scanned twice only then.
        if limit != DEFAULT_MAX_DISTANCE:
            found = self.seen.confirmed(
                analysis, ws.index.nearest(lookups, DEFAULT_MAX_DISTANCE), query, ingest=True
            )
        seen = {uuid.UUID(c.media_id) for c in found}
        if staged is None and not ws.store.has(analysis.sha256):
            # The store had the file when it was analysed, but it went since (the rows of
            # another workstation's batch that did not commit): stage it after all.
            try:
                staged = ws.store.stage(analysis.content or analysis.path, analysis.sha256)
            except (OSError, StoreError) as exc:
                raise WorkbenchError(f"cannot copy into the media folder: {exc}") from exc
        newly_written = False
        if staged is not None:
            # Durable (file and folder fsync'd) before the row below commits; a marker in
            # tmp/ until then, so that a crash in between leaves no orphan after next open.
            _, newly_written = ws.store.commit(staged, analysis.sha256, until_settled=True)
        media_id = uuid.uuid4()
        words = None  # the picture's visual words, when its features are stored now
        try:
            with ws.db.transaction() as session:
                media = self._media_row(media_id, analysis)
                media.seen_before = _mark_seen_before(session, seen)
                session.add(media)
                session.flush()
                insert_hashes(session, media_id, analysis)
                if analysis.features is not None:
                    words = ws.features.insert(session, media_id, analysis.features)
                changes = {
                    "sha256": (None, analysis.sha256),
                    "original_name": (None, media.original_name),
                }
                audit.record(session, ws.analyst, "media", media_id, "add", changes)
                if claim_id is not None:
                    session.add(
                        ClaimMedia(
                            claim_id=claim_id, media_id=media_id, role=role, added_by=ws.analyst
                        )
                    )
                    link = {"media": (None, f"{analysis.sha256} as {role}")}
                    audit.record(session, ws.analyst, "claim", claim_id, "attach", link)
                    session.flush()
                view = media_view(session, media, [claim_id] if claim_id else [])
        except IntegrityError:
            if self._stored_id(analysis.sha256) is None:
                if newly_written:
                    ws.store.remove(analysis.sha256)
                raise
            # Another workstation stored the same original between our check and our
            # commit: its row owns the file now, so keep the file and report it as known.
            return self._store_one(analysis, None, claim_id, role, max_distance)
        except Exception:
            if newly_written:  # the row never committed: leave no unreferenced original
                ws.store.remove(analysis.sha256)
            raise
        finally:
            if staged is not None:
                ws.store.settle(staged)
        index_hashes(ws.index, media_id, analysis)
        ws.features.index(media_id, words)
        return IngestResult(
            str(analysis.path),
            IngestStatus.ADDED,
            media=view,
            near_duplicates=near,
            known=tuple(known),
        )

    def _known(self, analysis: Analysis, max_distance: int | None) -> tuple[KnownMatch, ...]:
        """What the file meets on the known-fakes lists (``workbench.library.known_fakes``)."""
        limit = self.seen.limit(max_distance)
        return tuple(self._ws.known.lookup(seen_lookups(analysis), limit))

    def _stored_id(self, sha256: str) -> uuid.UUID | None:
        with self._ws.db.read() as session:
            return session.scalar(select(Media.id).where(Media.sha256 == sha256))

    def _media_row(self, media_id: uuid.UUID, a: Analysis) -> Media:
        meta = a.metadata
        return Media(
            id=media_id,
            sha256=a.sha256,
            kind=a.kind,
            mime=a.mime,
            byte_size=a.byte_size,
            width=a.width,
            height=a.height,
            duration_ms=a.duration_ms,
            original_name=a.path.name,
            acquired_from=str(a.path.resolve()),
            acquired_by=self._ws.analyst,
            exif=meta.tags,
            capture_time=meta.capture_time,
            camera_make=meta.camera_make,
            camera_model=meta.camera_model,
            gps_latitude=meta.gps_latitude,
            gps_longitude=meta.gps_longitude,
            orientation=meta.orientation,
            software=meta.software,
            low_information=a.low_information,
        )

    # -- seen before ---------------------------------------------------------------------

    def match(
        self,
        paths: Iterable[str | os.PathLike[str]],
        max_distance: int | None = None,
        should_cancel: ShouldCancel | None = None,
    ) -> list[MatchResult]:
        """What in the library each file resembles. Nothing is stored."""
        out = []
        analyse = functools.partial(_analyse, features=True)
        for path, analysis in run_in_order(analyse, expand_paths(paths), should_cancel):
            if isinstance(analysis, AnalysisError):
                out.append(MatchResult(str(path), str(analysis), ()))
            else:
                near = self.seen.near(analysis, max_distance)
                out.append(MatchResult(str(path), None, near, self._known(analysis, max_distance)))
        return out

    def near_duplicates(
        self, media_id: str, max_distance: int | None = None
    ) -> tuple[NearDuplicate, ...]:
        """Stored media that resemble stored media ``media_id`` (``SeenBeforeService``)."""
        return self.seen.near_duplicates(media_id, max_distance)

    def seen_before_neighbours(
        self, session: Session, media_ids: Iterable[uuid.UUID]
    ) -> set[uuid.UUID]:
        return self.seen.seen_before_neighbours(session, media_ids)

    def recheck_seen_before(self, session: Session, media_ids: Iterable[uuid.UUID]) -> None:
        self.seen.recheck_seen_before(session, media_ids)

    # -- reading -------------------------------------------------------------------------

    def get(self, media_id: str) -> MediaView:
        with self._ws.db.read() as session:
            media = session.get(Media, uuid.UUID(media_id))
            if media is None:
                raise NotFoundError(f"no media with id {media_id}")
            return media_view(session, media)

    def history(self, media_id: str) -> list[AuditView]:
        """The media's audit trail, oldest first."""
        with self._ws.db.read() as session:
            return audit.history(session, media_id)

    def thumbnail_path(self, sha256: str) -> Path | None:
        return self._ws.thumbnails.get(sha256)

    def strip_path(self, sha256: str) -> Path | None:
        """A video's strip: a few frames evenly spread over it, side by side (JPEG)."""
        return self._ws.thumbnails.get_strip(sha256)

    def frame_path(
        self, sha256: str, t_ms: int, max_side: int = 256, *, cached_only: bool = False
    ) -> Path | None:
        """A stored video's frame at ``t_ms`` (where a screenshot of it was found) as a
        cached JPEG, upright, fitted into ``max_side``. Decoded on first use (a seek and a
        few frames: call it off the UI thread); with ``cached_only``, None until then.
        Raises :class:`AnalysisError` when the frame cannot be decoded."""
        from workbench.media.video import frame_jpeg

        cached = self._ws.thumbnails.get_frame(sha256, t_ms, max_side)
        if cached is not None or cached_only:
            return cached
        jpeg = frame_jpeg(self.original_path(sha256), t_ms, max_side)
        return self._ws.thumbnails.put_frame(sha256, t_ms, max_side, jpeg)

    def original_path(self, sha256: str) -> Path:
        """Where the stored original's bytes are (read-only; the file may be missing if the
        media folder was damaged, which ``verify`` reports)."""
        return self._ws.store.path_for(sha256)


def index_hashes(index: HashIndex, media_id: uuid.UUID, analysis: Analysis) -> None:
    """Teach the in-memory index a stored media's hashes (once its rows have committed)."""
    for algorithm in {h.algorithm for h in analysis.hashes}:
        picked = [h for h in analysis.hashes if h.algorithm == algorithm]
        index.add(
            media_id,
            algorithm,
            [h.value for h in picked],
            [h.t_ms for h in picked],
            [h.view for h in picked],
        )


def insert_hashes(session: Session, media_id: uuid.UUID, a: Analysis) -> None:
    """The media's hash rows (a picture has some thirty views), in one statement: the ORM's
    per-object bookkeeping cost more than the insert itself."""
    if a.hashes:
        session.execute(
            insert(MediaHash),
            [
                {
                    "media_id": media_id,
                    "algorithm": h.algorithm,
                    "value": to_signed(h.value),
                    "t_ms": h.t_ms,
                    "view": h.view,
                }
                for h in a.hashes
            ],
        )


def _mark_seen_before(session: Session, media_ids: set[uuid.UUID]) -> bool:
    """Flag the stored media among ``media_ids`` (a new media's matches) as seen before;
    whether any is stored, hence whether the new media is seen before itself."""
    if not media_ids:
        return False
    result = session.connection().execute(
        update(Media).where(Media.id.in_(media_ids)).values(seen_before=True)
    )
    return result.rowcount > 0


def media_view(
    session: Session, media: Media, claim_ids: Sequence[uuid.UUID] | None = None
) -> MediaView:
    """The plain view of a media row; ``claim_ids`` when the caller already knows them."""
    if claim_ids is None:
        claim_ids = session.scalars(
            select(ClaimMedia.claim_id).where(ClaimMedia.media_id == media.id)
        ).all()
    return MediaView(
        id=str(media.id),
        sha256=media.sha256,
        kind=media.kind,
        mime=media.mime,
        byte_size=media.byte_size,
        width=media.width,
        height=media.height,
        duration_ms=media.duration_ms,
        original_name=media.original_name,
        acquired_at=media.acquired_at,
        acquired_from=media.acquired_from,
        acquired_by=media.acquired_by,
        capture_time=media.capture_time,
        camera_make=media.camera_make,
        camera_model=media.camera_model,
        gps_latitude=media.gps_latitude,
        gps_longitude=media.gps_longitude,
        orientation=media.orientation,
        software=media.software,
        exif=dict(media.exif or {}),
        claim_ids=tuple(str(c) for c in claim_ids),
        finding=findings.of(media),
    )
