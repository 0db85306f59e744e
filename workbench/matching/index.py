"""The "seen before" index: every stored perceptual hash, in memory, searched by numpy.

Per hash algorithm, four parallel arrays: the 64-bit hash (``uint64``), the media's UUID as
16 raw bytes, a time in milliseconds (``int32``; for a video frame, -1 for a picture) and
which view of the picture was hashed (``uint8``, a code into ``VIEW_KINDS``: the whole
picture, mirrored, turned, cropped, its content region; see ``workbench.matching.hashing``):
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
from dataclasses import dataclass, field, replace
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
#: A turned or mirrored copy is the same pixels moved (0-2 bits from its view, a few more
#: once re-encoded), while a turned view of another photo lands 6-8 bits off more often
#: than any other view: it gets the wider margin (bench/match_eval.py).
VARIANT_MARGINS = {
    "mirrored": 5,
    "rotated_90": 5,
    "rotated_180": 5,
    "rotated_270": 5,
    "cropped": 2,
    "tilted": 2,
}
#: A hit on any view but the whole picture (a region, a crop, a turn...) is one of many
#: chances for two different photos to meet by one hash alone: it counts only when the
#: other hash also finds the same media within this distance (less the view's margin).
#: Different photos rarely agree on both; a true copy nearly always does. This cut false
#: matches by five for 0.3 points of recall; 16 is the largest value that keeps the tuning
#: half's false matches within half the target (bench/match_eval.py, README).
CONFIRM_DISTANCE = 16
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


#: A hash to look up: ``(algorithm, unsigned value, view)``, or with a fourth item, the
#: time in ms of the video frame it was taken from (``None`` for a still picture): then the
#: hits on stored videos also carry every pair of frames that met (``Hit.frames``).
Lookup = tuple[str, int, str] | tuple[str, int, str, int | None]


@dataclass(frozen=True, eq=False)
class FramePairs:
    """A video looked up against a stored video: every pair of frames that met (within the
    lookup's distance), as parallel arrays; ``workbench.matching.video`` reads ranges in them."""

    query_ms: npt.NDArray[np.int32]  # the query frame's time
    stored_ms: npt.NDArray[np.int32]  # the stored frame's time
    #: how many frames (distinct times) the query video was looked up by, matched or not
    query_frames: int


@dataclass(frozen=True)
class Hit:
    media_id: str
    distance: int
    t_ms: int | None = None  # for a video frame: where in the video
    #: The evidence: which views met. The stored view's kind ("mirrored", "cropped"...),
    #: or "region" when either side was a picture's content region.
    view: str = "whole"
    #: Video against video (timed lookups, a stored video): the frames that met.
    frames: FramePairs | None = field(default=None, compare=False, repr=False)


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
        if view in VARIANT_MARGINS:
            limit = max(max_distance - VARIANT_MARGINS[view], 0)
        elif view == "framed" and framed:
            limit = min(max_distance, FRAMED_MAX_DISTANCE)
        limits.append(limit)
    return np.array(limits, dtype=np.uint8)


def _agreed(hit: Hit, confirm: dict[str, set[bytes]]) -> bool:
    """Whether every algorithm found ``hit``'s media within its looser limits."""
    key = uuid.UUID(hit.media_id).bytes
    return all(key in media for media in confirm.values())


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

    def add_views(self, media_id: str | uuid.UUID, hashes: Iterable[tuple[str, int, str]]) -> None:
        """Add a still picture's hashed views, ``(algorithm, value, view)`` as
        ``hashing.hashed_views`` gives them, every algorithm at once."""
        by_algorithm: dict[str, list[tuple[int, str]]] = {}
        for algorithm, value, view in hashes:
            by_algorithm.setdefault(algorithm, []).append((value, view))
        for algorithm, rows in by_algorithm.items():
            self.add(media_id, algorithm, [v for v, _ in rows], views=[w for _, w in rows])

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
        hashes: Iterable[Lookup],
        max_distance: int = DEFAULT_MAX_DISTANCE,
        exclude: str | None = None,
    ) -> list[Hit]:
        """The "seen before" rule: media near any of a picture's ``(algorithm, value,
        view)`` hashes of the ``QUERY_KINDS`` views (others are skipped), one hit per media
        at its smallest distance (the whole picture's evidence first on a tie), nearest
        first; ``Hit.view`` is the evidence (:func:`evidence`). When both hashes are asked,
        a hit on any other evidence than the whole picture counts only if both find that
        media (the second within ``CONFIRM_DISTANCE``).

        Lookups with a time (a video's frames) also collect, per stored video, every pair
        of frames that met: ``Hit.frames``."""
        found: list[Hit] = []
        # Per algorithm, every media within the looser CONFIRM_DISTANCE limits (16-byte ids)
        confirm: dict[str, set[bytes]] = {}
        loose = max(max_distance, CONFIRM_DISTANCE)
        timed: list[tuple[int, Any, Any]] = []  # (query time, stored ids, stored times)
        query_times: set[int] = set()
        for lookup in hashes:
            algorithm, value, view = lookup[0], lookup[1], lookup[2]
            t_ms = lookup[3] if len(lookup) > 3 else None
            if algorithm not in MATCH_ALGORITHMS or view not in QUERY_KINDS:
                continue
            ids, times, views, distances = self._near_rows(
                value, algorithm, loose, view == "framed"
            )
            confirm.setdefault(algorithm, set()).update(i.tobytes() for i in np.unique(ids))
            strict = distances <= _limits(max_distance, view == "framed")[views]
            rows = ids[strict], times[strict], views[strict], distances[strict]
            found += (
                replace(hit, view=evidence(view, hit.view))
                for hit in _best_per_media(*rows, exclude=exclude)
            )
            if t_ms is not None:
                query_times.add(t_ms)
                video = rows[1] != NO_TIME
                if video.any():
                    timed.append((t_ms, rows[0][video], rows[1][video]))
        if len(confirm) == len(MATCH_ALGORITHMS):  # both hashes asked: both must agree
            found = [hit for hit in found if hit.view == "whole" or _agreed(hit, confirm)]
        best: dict[str, Hit] = {}
        for hit in found:
            if hit.media_id not in best or _rank(hit) < _rank(best[hit.media_id]):
                best[hit.media_id] = hit
        hits = sorted(best.values(), key=_rank)
        if timed:
            frames = _frame_pairs(timed, len(query_times))
            hits = [replace(hit, frames=frames.get(hit.media_id)) for hit in hits]
        return hits

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
        rows = self._near_rows(value, algorithm, max_distance, framed)
        return _best_per_media(*rows, exclude=exclude)

    def _near_rows(
        self, value: int, algorithm: str, max_distance: int, framed: bool
    ) -> tuple[Any, npt.NDArray[np.int32], npt.NDArray[np.uint8], npt.NDArray[Any]]:
        """Every row within reach of ``value`` (see :meth:`query`): their ids, times,
        view codes and distances (copies, in row order)."""
        with self._lock:
            rows = self._rows.get(algorithm)
            if rows is None or rows.n == 0:
                return _NO_ROWS
            distances = np.bitwise_count(rows.values[: rows.n] ^ np.uint64(value))
            limits = _limits(max_distance, framed)
            near = np.flatnonzero(distances <= limits.max())  # few: then each by its view
            hits = near[distances[near] <= limits[rows.views[near]]]
            return rows.ids[hits], rows.times[hits], rows.views[hits], distances[hits]


