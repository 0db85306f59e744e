"""The seen-before index filled from the database, through a snapshot when there is one.

A workspace opens its index here (:func:`open_index`). Without a snapshot it reads every
hash row, straight from the driver's cursor, and builds the index (a million pictures:
62 million rows, about four minutes on SQLite); when the library is big
(``SNAPSHOT_MIN_ROWS``) it then keeps a snapshot in the workstation's cache
(``workbench.matching.snapshot``). With one, it maps the snapshot and catches up from the
database instead of reading it all:

* the snapshot says up to which hash row and which audit entry it holds (its marks,
  read before the rows it holds were);
* every media with a hash row after that mark, or an audit entry after that one (added,
  removed, re-hashed, imported, by this workstation or a colleague's), is read afresh;
* then the number of rows the index holds must be the database's: rows up to the mark can
  only have gone, never come, so equal counts mean the same rows. Otherwise (a database
  restored from a backup, rows changed behind the app's back) the snapshot is dropped and
  the index read from the database, without a question; likewise a snapshot that is
  damaged, of another format or of another workspace.

On close (:func:`keep_index`) a snapshot that has fallen far behind is caught up and
written again, so the next open has little to read.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, select

from storage.schema import AuditEntry, MediaHash
from workbench.matching import snapshot
from workbench.matching.index import ID_DTYPE, NO_TIME, VIEW_KINDS, HashIndex, to_unsigned

if TYPE_CHECKING:
    from workbench.library.context import LibraryContext

log = logging.getLogger(__name__)

#: Below this many rows reading them is as quick as mapping a snapshot: none is kept.
SNAPSHOT_MIN_ROWS = 1_000_000
#: On close, a snapshot is written again once this many rows changed since it was taken.
REWRITE_ROWS = 200_000
FOLDER = "index-snapshot"
CHUNK = 200_000
#: Media read afresh per query when catching up.
MEDIA_CHUNK = 500

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Marks:
    """The newest hash row and audit entry the index holds (0: none)."""

    hash_row: int
    audit_entry: int


@dataclass
class OpenedIndex:
    index: HashIndex
    marks: Marks  # what the index holds, for keep_index
    #: Whether a snapshot of it (as of ``changed_then``) is on disk.
    kept: bool
    changed_then: int  # the index's ``changed()`` when it was opened or kept


def open_index(ws: LibraryContext, progress: Progress | None = None) -> OpenedIndex:
    """The workspace's index: from its snapshot, caught up, or else from the database."""
    folder = ws.location.cache_dir / FOLDER
    snapshot.remove_leftovers(folder)
    try:
        index, about = snapshot.load(folder)
    except snapshot.SnapshotError as exc:
        if folder.exists():
            log.warning("index snapshot not used, reading the database: %s", exc)
    else:
        opened = _caught_up(ws, index, about)
        if opened is not None:
            return opened
        log.warning("index snapshot out of step with the database: reading the database")
    marks = read_marks(ws)  # before the rows: what comes meanwhile is caught up later
    index = read_index(ws, progress)
    opened = OpenedIndex(index, marks, False, index.changed())
    if _rows(index) >= SNAPSHOT_MIN_ROWS:
        _save(ws, opened)
    return opened


def keep_index(ws: LibraryContext, opened: OpenedIndex) -> None:
    """On close: write the snapshot again if the index changed much since it was taken."""
    if _rows(opened.index) < SNAPSHOT_MIN_ROWS:
        return
    if opened.kept and opened.index.changed() - opened.changed_then < REWRITE_ROWS:
        return
    marks = read_marks(ws)
    catch_up(ws, opened.index, opened.marks)  # colleagues' media, not yet taught
    opened.marks = marks
    _save(ws, opened)


def read_marks(ws: LibraryContext) -> Marks:
    with ws.db.read() as session:
        hash_row = session.scalar(select(func.max(MediaHash.id))) or 0
        audit_entry = session.scalar(select(func.max(AuditEntry.id))) or 0
    return Marks(int(hash_row), int(audit_entry))


