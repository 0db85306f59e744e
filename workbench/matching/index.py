"""The "seen before" index: every stored perceptual hash, in memory, searched exactly.

Per hash algorithm, a ``Table`` (``workbench.matching.rows``): a row per hash with its
owner (the media's number here; each media's UUID is kept once), a time in milliseconds
(for a video frame, -1 for a picture) and which view of the picture was hashed (a code
into ``VIEW_KINDS``: the whole picture, mirrored, turned, cropped, its content region; see
``workbench.matching.hashing``). A search is exact and reads few rows: multi-index hashing
(``workbench.matching.mih``) over the rows built so far, a vectorised popcount over the
few added since. Media ids are UUID strings.
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

from workbench.matching.owners import ID_DTYPE, Owners
from workbench.matching.rows import Table

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


def _rank(hit: Hit) -> tuple[int, int]:
    return hit.distance, VIEW_KINDS.index(hit.view)


def view_codes(views: Iterable[str]) -> npt.NDArray[np.uint8]:
    return np.array([VIEW_KINDS.index(v) for v in views], dtype=np.uint8)


class HashIndex:
    """Thread-safe: the window queries while an ingest on a worker thread adds.

    Media are numbered as they come (``workbench.matching.owners``): a row carries the
    number, the UUID is kept once."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._rows: dict[str, Table] = {}
        self._owners = Owners()
        self._dead_rows: dict[str, int] = {}  # per algorithm, rows of removed media
        self._changed = 0  # rows added or removed so far

    def __contains__(self, media_id: object) -> bool:
        if not isinstance(media_id, str | uuid.UUID):
            return False
        with self._lock:
            return self._owners.find(_uuid(media_id).bytes) is not None

    def media_count(self) -> int:
        """How many media have at least one hash here."""
        with self._lock:
            return int(self._owners.live().sum())

    @property
    def nbytes(self) -> int:
        return sum(rows.nbytes for rows in self._rows.values()) + self._owners.nbytes

    def changed(self) -> int:
        """How many rows were added or removed since the index was made (or loaded)."""
        return self._changed

    def algorithms(self) -> list[str]:
        with self._lock:
            return list(self._rows)

    def row_count(self, algorithm: str) -> int:
        rows = self._rows.get(algorithm)
        return rows.n - self._dead_rows.get(algorithm, 0) if rows else 0

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Everything the index holds, as named arrays (``workbench.matching.snapshot``
        keeps them; :meth:`from_arrays` takes them back)."""
        with self._lock:
            out = {f"owners.{k}": a for k, a in self._owners.arrays().items()}
            for algorithm, rows in self._rows.items():
                out |= {f"{algorithm}.{k}": a for k, a in rows.arrays().items()}
            return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[Any]]) -> HashIndex:
        """An index from :meth:`arrays`, checked: ``ValueError`` or ``KeyError`` when they
        do not make one."""
        index = cls()
        index._owners = Owners.from_arrays(
            {k.removeprefix("owners."): a for k, a in arrays.items() if k.startswith("owners.")}
        )
        algorithms = {k.split(".")[0] for k in arrays if not k.startswith("owners.")}
        for algorithm in sorted(algorithms):
            mine = {
                k.removeprefix(f"{algorithm}."): a
                for k, a in arrays.items()
                if k.startswith(f"{algorithm}.")
            }
            rows = Table.from_arrays(mine, index._owners.count, len(VIEW_KINDS))
            index._rows[algorithm] = rows
            live = index._owners.live()
            index._dead_rows[algorithm] = int((~live[rows.column("owners")]).sum())
        return index

    def _table(self, algorithm: str) -> Table:
        return self._rows.setdefault(algorithm, Table())

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
            self._table(algorithm).extend(
                np.array(value_list, dtype=np.uint64),
                self._owners.number(_uuid(media_id).bytes),
                np.array([NO_TIME if t is None else t for t in time_list], dtype=np.int32),
                view_codes(view_list),
            )
            self._changed += len(value_list)

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
        :func:`view_codes`; default: the whole picture) in the same order. The rows are
        indexed at the first search (or :meth:`build`)."""
        with self._lock:
            self._table(algorithm).extend(values, self._owners.numbers(ids), times, views)
            self._changed += len(values)

    def remove(self, media_id: str | uuid.UUID) -> None:
        with self._lock:
            owner = self._owners.retire(_uuid(media_id).bytes)
            if owner is None:
                return
            for algorithm, rows in self._rows.items():
                dead = len(rows.rows_of(owner))
                self._dead_rows[algorithm] = self._dead_rows.get(algorithm, 0) + dead
                self._changed += dead

    def build(self, due_only: bool = False) -> None:
        """Index the rows added since the last build (``due_only``: only where they are
        many, ``rows.TAIL_SHARE``, which a search also does); the rows of removed media
        go. A workspace builds once its rows are loaded."""
        with self._lock:
            due = [a for a, rows in self._rows.items() if rows.wants_build() or not due_only]
            for algorithm in due:
                self._rows[algorithm].build(self._owners.live())
                self._dead_rows[algorithm] = 0
            if due or not due_only:
                self._owners.settle()

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
        asked: dict[str, list[tuple[int, bool]]] = {}  # per algorithm: (value, framed)
        timed: list[tuple[int, Any, Any]] = []  # (query time, stored ids, stored times)
        query_times: set[int] = set()
        for lookup in hashes:
            algorithm, value, view = lookup[0], lookup[1], lookup[2]
            t_ms = lookup[3] if len(lookup) > 3 else None
            if algorithm not in MATCH_ALGORITHMS or view not in QUERY_KINDS:
                continue
            asked.setdefault(algorithm, []).append((value, view == "framed"))
            rows = self._near_rows(value, algorithm, max_distance, view == "framed")
            found += (
                replace(hit, view=evidence(view, hit.view))
                for hit in _best_per_media(*rows, exclude=exclude)
            )
            if t_ms is not None:
                query_times.add(t_ms)
                video = rows[1] != NO_TIME
                if video.any():
                    timed.append((t_ms, rows[0][video], rows[1][video]))
        if len(asked) == len(MATCH_ALGORITHMS):  # both hashes asked: both must agree
            loose = max(max_distance, CONFIRM_DISTANCE)
            agreed: dict[str, bool] = {}
            for hit in found:
                if hit.view != "whole" and hit.media_id not in agreed:
                    agreed[hit.media_id] = self._agree(hit.media_id, asked, loose)
            found = [hit for hit in found if hit.view == "whole" or agreed[hit.media_id]]
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
            if rows.wants_build():
                self.build(due_only=True)
            found, distances = rows.near(value, _limits(max_distance, framed), self._owners.live())
            ids = self._owners.ids[rows.take("owners", found)]
            return ids, rows.take("times", found), rows.take("views", found), distances

    def _agree(self, media_id: str, asked: dict[str, list[tuple[int, bool]]], loose: int) -> bool:
        """Whether every algorithm asked finds ``media_id`` within its looser limits
        (``loose``, less each view's margin) of one of its looked-up values."""
        with self._lock:
            owner = self._owners.find(_uuid(media_id).bytes)
            if owner is None:
                return False
            for algorithm, lookups in asked.items():
                table = self._rows.get(algorithm)
                if table is None:
                    return False
                mine = table.rows_of(owner)
                values, views = table.take("values", mine), table.take("views", mine)
                if not any(
                    bool(
                        (
                            np.bitwise_count(values ^ np.uint64(value))
                            <= _limits(loose, framed)[views]
                        ).any()
                    )
                    for value, framed in lookups
                ):
                    return False
            return True


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
