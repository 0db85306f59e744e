"""One hash algorithm's rows in the seen-before index, and the search over them.

Parallel arrays, a row each: the 64-bit hash (``uint64``), its owner (``uint32``: the
media's number in the index, which keeps each media's UUID once), a time in ms (``int32``:
a video frame's; -1 for a picture) and the view hashed (``uint8``, a code into
``VIEW_KINDS``): 17 bytes a row. Rows grow in amortised chunks, so adding one picture does
not copy the table.

The rows are in two parts. The *built* part, ``[0, built)``, is ordered by owner (a
media's rows are one run, found by ``owner_offsets``) and indexed by a ``MultiIndex``
(``workbench.matching.mih``, 12 bytes a row more): a search there reads a few buckets.
Rows added since, ``[built, n)``, are scanned. When that tail grows past ``TAIL_SHARE`` of
the built part (and ``TAIL_MIN`` rows), :meth:`Table.build` folds it in, dropping the rows
of media removed meanwhile (a removed media's rows stay until then, and every search
leaves them out by its owner's ``alive`` flag).

Uses numpy, ``mih`` and ``owners`` only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.matching.mih import CHUNKS, MultiIndex, sorted_order
from workbench.matching.owners import grown, headroom

#: The scanned tail is folded into the built part past this many rows...
TAIL_MIN = 1 << 18
#: ...and past this share of the built part (a scan of 1/16 of a million pictures' rows
#: costs a couple of milliseconds; a build of 31 million rows about ten seconds).
TAIL_SHARE = 1 / 16

Found = tuple[npt.NDArray[np.intp], npt.NDArray[np.uint8]]  # rows, their distances


class Table:
    def __init__(self) -> None:
        self.n = 0
        self.built = 0
        self.values: npt.NDArray[np.uint64] = np.zeros(1024, dtype=np.uint64)
        self.owners: npt.NDArray[np.uint32] = np.zeros(1024, dtype=np.uint32)
        self.times: npt.NDArray[np.int32] = np.zeros(1024, dtype=np.int32)
        self.views: npt.NDArray[np.uint8] = np.zeros(1024, dtype=np.uint8)
        self.index: MultiIndex | None = None
        #: The built part's runs: owner ``o``'s rows are ``owner_offsets[o]`` up to
        #: ``owner_offsets[o + 1]`` (owners numbered since the build have none there).
        self.owner_offsets: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)

    @property
    def tail(self) -> int:
        return self.n - self.built

    def wants_build(self) -> bool:
        return self.tail > max(TAIL_MIN, int(self.built * TAIL_SHARE))

    def extend(self, values: Any, owners: Any, times: Any, views: Any = 0) -> None:
        need = self.n + len(values)
        if need > len(self.values):
            capacity = headroom(need)
            self.values = grown(self.values, capacity)
            self.owners = grown(self.owners, capacity)
            self.times = grown(self.times, capacity)
            self.views = grown(self.views, capacity)
        self.values[self.n : need] = values
        self.owners[self.n : need] = owners
        self.times[self.n : need] = times
        self.views[self.n : need] = views
        self.n = need

    def build(self, alive: npt.NDArray[np.bool_]) -> None:
        """Fold the tail in: drop dead owners' rows, order by owner, index the hashes."""
        keep = np.flatnonzero(alive[self.owners[: self.n]])
        order = keep[sorted_order(self.owners[keep].astype(np.uint64))]
        k = len(order)
        for name in ("values", "owners", "times", "views"):
            ordered = grown(getattr(self, name)[order], headroom(k))  # its capacity trimmed
            setattr(self, name, ordered)
        self.n = self.built = k
        self.index = MultiIndex(self.values[:k])
        counts = np.bincount(self.owners[:k], minlength=len(alive))
        self.owner_offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """What a snapshot keeps of the table (``from_arrays`` takes it back)."""
        n = self.n
        out: dict[str, npt.NDArray[Any]] = {
            "values": self.values[:n],
            "owners": self.owners[:n],
            "times": self.times[:n],
            "views": self.views[:n],
            "owner_offsets": self.owner_offsets,
            "counts": np.array([n, self.built], dtype=np.int64),
        }
        if self.index is not None:
            orders, offsets = self.index.arrays()
            for j, (order, offset) in enumerate(zip(orders, offsets, strict=True)):
                out[f"order{j}"], out[f"offsets{j}"] = order, offset
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[Any]], owners: int, views: int) -> Table:
        """A table from :meth:`arrays` (memory-mapped, say), checked against ``owners``
        media and ``views`` view kinds: ``ValueError`` (or ``KeyError``) if it does not hold
        together. The arrays are used as they are until the table grows."""
        n, built = (int(c) for c in arrays["counts"])
        table = cls()
        for name, dtype in (
            ("values", np.uint64),
            ("owners", np.uint32),
            ("times", np.int32),
            ("views", np.uint8),
        ):
            array = arrays[name]
            if array.dtype != dtype or array.shape != (n,):
                raise ValueError(f"the table's {name} are not {n} rows of {np.dtype(dtype)}")
            setattr(table, name, array)
        if not 0 <= built <= n:
            raise ValueError("the table's built part is out of range")
        if n and (int(table.owners.max()) >= owners or int(table.views.max()) >= views):
            raise ValueError("the table names media or views it does not have")
        offsets = arrays["owner_offsets"]
        if offsets.dtype != np.int64 or len(offsets) == 0 or int(offsets[-1]) != built:
            raise ValueError("the table's media runs do not cover its built part")
        if offsets[0] != 0 or bool((np.diff(offsets) < 0).any()) or len(offsets) > owners + 1:
            raise ValueError("the table's media runs are out of order")
        table.n, table.built, table.owner_offsets = n, built, offsets
        if built:
            table.index = MultiIndex.from_arrays(
                built,
                [arrays[f"order{j}"] for j in range(len(CHUNKS))],
                [arrays[f"offsets{j}"] for j in range(len(CHUNKS))],
            )
        return table

    def near(
        self, value: int, limits: npt.NDArray[np.uint8], alive: npt.NDArray[np.bool_]
    ) -> Found:
        """The live rows within their view's limit (``limits[view code]``) of ``value``,
        in row order, and their distances: exactly the rows a scan of every row finds."""
        radius = int(limits.max())
        query = np.uint64(value)
        parts = []
        candidates = self.index.candidates(value, radius) if self.index is not None else None
        if candidates is None:  # nothing built, or a radius a scan answers faster
            candidates = np.arange(self.built, dtype=np.intp)
        parts.append(candidates)
        parts.append(np.arange(self.built, self.n, dtype=np.intp))
        rows = np.concatenate(parts)
        d = np.bitwise_count(self.values[rows] ^ query)
        close = d <= radius  # few: then each by its view and its owner
        rows, d = rows[close], d[close]
        hit = (d <= limits[self.views[rows]]) & alive[self.owners[rows]]
        rows, first = np.unique(rows[hit], return_index=True)  # a row found by two chunks
        return rows, d[hit][first]

    def rows_of(self, owner: int) -> npt.NDArray[np.intp]:
        """Every row of ``owner`` (its run in the built part, and any in the tail)."""
        run = np.zeros(0, dtype=np.intp)
        if owner + 1 < len(self.owner_offsets):
            start, end = self.owner_offsets[owner], self.owner_offsets[owner + 1]
            run = np.arange(start, end, dtype=np.intp)
        tail = np.flatnonzero(self.owners[self.built : self.n] == owner) + self.built
        return np.concatenate((run, tail))

    @property
    def nbytes(self) -> int:
        arrays = (self.values, self.owners, self.times, self.views, self.owner_offsets)
        return sum(a.nbytes for a in arrays) + (self.index.nbytes if self.index else 0)
