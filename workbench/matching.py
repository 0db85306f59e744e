"""The "seen before" index: every stored perceptual hash, in memory, searched by numpy.

Per hash algorithm, three parallel arrays: the 64-bit hash (``uint64``), the media's UUID as
16 raw bytes, and a time in milliseconds (``int32``; for a video frame, -1 for a picture):
28 bytes a row and no Python object per row, so a million hashes take about 28 MB. A query
is one vectorised XOR plus a popcount (``numpy.bitwise_count``) over the whole array: about a
millisecond per million hashes, with no tree to balance. Rows grow in amortised chunks so
an ingest of one file does not copy the whole index. Media ids are UUID strings.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

#: A stored picture is "seen before" when its pHash OR its dHash is within this Hamming
#: distance (of 64 bits) of the new picture's; the distance reported is the smaller.
#: Chosen on real photos and scripted copies of them (bench/threshold_study.py, figures in
#: the README): re-encodes, resizes and colour edits stay within 8 on pHash, corner stamps
#: within 6 on dHash (pHash alone misses a third of them), while different pictures came
#: no nearer than 18 on either hash. 10 keeps a wide margin on both sides.
DEFAULT_MAX_DISTANCE = 10
MATCH_ALGORITHMS = ("phash", "dhash")
NO_TIME = -1
ID_DTYPE = np.dtype((np.void, 16))


def to_signed(value: int) -> int:
    """Unsigned 64-bit hash -> signed BIGINT for the database."""
    return value - (1 << 64) if value >= (1 << 63) else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def id_array(media_ids: Sequence[str | uuid.UUID]) -> npt.NDArray[Any]:
    """Media ids as the index keeps them: 16 raw bytes each."""
    raw = b"".join(_uuid(m).bytes for m in media_ids)
    return np.frombuffer(raw, dtype=ID_DTYPE).copy()


def _uuid(media_id: str | uuid.UUID) -> uuid.UUID:
    return media_id if isinstance(media_id, uuid.UUID) else uuid.UUID(media_id)


def _key(media_id: str | uuid.UUID) -> Any:
    return np.frombuffer(_uuid(media_id).bytes, dtype=ID_DTYPE)[0]


@dataclass(frozen=True)
class Hit:
    media_id: str
    distance: int
    t_ms: int | None = None  # for a video frame: where in the video


class _Rows:
    """Growable parallel arrays: hash value, owner id, time."""

    def __init__(self) -> None:
        self.n = 0
        self.values: npt.NDArray[np.uint64] = np.zeros(1024, dtype=np.uint64)
        self.ids: npt.NDArray[Any] = np.zeros(1024, dtype=ID_DTYPE)
        self.times: npt.NDArray[np.int32] = np.zeros(1024, dtype=np.int32)

    def extend(self, values: Any, ids: Any, times: Any) -> None:
        need = self.n + len(values)
        if need > len(self.values):
            capacity = max(need, int(len(self.values) * 1.5))
            self.values = _grown(self.values, capacity)
            self.ids = _grown(self.ids, capacity)
            self.times = _grown(self.times, capacity)
        self.values[self.n : need] = values
        self.ids[self.n : need] = ids
        self.times[self.n : need] = times
        self.n = need

    def mask_of(self, key: Any) -> npt.NDArray[np.bool_]:
        return np.asarray(self.ids[: self.n] == key)

    def drop(self, key: Any) -> None:
        keep = np.flatnonzero(~self.mask_of(key))
        k = len(keep)
        if k == self.n:
            return
        self.values[:k] = self.values[keep]
        self.ids[:k] = self.ids[keep]
        self.times[:k] = self.times[keep]
        self.n = k

    @property
    def nbytes(self) -> int:
        return self.values.nbytes + self.ids.nbytes + self.times.nbytes


def _grown(array: Any, capacity: int) -> Any:
    bigger = np.zeros(capacity, dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger


class HashIndex:
    """Thread-safe: the window queries while an ingest on a worker thread adds."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[str, _Rows] = {}

    def __contains__(self, media_id: object) -> bool:
        if not isinstance(media_id, str | uuid.UUID):
            return False
        key = _key(media_id)
        with self._lock:
            return any(bool(rows.mask_of(key).any()) for rows in self._rows.values())

    def media_count(self) -> int:
        """How many media have at least one hash here (a full scan: for tests and tools)."""
        with self._lock:
            ids = [rows.ids[: rows.n] for rows in self._rows.values()]
        return len(np.unique(np.concatenate(ids))) if ids else 0

    @property
    def nbytes(self) -> int:
        return sum(rows.nbytes for rows in self._rows.values())

    def row_count(self, algorithm: str) -> int:
        rows = self._rows.get(algorithm)
        return rows.n if rows else 0

    def add(
        self,
        media_id: str | uuid.UUID,
        algorithm: str,
        values: Iterable[int],
        times: Iterable[int | None] | None = None,
    ) -> None:
        """Add hashes (unsigned 64-bit ints) of one media; ``times`` pairs with ``values``."""
        value_list = list(values)
        if not value_list:
            return
        time_list = list(times) if times is not None else [None] * len(value_list)
        with self._lock:
            self._rows.setdefault(algorithm, _Rows()).extend(
                np.array(value_list, dtype=np.uint64),
                _key(media_id),
                np.array([NO_TIME if t is None else t for t in time_list], dtype=np.int32),
            )

    def bulk_load(self, algorithm: str, ids: Any, values: Any, times: Any) -> None:
        """Load many rows at once (workspace open): ``ids`` from :func:`id_array`, unsigned
        ``values`` and ``times`` (``NO_TIME`` for a still picture) in the same order."""
        with self._lock:
            self._rows.setdefault(algorithm, _Rows()).extend(values, ids, times)

    def remove(self, media_id: str | uuid.UUID) -> None:
        key = _key(media_id)
        with self._lock:
            for rows in self._rows.values():
                rows.drop(key)

    def nearest(
        self,
        hashes: Iterable[tuple[str, int]],
        max_distance: int = DEFAULT_MAX_DISTANCE,
        exclude: str | None = None,
    ) -> list[Hit]:
        """The "seen before" rule: media near any of a picture's ``(algorithm, value)``
        hashes, one hit per media at its smallest distance, nearest first."""
        best: dict[str, Hit] = {}
        for algorithm, value in hashes:
            if algorithm not in MATCH_ALGORITHMS:
                continue
            for hit in self.query(value, algorithm, max_distance, exclude):
                if hit.media_id not in best or hit.distance < best[hit.media_id].distance:
                    best[hit.media_id] = hit
        return sorted(best.values(), key=lambda h: h.distance)

    def query(
        self,
        value: int,
        algorithm: str = "phash",
        max_distance: int = DEFAULT_MAX_DISTANCE,
        exclude: str | None = None,
    ) -> list[Hit]:
        """Every media with a hash within ``max_distance`` of ``value``, nearest first.

        One hit per media: the nearest of its rows (for a video, the best-matching frame).
        """
        with self._lock:
            rows = self._rows.get(algorithm)
            if rows is None or rows.n == 0:
                return []
            distances = np.bitwise_count(rows.values[: rows.n] ^ np.uint64(value))
            hits = np.flatnonzero(distances <= max_distance)
            hit_ids = rows.ids[hits]
            hit_times = rows.times[hits]
        if len(hits) == 0:
            return []
        hit_d = distances[hits]
        order = np.argsort(hit_d, kind="stable")
        _, first = np.unique(hit_ids[order], return_index=True)
        result = []
        for i in sorted(order[first], key=lambda j: (hit_d[j], j)):
            media_id = str(uuid.UUID(bytes=hit_ids[i].tobytes()))
            if media_id == exclude:
                continue
            t = int(hit_times[i])
            result.append(Hit(media_id, int(hit_d[i]), None if t == NO_TIME else t))
        return result
