"""Known-fakes lists between desks: the perceptual hashes (never the originals) of the
pictures and video frames of chosen claims, written out as a documented CSV, taken in from
another desk, and looked up at ingest and in ``match``.

**The list** (UTF-8 CSV, a header row, one row a hash; a plain CSV reader reads it)::

    format,algorithm,hash,kind,item,label,desk,date,verdict
    claim-workbench/known-fakes/1,phash,c3d1e0f0a1b2c3d4,image,9f86d0…,recycled photo,\
      Desk A,2025-02-01,refuted

``format`` names the format and its version (``FORMAT``); ``algorithm`` ``phash`` or
``dhash`` (imagehash's, 64 bits), ``hash`` 16 hex digits; ``kind`` ``image`` or
``video_frame``; ``item`` groups the hashes of one picture or frame (the original's
SHA-256, and ``@t_ms`` for a frame: names the file, does not ship it); ``label`` what the
desk says of it (the claim's summary, else its text cut short); ``date`` the verdict's
day; ``verdict`` the claim's. A picture is listed by its whole picture (a copy's views are
made on the query side, as the library's are); a video by the frames it was hashed at.

**Taking one in** (``take_in``) checks every row; a bad row is skipped and named (line
and field), the rest goes in, in one transaction, under the name the analyst gives. Lists
live in their own tables, apart from the library: they are not the desk's media, are not
exported and can be removed whole.

**Lookup** (``lookup``): a picture's query views (``QUERY_KINDS``) against every listed
hash, by the seen-before rule on hashes (``HashIndex.nearest``: within the distance; a
region's hit counts when both hashes agree). There are no originals to verify against, so
the hashes' rule is all there is. The listed hashes are held in a ``HashIndex`` of their
own, read once and read again when the lists change (any workstation's: the lists' count
and newest id are compared before each lookup).

Uses ``storage``, ``workbench.matching`` and the claims' views; a list is written from
what an export gathered (``workbench.exchange.scope``), handed in as claims and their media.
"""

from __future__ import annotations

import csv
import io
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, insert, select

from storage.schema import HashList, HashListEntry, MediaHash
from workbench.base.errors import NotFoundError, ValidationError, WorkbenchError
from workbench.base.files import atomic_write
from workbench.claims import audit, fields
from workbench.claims.views import ClaimView
from workbench.library.views import KnownMatch, MediaView
from workbench.matching.index import (
    DEFAULT_MAX_DISTANCE,
    MATCH_ALGORITHMS,
    QUERY_KINDS,
    HashIndex,
    Lookup,
    to_signed,
    to_unsigned,
)
from workbench.matching.owners import ID_DTYPE

if TYPE_CHECKING:
    from workbench.library.context import LibraryContext

FORMAT = "claim-workbench/known-fakes/1"
COLUMNS = ("format", "algorithm", "hash", "kind", "item", "label", "desk", "date", "verdict")
KINDS = ("image", "video_frame")
LABEL_MAX = 300
#: Bad rows named in the summary at most (the count says the rest).
NAMED_ERRORS = 20
_CHUNK = 20_000
#: The stored views that are a picture's whole (``framed``: the whole of a picture with a
#: content region, a border or a caption around its photo).
WHOLE_VIEWS = ("whole", "framed")
_ENTRIES_SQL = "SELECT list_id, item, value FROM hash_list_entries WHERE algorithm = {mark}"
#: The lists are looked at again (has a colleague taken one in?) at most this often.
RECHECK_SECONDS = 2.0


@dataclass(frozen=True)
class ListInfo:
    name: str
    desk: str
    entries: int
    source: str
    imported_at: datetime
    imported_by: str


@dataclass(frozen=True)
class TakenIn:
    name: str
    entries: int
    skipped: int
    errors: tuple[str, ...]  # the first NAMED_ERRORS bad rows, "line 7: hash: ..."


