"""The "seen before" index: every stored perceptual hash, in memory, searched by numpy.

Per hash algorithm, four parallel arrays: the 64-bit hash (``uint64``), the media's UUID as
16 raw bytes, a time in milliseconds (``int32``; for a video frame, -1 for a picture) and
which view of the picture was hashed (``uint8``, a code into ``VIEW_KINDS``: the whole
picture, mirrored, turned, cropped, its content region; see ``workbench.fingerprint``):
29 bytes a row and no Python object per row, so a million hashes take about 29 MB. A query
is one vectorised XOR plus a popcount (``numpy.bitwise_count``) over the whole array: about a
millisecond per million hashes, with no tree to balance. Rows grow in amortised chunks so
an ingest of one file does not copy the whole index. Media ids are UUID strings.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
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
#: Every view of a picture the index may hold, in code order (a row's ``views`` entry).
VIEW_KINDS = (
    "whole",
    "framed",  # the whole of a picture that has a content region
    "mirrored",
    "rotated_90",
    "rotated_180",
    "rotated_270",
    "cropped",
    "tilted",
    "region",
)
#: The views a picture is looked up by (a stored one's too, when asked what it resembles):
#: comparing every stored view with every other would find crops of two photos alike.
QUERY_KINDS = ("whole", "framed", "region")
#: Two framed pictures (each with bars, a caption or a post's chrome around a content
#: region) meet on their whole pictures only this close: nearly the same screenshot. Any
#: further and it is the chrome that matches, not the photo; their regions decide.
FRAMED_MAX_DISTANCE = 4
#: A turned, mirrored, cropped or tilted view of a stored picture is one more chance for
#: two different photos to meet, so it must come this much closer than the whole picture.
VARIANT_MARGIN = 2
_VARIANTS = ("mirrored", "rotated_90", "rotated_180", "rotated_270", "cropped", "tilted")
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
    #: The evidence: which views met. The stored view's kind ("mirrored", "cropped"...),
    #: or "region" when either side was a picture's content region.
    view: str = "whole"


def evidence(query_view: str, stored_view: str) -> str:
    if "region" in (query_view, stored_view):
        return "region"
    return "whole" if stored_view == "framed" else stored_view


@functools.cache
def _limits(max_distance: int, framed: bool) -> npt.NDArray[np.uint8]:
    """The distance each stored view must come within, by view code."""
    limits = []
    for view in VIEW_KINDS:
        limit = max_distance
        if view in _VARIANTS:
            limit = max(max_distance - VARIANT_MARGIN, 0)
        elif view == "framed" and framed:
            limit = min(max_distance, FRAMED_MAX_DISTANCE)
        limits.append(limit)
    return np.array(limits, dtype=np.uint8)


def _rank(hit: Hit) -> tuple[int, int]:
    return hit.distance, VIEW_KINDS.index(hit.view)


def view_codes(views: Iterable[str]) -> npt.NDArray[np.uint8]:
    return np.array([VIEW_KINDS.index(v) for v in views], dtype=np.uint8)


class _Rows:
    """Growable parallel arrays: hash value, owner id, time, view."""

    def __init__(self) -> None:
        self.n = 0
        self.values: npt.NDArray[np.uint64] = np.zeros(1024, dtype=np.uint64)
        self.ids: npt.NDArray[Any] = np.zeros(1024, dtype=ID_DTYPE)
        self.times: npt.NDArray[np.int32] = np.zeros(1024, dtype=np.int32)
        self.views: npt.NDArray[np.uint8] = np.zeros(1024, dtype=np.uint8)

    def extend(self, values: Any, ids: Any, times: Any, views: Any = 0) -> None:
        need = self.n + len(values)
        if need > len(self.values):
            capacity = max(need, int(len(self.values) * 1.5))
            self.values = _grown(self.values, capacity)
            self.ids = _grown(self.ids, capacity)
            self.times = _grown(self.times, capacity)
            self.views = _grown(self.views, capacity)
        self.values[self.n : need] = values
        self.ids[self.n : need] = ids
        self.times[self.n : need] = times
        self.views[self.n : need] = views
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
        self.views[:k] = self.views[keep]
        self.n = k

    @property
    def nbytes(self) -> int:
        return self.values.nbytes + self.ids.nbytes + self.times.nbytes + self.views.nbytes


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
        views: Iterable[str] | None = None,
    ) -> None:
        """Add hashes (unsigned 64-bit ints) of one media; ``times`` and ``views`` (default:
        the whole picture) pair with ``values``."""
        value_list = list(values)
        if not value_list:
            return
        time_list = list(times) if times is not None else [None] * len(value_list)
        view_list = list(views) if views is not None else ["whole"] * len(value_list)
        with self._lock:
            self._rows.setdefault(algorithm, _Rows()).extend(
                np.array(value_list, dtype=np.uint64),
                _key(media_id),
                np.array([NO_TIME if t is None else t for t in time_list], dtype=np.int32),
                view_codes(view_list),
            )

    def bulk_load(self, algorithm: str, ids: Any, values: Any, times: Any, views: Any = 0) -> None:
        """Load many rows at once (workspace open): ``ids`` from :func:`id_array`, unsigned
        ``values``, ``times`` (``NO_TIME`` for a still picture) and ``views`` (codes from
        :func:`view_codes`; default: the whole picture) in the same order."""
        with self._lock:
            self._rows.setdefault(algorithm, _Rows()).extend(values, ids, times, views)

    def remove(self, media_id: str | uuid.UUID) -> None:
        key = _key(media_id)
        with self._lock:
            for rows in self._rows.values():
                rows.drop(key)

    def nearest(
        self,
        hashes: Iterable[tuple[str, int, str]],
        max_distance: int = DEFAULT_MAX_DISTANCE,
        exclude: str | None = None,
    ) -> list[Hit]:
        """The "seen before" rule: media near any of a picture's ``(algorithm, value,
        view)`` hashes of the ``QUERY_KINDS`` views (others are skipped), one hit per media
        at its smallest distance (the whole picture's evidence first on a tie), nearest
        first; ``Hit.view`` is the evidence (:func:`evidence`)."""
        best: dict[str, Hit] = {}
        for algorithm, value, view in hashes:
            if algorithm not in MATCH_ALGORITHMS or view not in QUERY_KINDS:
                continue
            for hit in self.query(value, algorithm, max_distance, exclude, view == "framed"):
                found = replace(hit, view=evidence(view, hit.view))
                if hit.media_id not in best or _rank(found) < _rank(best[hit.media_id]):
                    best[hit.media_id] = found
        return sorted(best.values(), key=_rank)

    def query(
        self,
        value: int,
        algorithm: str = "phash",
        max_distance: int = DEFAULT_MAX_DISTANCE,
        exclude: str | None = None,
        framed: bool = False,
    ) -> list[Hit]:
        """Every media with a hash within ``max_distance`` of ``value``, nearest first
        (for a ``framed`` query, framed rows only within ``FRAMED_MAX_DISTANCE``).

        One hit per media: the nearest of its rows (for a video, the best-matching frame).
        """
        with self._lock:
            rows = self._rows.get(algorithm)
            if rows is None or rows.n == 0:
                return []
            distances = np.bitwise_count(rows.values[: rows.n] ^ np.uint64(value))
            limits = _limits(max_distance, framed)
            near = np.flatnonzero(distances <= limits.max())  # few: then each by its view
            hits = near[distances[near] <= limits[rows.views[near]]]
            hit_ids = rows.ids[hits]
            hit_times = rows.times[hits]
            hit_views = rows.views[hits]
        if len(hits) == 0:
            return []
        hit_d = distances[hits]
        order = np.lexsort((hit_views, hit_d))  # nearest, then the whole picture first
        _, first = np.unique(hit_ids[order], return_index=True)
        result = []
        for i in sorted(order[first], key=lambda j: (hit_d[j], hit_views[j], j)):
            media_id = str(uuid.UUID(bytes=hit_ids[i].tobytes()))
            if media_id == exclude:
                continue
            t = int(hit_times[i])
            view = VIEW_KINDS[int(hit_views[i])]
            result.append(Hit(media_id, int(hit_d[i]), None if t == NO_TIME else t, view))
        return result