_NO_ROWS: tuple[Any, npt.NDArray[np.int32], npt.NDArray[np.uint8], npt.NDArray[Any]] = (
    np.zeros(0, dtype=ID_DTYPE),
    np.zeros(0, dtype=np.int32),
    np.zeros(0, dtype=np.uint8),
    np.zeros(0, dtype=np.uint8),
)


def _best_per_media(
    hit_ids: Any,
    hit_times: npt.NDArray[np.int32],
    hit_views: npt.NDArray[np.uint8],
    hit_d: npt.NDArray[Any],
    exclude: str | None = None,
) -> list[Hit]:
    """One hit per media (its nearest row, the whole picture first on a tie), nearest first."""
    if len(hit_ids) == 0:
        return []
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


def _frame_pairs(timed: list[tuple[int, Any, Any]], query_frames: int) -> dict[str, FramePairs]:
    """The timed lookups' hits on video rows, ``(query time, ids, stored times)`` each,
    regrouped per stored media."""
    ids = np.concatenate([found for _, found, _ in timed])
    stored = np.concatenate([times for _, _, times in timed]).astype(np.int32)
    query = np.repeat(
        np.array([t for t, _, _ in timed], dtype=np.int32), [len(found) for _, found, _ in timed]
    )
    keys, owner = np.unique(ids, return_inverse=True)
    order = np.argsort(owner, kind="stable")
    bounds = np.cumsum(np.bincount(owner, minlength=len(keys)))[:-1]
    return {
        str(uuid.UUID(bytes=key.tobytes())): FramePairs(query[mine], stored[mine], query_frames)
        for key, mine in zip(keys, np.split(order, bounds), strict=True)
    }