def _owner_ids(list_ids: npt.NDArray[np.int64], items: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    """The index's owner ids of listed items: the UUID whose number is ``list_id << 32 |
    item`` (``lookup`` reads them back), as 16 big-endian bytes, built without a UUID a row."""
    raw = np.zeros((len(items), 16), np.uint8)
    raw[:, 8:12] = list_ids.astype(">u4").view(np.uint8).reshape(-1, 4)
    raw[:, 12:16] = items.astype(">u4").view(np.uint8).reshape(-1, 4)
    return raw.view(ID_DTYPE).reshape(-1)


class Listed(Protocol):
    """A claim to list and its media, in order (an export's ``ExportClaim`` is one)."""

    @property
    def claim(self) -> ClaimView: ...

    @property
    def media(self) -> Sequence[MediaView]: ...


class KnownFakes:
    def __init__(self, workspace: LibraryContext) -> None:
        self._ws = workspace
        self._lock = threading.Lock()
        self._index: HashIndex | None = None
        self._state: tuple[int, int] | None = None  # (lists, newest id) the index holds
        self._checked = float("-inf")  # when the lists were last looked at (monotonic)

    # -- writing a list ------------------------------------------------------------------

    def write_list(self, claims: Iterable[Listed], out: Path, desk: str) -> tuple[int, int]:
        """Write the hashes of the pictures and video frames of ``claims``; the rows and
        the items written. A media in several claims is listed once, with the
        first claim's words."""
        rows: list[list[str]] = []
        items: set[str] = set()
        seen: set[str] = set()
        with self._ws.db.read() as session:
            for entry in claims:
                c = entry.claim
                label = (c.summary or " ".join(c.text.split()))[:LABEL_MAX]
                date = c.decided_at.date().isoformat() if c.decided_at else ""
                for media in entry.media:
                    if media.id in seen:
                        continue
                    seen.add(media.id)
                    hashes = session.execute(
                        select(MediaHash.algorithm, MediaHash.value, MediaHash.t_ms)
                        .where(
                            MediaHash.media_id == uuid.UUID(media.id),
                            MediaHash.view.in_(WHOLE_VIEWS),
                        )
                        .order_by(MediaHash.t_ms, MediaHash.algorithm)
                    ).all()
                    for algorithm, value, t_ms in hashes:
                        if algorithm not in MATCH_ALGORITHMS:
                            continue
                        video = media.kind == "video" and t_ms is not None
                        item = f"{media.sha256}@{t_ms}" if video else media.sha256
                        items.add(item)
                        rows.append(
                            [
                                FORMAT,
                                algorithm,
                                f"{to_unsigned(value):016x}",
                                "video_frame" if video else "image",
                                item,
                                label,
                                desk,
                                date,
                                c.status,
                            ]
                        )
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        atomic_write(out, buffer.getvalue().encode("utf-8"))
        return len(rows), len(items)

    # -- taking one in -------------------------------------------------------------------

    def take_in(self, path: Path, name: str) -> TakenIn:
        """Take in another desk's list under ``name`` (not yet used here)."""
        name = fields.text("label", name, required=True, max_len=200)
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise WorkbenchError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
        entries: list[dict[str, Any]] = []
        errors: list[str] = []
        skipped = 0
        items: dict[str, int] = {}
        desks: dict[str, int] = {}
        with handle:
            reader = csv.DictReader(handle)
            missing = [c for c in ("algorithm", "hash") if c not in (reader.fieldnames or ())]
            if missing:
                raise ValidationError(
                    str(path),
                    f"not a known-fakes list: no {', '.join(missing)} column "
                    f"(the header must name {', '.join(COLUMNS)})",
                )
            try:
                for record in reader:
                    try:
                        entries.append(self._entry(record, items))
                    except ValueError as exc:
                        skipped += 1
                        if len(errors) < NAMED_ERRORS:
                            errors.append(f"line {reader.line_num}: {exc}")
                        continue
                    desks[entries[-1]["desk"]] = desks.get(entries[-1]["desk"], 0) + 1
            except (csv.Error, UnicodeDecodeError) as exc:
                raise ValidationError(str(path), f"line {reader.line_num}: {exc}") from exc
        if not entries:
            raise ValidationError(
                str(path), "no usable rows" + (f" ({errors[0]})" if errors else "")
            )
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            if session.scalar(select(HashList.id).where(HashList.name == name)) is not None:
                raise ValidationError(
                    "label", f"a list named {name!r} is here already: remove it first"
                )
            desk = max(desks, key=lambda d: desks[d]) if desks else ""
            listed = HashList(
                name=name,
                desk=desk,
                source=str(path),
                entries=len(entries),
                imported_by=self._ws.analyst,
            )
            session.add(listed)
            session.flush()
            for start in range(0, len(entries), _CHUNK):
                chunk = entries[start : start + _CHUNK]
                for e in chunk:
                    e["list_id"] = listed.id
                session.execute(insert(HashListEntry), chunk)
            audit.record(
                session,
                self._ws.analyst,
                "workspace",
                self._ws.workspace_id,
                "hashlist_import",
                {
                    "list": (None, name),
                    "entries": (None, len(entries)),
                    "source": (None, str(path)),
                },
            )
        self._forget()
        return TakenIn(name, len(entries), skipped, tuple(errors))

    @staticmethod
    def _entry(row: dict[str, str | None], items: dict[str, int]) -> dict[str, Any]:
        def cell(key: str, limit: int = LABEL_MAX) -> str:
            value = (row.get(key) or "").strip()
            if len(value) > limit:
                raise ValueError(f"{key}: longer than {limit} characters")
            return value

        fmt = cell("format")
        if fmt and fmt != FORMAT:
            raise ValueError(f"format: {fmt!r} is not {FORMAT!r}")
        algorithm = cell("algorithm").lower()
        if algorithm not in MATCH_ALGORITHMS:
            raise ValueError(
                f"algorithm: {algorithm!r} is not one of {', '.join(MATCH_ALGORITHMS)}"
            )
        text = cell("hash").lower().removeprefix("0x")
        if len(text) != 16:
            raise ValueError(f"hash: {text!r} is not 16 hex digits (a 64-bit hash)")
        try:
            value = int(text, 16)
        except ValueError:
            raise ValueError(f"hash: {text!r} is not hexadecimal") from None
        kind = cell("kind") or "image"
        if kind not in KINDS:
            raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
        item_name = cell("item", 200) or f"row-{len(items)}"
        item = items.setdefault(item_name, len(items))
        return {
            "item": item,
            "algorithm": algorithm,
            "value": to_signed(value),
            "kind": kind,
            "label": cell("label"),
            "desk": cell("desk", 200),
            "date": cell("date", 40),
            "verdict": cell("verdict", 40),
        }

    # -- the lists -----------------------------------------------------------------------

    def lists(self) -> list[ListInfo]:
        with self._ws.db.read() as session:
            rows = session.scalars(select(HashList).order_by(HashList.imported_at)).all()
            return [
                ListInfo(r.name, r.desk, r.entries, r.source, r.imported_at, r.imported_by)
                for r in rows
            ]

    def remove(self, name: str) -> ListInfo:
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            row = session.scalar(select(HashList).where(HashList.name == name))
            if row is None:
                raise NotFoundError(f"no known-fakes list named {name!r}")
            gone = ListInfo(
                row.name, row.desk, row.entries, row.source, row.imported_at, row.imported_by
            )
            session.execute(delete(HashListEntry).where(HashListEntry.list_id == row.id))
            session.delete(row)
            audit.record(
                session,
                self._ws.analyst,
                "workspace",
                self._ws.workspace_id,
                "hashlist_remove",
                {"list": (name, None), "entries": (row.entries, None)},
            )
        self._forget()
        return gone

    # -- lookup --------------------------------------------------------------------------

    def lookup(
        self, lookups: Sequence[Lookup], max_distance: int = DEFAULT_MAX_DISTANCE
    ) -> list[KnownMatch]:
        """The listed pictures and frames these query hashes meet, nearest first."""
        index = self._current()
        if index is None or not lookups:
            return []
        hits = index.nearest([lk[:3] for lk in lookups], max_distance)
        if not hits:
            return []
        out = []
        with self._ws.db.read() as session:
            for hit in hits:
                number = uuid.UUID(hit.media_id).int
                list_id, item = number >> 32, number & 0xFFFFFFFF
                found = session.execute(
                    select(
                        HashList.name,
                        HashListEntry.label,
                        HashListEntry.verdict,
                        HashListEntry.date,
                        HashListEntry.desk,
                        HashListEntry.kind,
                    )
                    .join(HashList, HashList.id == HashListEntry.list_id)
                    .where(HashListEntry.list_id == list_id, HashListEntry.item == item)
                    .limit(1)
                ).first()
                if found is not None:
                    name, label, verdict, date, desk, kind = found
                    out.append(KnownMatch(name, label, verdict, date, hit.distance, desk, kind))
        return out

    def lookup_media(
        self, media_id: str, max_distance: int = DEFAULT_MAX_DISTANCE
    ) -> list[KnownMatch]:
        """A stored media's matches on the lists, by its stored query hashes (not read
        when no list is here: the detail pane asks for every media it shows)."""
        if self._current() is None:
            return []
        with self._ws.db.read() as session:
            rows = session.execute(
                select(MediaHash.algorithm, MediaHash.value, MediaHash.view).where(
                    MediaHash.media_id == uuid.UUID(media_id), MediaHash.view.in_(QUERY_KINDS)
                )
            ).all()
        return self.lookup([(a, to_unsigned(v), view) for a, v, view in rows], max_distance)

    def warm(self) -> None:
        """Read the listed hashes now (a window does it in the background when it opens,
        so that the first lookup does not wait for a big list)."""
        self._current()

    def _forget(self) -> None:
        with self._lock:
            self._index, self._state = None, None
            self._checked = float("-inf")

    def _current(self) -> HashIndex | None:
        """The index of every listed hash, read again when the lists changed (looked at
        every ``RECHECK_SECONDS``: ingest asks for each file)."""
        if time.monotonic() - self._checked < RECHECK_SECONDS:
            return self._index
        with self._ws.db.read() as session:
            state = tuple(
                session.execute(
                    select(func.count(HashList.id), func.coalesce(func.max(HashList.id), 0))
                ).one()
            )
        with self._lock:
            if state != self._state:
                self._index = self._load() if state[0] else None
                self._state = (int(state[0]), int(state[1]))
            self._checked = time.monotonic()
            return self._index

    def _load(self) -> HashIndex:
        index = HashIndex()
        with self._ws.db.read() as session:
            # The driver's own cursor: plain tuples, no result row object a hash (a list
            # of a million hashes loads in seconds, not half a minute).
            cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                for algorithm in MATCH_ALGORITHMS:
                    cursor.execute(
                        _ENTRIES_SQL.format(
                            mark="%s" if self._ws.db.dialect == "postgresql" else "?"
                        ),
                        (algorithm,),
                    )
                    rows = cursor.fetchall()
                    if not rows:
                        continue
                    data = np.array(rows, dtype=np.int64).reshape(-1, 3)
                    values = data[:, 2].astype(np.uint64)  # two's complement: the unsigned hash
                    times = np.full(len(rows), -1, dtype=np.int32)
                    index.bulk_load(algorithm, _owner_ids(data[:, 0], data[:, 1]), values, times)
            finally:
                cursor.close()
        index.build()
        return index