def read_index(ws: LibraryContext, progress: Progress | None = None) -> HashIndex:
    """Every hash row, one algorithm and a chunk at a time, then the index built.

    Straight from the driver's cursor: the database turns the time and the view into
    numbers and the media id into hex text, so a row is a plain tuple and a chunk
    becomes numpy arrays at once (no SQLAlchemy row, ``uuid.UUID`` or dict lookup per
    hash: a million hashes load in about a second)."""
    index = HashIndex()
    views = " ".join(f"WHEN '{kind}' THEN {code}" for code, kind in enumerate(VIEW_KINDS))
    media_id = "media_id" if ws.db.dialect == "sqlite" else "CAST(media_id AS TEXT)"
    marker = "?" if ws.db.dialect == "sqlite" else "%s"
    sql = (
        f"SELECT {media_id}, value, COALESCE(t_ms, {NO_TIME}), CASE view {views} END"
        f" FROM media_hashes WHERE algorithm = {marker}"
    )
    with ws.db.engine.connect() as conn:
        total = 0  # counted only for a progress to show (a scan of the table)
        if progress is not None:
            rows = int(conn.scalar(select(func.count()).select_from(MediaHash)) or 0)
            total = rows + rows // 3  # building the index takes about a third of the reading
        algorithms = conn.scalars(select(MediaHash.algorithm).distinct()).all()
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        done = 0
        try:
            for algorithm in algorithms:
                cursor.execute(sql, (algorithm,))
                while chunk_rows := cursor.fetchmany(CHUNK):
                    ids, values, times, codes = zip(*chunk_rows, strict=True)
                    hexes = "".join(ids).replace("-", "")
                    index.bulk_load(
                        algorithm,
                        np.frombuffer(bytes.fromhex(hexes), dtype=ID_DTYPE),
                        np.array(values, dtype=np.int64).view(np.uint64),
                        np.array(times, dtype=np.int32),
                        np.array(codes, dtype=np.uint8),
                    )
                    done += len(chunk_rows)
                    if progress is not None:
                        progress(done, total)
        finally:
            cursor.close()
    index.build(due_only=True)  # a big library is indexed now, not at its first lookup
    if progress is not None:
        progress(total, total)
    return index


def load_media(ws: LibraryContext, index: HashIndex, media_ids: Iterable[uuid.UUID]) -> None:
    """Add the stored rows of ``media_ids`` (media the index does not hold)."""
    wanted = list(media_ids)
    for at in range(0, len(wanted), MEDIA_CHUNK):
        part = wanted[at : at + MEDIA_CHUNK]
        with ws.db.read() as session:
            rows = session.execute(
                select(
                    MediaHash.media_id,
                    MediaHash.algorithm,
                    MediaHash.value,
                    MediaHash.t_ms,
                    MediaHash.view,
                )
                .where(MediaHash.media_id.in_(part))
                .order_by(MediaHash.media_id, MediaHash.algorithm, MediaHash.id)
            ).all()
        grouped: dict[tuple[uuid.UUID, str], list[tuple[int, int | None, str]]] = {}
        for media_id, algorithm, value, t_ms, view in rows:
            grouped.setdefault((media_id, algorithm), []).append((to_unsigned(value), t_ms, view))
        for (media_id, algorithm), hashes in grouped.items():
            index.add(
                media_id,
                algorithm,
                [h[0] for h in hashes],
                [h[1] for h in hashes],
                [h[2] for h in hashes],
            )


def catch_up(ws: LibraryContext, index: HashIndex, since: Marks) -> int:
    """Read afresh every media with a hash row or an audit entry after ``since``; how many."""
    with ws.db.read() as session:
        changed = set(
            session.scalars(select(MediaHash.media_id).where(MediaHash.id > since.hash_row))
        )
        for entity_id in session.scalars(
            select(AuditEntry.entity_id).where(
                AuditEntry.id > since.audit_entry, AuditEntry.entity_type == "media"
            )
        ):
            try:
                changed.add(uuid.UUID(entity_id))
            except ValueError:
                continue
    for media_id in changed:
        index.remove(media_id)
    load_media(ws, index, sorted(changed))
    return len(changed)


def _caught_up(ws: LibraryContext, index: HashIndex, about: dict[str, Any]) -> OpenedIndex | None:
    """The snapshot's index caught up with the database, or None if it cannot be."""
    if about.get("workspace_id") != ws.workspace_id:
        return None
    try:
        since = Marks(int(about["hash_row"]), int(about["audit_entry"]))
    except (KeyError, TypeError, ValueError):
        return None
    now = read_marks(ws)
    if now.hash_row < since.hash_row or now.audit_entry < since.audit_entry:
        return None  # the database went back (restored from a backup?)
    changed = catch_up(ws, index, since)
    with ws.db.read() as session:
        stored = int(session.scalar(select(func.count()).select_from(MediaHash)) or 0)
    if stored != _rows(index):
        return None
    log.info("index from its snapshot, %d media read afresh", changed)
    return OpenedIndex(index, now, True, index.changed())


def _rows(index: HashIndex) -> int:
    return sum(index.row_count(algorithm) for algorithm in index.algorithms())


def _save(ws: LibraryContext, opened: OpenedIndex) -> None:
    about = {
        "workspace_id": ws.workspace_id,
        "hash_row": opened.marks.hash_row,
        "audit_entry": opened.marks.audit_entry,
    }
    try:
        snapshot.save(opened.index, ws.location.cache_dir / FOLDER, about)
    except OSError as exc:  # a full disk: the next open reads the database again
        log.warning("index snapshot not written: %s", exc)
        return
    opened.kept, opened.changed_then = True, opened.index.changed()
