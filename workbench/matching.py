"""The "seen before" index: every stored perceptual hash, in memory, searched by numpy.

One flat uint64 array per hash algorithm, with a parallel array saying which media each
row belongs to (and, for video frames, at what time). A query is one vectorised XOR plus a
popcount (``numpy.bitwise_count``) over the whole array: about a millisecond per million
hashes, with no tree to balance and no per-row Python. Rows grow in amortised chunks so an
ingest of one file does not copy the whole index.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
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


def to_signed(value: int) -> int:
    """Unsigned 64-bit hash -> signed BIGINT for the database."""
    return value - (1 << 64) if value >= (1 << 63) else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


@dataclass(frozen=True)
class Hit:
    media_id: str
    distance: int
    t_ms: int | None = None  # for a video frame: where in the video


class _Rows:
    """Growable parallel arrays: hash value, owner slot, time."""

    def __init__(self) -> None:
        self.n = 0
        self.values: npt.NDArray[np.uint64] = np.zeros(1024, dtype=np.uint64)
        self.slots: npt.NDArray[np.int32] = np.zeros(1024, dtype=np.int32)
        self.times: npt.NDArray[np.int64] = np.zeros(1024, dtype=np.int64)

    def extend(
        self, values: npt.NDArray[np.uint64], slot: int, times: npt.NDArray[np.int64]
    ) -> None:
        need = self.n + len(values)
        if need > len(self.values):
            capacity = max(need, int(len(self.values) * 1.5))
            self.values = _grown(self.values, capacity)
            self.slots = _grown(self.slots, capacity)
            self.times = _grown(self.times, capacity)
        self.values[self.n : need] = values
        self.slots[self.n : need] = slot
        self.times[self.n : need] = times
        self.n = need

    def drop_slot(self, slot: int) -> None:
        keep = np.flatnonzero(self.slots[: self.n] != slot)
        if len(keep) == self.n:
            return
        k = len(keep)
        self.values[:k] = self.values[keep]
        self.slots[:k] = self.slots[keep]
        self.times[:k] = self.times[keep]
        self.n = k

    @property
    def nbytes(self) -> int:
        return self.values.nbytes + self.slots.nbytes + self.times.nbytes


def _grown(array: Any, capacity: int) -> Any:
    bigger = np.zeros(capacity, dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger


class HashIndex:
    """Thread-safe: the window queries while an ingest on a worker thread adds."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[str, _Rows] = {}
        self._slot_of: dict[str, int] = {}
        self._media_of: list[str | None] = []

    def __len__(self) -> int:
        """How many media have at least one hash here."""
        return len(self._slot_of)

    def __contains__(self, media_id: object) -> bool:
        return media_id in self._slot_of

    @property
    def nbytes(self) -> int:
        return sum(rows.nbytes for rows in self._rows.values())

    def row_count(self, algorithm: str) -> int:
        rows = self._rows.get(algorithm)
        return rows.n if rows else 0

    def _slot(self, media_id: str) -> int:
        slot = self._slot_of.get(media_id)
        if slot is None:
            slot = len(self._media_of)
            self._media_of.append(media_id)
            self._slot_of[media_id] = slot
        return slot

    def add(
        self,
        media_id: str,
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
                self._slot(media_id),
                np.array([NO_TIME if t is None else t for t in time_list], dtype=np.int64),
            )

    def bulk_load(
        self,
        algorithm: str,
        media_ids: list[str],
        values: npt.NDArray[np.uint64],
        times: npt.NDArray[np.int64],
    ) -> None:
        """Load many rows at once (workspace open): ``media_ids[i]`` owns ``values[i]``."""
        with self._lock:
            slots = np.array([self._slot(m) for m in media_ids], dtype=np.int32)
            rows = self._rows.setdefault(algorithm, _Rows())
            start = rows.n
            rows.extend(values.astype(np.uint64, copy=False), 0, times)
            rows.slots[start : rows.n] = slots

    def remove(self, media_id: str) -> None:
        with self._lock:
            slot = self._slot_of.pop(media_id, None)
            if slot is None:
                return
            self._media_of[slot] = None
            for rows in self._rows.values():
                rows.drop_slot(slot)

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
            return self._query(value, algorithm, max_distance, exclude)

    def _query(
        self, value: int, algorithm: str, max_distance: int, exclude: str | None
    ) -> list[Hit]:
        rows = self._rows.get(algorithm)
        if rows is None or rows.n == 0:
            return []
        distances = np.bitwise_count(rows.values[: rows.n] ^ np.uint64(value))
        hits = np.flatnonzero(distances <= max_distance)
        if len(hits) == 0:
            return []
        hit_d = distances[hits]
        order = np.argsort(hit_d, kind="stable")
        hits, hit_d = hits[order], hit_d[order]
        _, first = np.unique(rows.slots[hits], return_index=True)
        first.sort()  # keeps nearest-first order, one row per media
        result = []
        for i in first:
            row = hits[i]
            media_id = self._media_of[rows.slots[row]]
            if media_id is None or media_id == exclude:
                continue
            t = int(rows.times[row])
            result.append(Hit(media_id, int(hit_d[i]), None if t == NO_TIME else t))
        return result
