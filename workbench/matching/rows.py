"""One hash algorithm's rows in the seen-before index, and the search over them.

Parallel arrays, a row each: the 64-bit hash (``uint64``), its owner (``uint32``: the
media's number in the index, which keeps each media's UUID once), a time in ms (``int32``:
a video frame's; -1 for a picture) and the view hashed (``uint8``, a code into
``VIEW_KINDS``): 17 bytes a row.

The rows are in two parts, numbered on: the *built* part, rows ``[0, built)``, ordered by
owner (a media's rows are one run, found by ``owner_offsets``), indexed by a
``MultiIndex`` (``workbench.matching.mih``, 12 bytes a row more) and never written again
(a snapshot's memory-mapped files serve it as they are); and the *tail*, rows
``[built, n)``, added since, in arrays of their own that grow in amortised chunks (adding
a picture never copies the built part) and are scanned. When that tail grows past ``TAIL_SHARE`` of
the built part (and ``TAIL_MIN`` rows), :meth:`Table.build` folds it in, dropping the rows
of media removed meanwhile (a removed media's rows stay until then, and every search
leaves them out by its owner's ``alive`` flag).

Uses numpy, ``mih`` and ``owners`` only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.matching.mih import MultiIndex, chunks_for, sorted_order
from workbench.matching.owners import grown, headroom

#: The scanned tail is folded into the built part past this many rows...
TAIL_MIN = 1 << 18
#: ...and past this share of the built part (a scan of 1/16 of a million pictures' rows
#: costs a couple of milliseconds; a build of 31 million rows about ten seconds).
TAIL_SHARE = 1 / 16

Found = tuple[npt.NDArray[np.intp], npt.NDArray[np.uint8]]  # rows, their distances


class Table:
    COLUMNS = ("values", "owners", "times", "views")

    def __init__(self) -> None:
        self.built = 0
        self.values: npt.NDArray[np.uint64] = np.zeros(0, dtype=np.uint64)
        self.owners: npt.NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)
        self.times: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self.views: npt.NDArray[np.uint8] = np.zeros(0, dtype=np.uint8)
        self.index: MultiIndex | None = None
        #: The built part's runs: owner ``o``'s rows are ``owner_offsets[o]`` up to
        #: ``owner_offsets[o + 1]`` (owners numbered since the build have none there).
        self.owner_offsets: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self.tail = 0  # rows in the tail
        self._tail = {
            name: np.zeros(1024, dtype=getattr(self, name).dtype) for name in self.COLUMNS
        }

    @property
    def n(self) -> int:
        return self.built + self.tail

    def wants_build(self) -> bool:
        return self.tail > max(TAIL_MIN, int(self.built * TAIL_SHARE))

    def extend(self, values: Any, owners: Any, times: Any, views: Any = 0) -> None:
        need = self.tail + len(values)
        if need > len(self._tail["values"]):
            self._tail = {name: grown(a, headroom(need)) for name, a in self._tail.items()}
        for name, given in zip(self.COLUMNS, (values, owners, times, views), strict=True):
            self._tail[name][self.tail : need] = given
        self.tail = need

    def column(self, name: str) -> npt.NDArray[Any]:
        """One column of every row, built part then tail (a copy: for tools and tests)."""
        return np.concatenate((getattr(self, name), self._tail[name][: self.tail]))

    def take(self, name: str, rows: npt.NDArray[np.intp]) -> npt.NDArray[Any]:
        """Column ``name`` at row numbers ``rows`` (of either part)."""
        built = getattr(self, name)
        out = np.empty(len(rows), dtype=built.dtype)
        inside = rows < self.built
        out[inside] = built[rows[inside]]
        out[~inside] = self._tail[name][rows[~inside] - self.built]
        return out

    def build(self, alive: npt.NDArray[np.bool_]) -> None:
        """Fold the tail in: drop dead owners' rows, order by owner, index the hashes."""
        owners = self.column("owners")
        keep = np.flatnonzero(alive[owners])
        order = keep[sorted_order(owners[keep].astype(np.uint64))]
        for name in self.COLUMNS:
            setattr(self, name, self.column(name)[order])
        self.built, self.tail = len(order), 0
        self._tail = {name: np.zeros(1024, dtype=a.dtype) for name, a in self._tail.items()}
        self.index = MultiIndex(self.values)
        counts = np.bincount(self.owners, minlength=len(alive))
        self.owner_offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """What a snapshot keeps of the table (``from_arrays`` takes it back)."""
        out: dict[str, npt.NDArray[Any]] = {
            name: self.column(name) if self.tail else getattr(self, name) for name in self.COLUMNS
        }
        out["owner_offsets"] = self.owner_offsets
        out["counts"] = np.array([self.n, self.built], dtype=np.int64)
        if self.index is not None:
            orders, offsets = self.index.arrays()
            for j, (order, offset) in enumerate(zip(orders, offsets, strict=True)):
                out[f"order{j}"], out[f"offsets{j}"] = order, offset
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[Any]], owners: int, views: int) -> Table:
        """A table from :meth:`arrays` (memory-mapped, say), checked against ``owners``
        media and ``views`` view kinds: ``ValueError`` (or ``KeyError``) if it does not hold
        together. The built part is used in place; the tail is copied into its own arrays."""
        n, built = (int(c) for c in arrays["counts"])
        if not 0 <= built <= n:
            raise ValueError("the table's built part is out of range")
        table = cls()
        columns = {}
        for name, dtype in zip(
            cls.COLUMNS, (np.uint64, np.uint32, np.int32, np.uint8), strict=True
        ):
            array = arrays[name]
            if array.dtype != dtype or array.shape != (n,):
                raise ValueError(f"the table's {name} are not {n} rows of {np.dtype(dtype)}")
            columns[name] = array
        if n and (int(columns["owners"].max()) >= owners or int(columns["views"].max()) >= views):
            raise ValueError("the table names media or views it does not have")
        offsets = arrays["owner_offsets"]
        if offsets.dtype != np.int64 or len(offsets) == 0 or int(offsets[-1]) != built:
            raise ValueError("the table's media runs do not cover its built part")
        if offsets[0] != 0 or bool((np.diff(offsets) < 0).any()) or len(offsets) > owners + 1:
            raise ValueError("the table's media runs are out of order")
        for name, array in columns.items():
            setattr(table, name, array[:built])
        table.extend(*(np.array(columns[name][built:]) for name in cls.COLUMNS))
        table.built, table.owner_offsets = built, offsets
        if built:
            tables = range(len(chunks_for(built)))
            table.index = MultiIndex.from_arrays(
                built,
                [arrays[f"order{j}"] for j in tables],
                [arrays[f"offsets{j}"] for j in tables],
            )
        return table

    def near(
        self, value: int, limits: npt.NDArray[np.uint8], alive: npt.NDArray[np.bool_]
    ) -> Found:
        """The live rows within their view's limit (``limits[view code]``) of ``value``,
        in row order, and their distances: exactly the rows a scan of every row finds."""
        radius = int(limits.max())
        query = np.uint64(value)
        candidates = self.index.candidates(value, radius) if self.index is not None else None
        if candidates is None:  # nothing built, or a radius a scan answers faster
            candidates = np.arange(self.built, dtype=np.intp)
        parts = []
        for rows, values, views, owners, first in (
            (candidates, self.values, self.views, self.owners, 0),
            (
                np.arange(self.tail, dtype=np.intp),
                self._tail["values"],
                self._tail["views"],
                self._tail["owners"],
                self.built,
            ),
        ):
            d = np.bitwise_count(values[rows] ^ query)
            close = d <= radius  # few: then each by its view and its owner
            rows, d = rows[close], d[close]
            hit = (d <= limits[views[rows]]) & alive[owners[rows]]
            parts.append((rows[hit] + first, d[hit]))
        rows = np.concatenate([r for r, _ in parts])
        d = np.concatenate([d for _, d in parts])
        rows, once = np.unique(rows, return_index=True)  # a row found by two chunks
        return rows, d[once]

    def rows_of(self, owner: int) -> npt.NDArray[np.intp]:
        """Every row of ``owner`` (its run in the built part, and any in the tail)."""
        run = np.zeros(0, dtype=np.intp)
        if owner + 1 < len(self.owner_offsets):
            start, end = self.owner_offsets[owner], self.owner_offsets[owner + 1]
            run = np.arange(start, end, dtype=np.intp)
        tail = np.flatnonzero(self._tail["owners"][: self.tail] == owner) + self.built
        return np.concatenate((run, tail))

    @property
    def nbytes(self) -> int:
        arrays = [getattr(self, name) for name in self.COLUMNS] + list(self._tail.values())
        arrays.append(self.owner_offsets)
        return sum(a.nbytes for a in arrays) + (self.index.nbytes if self.index else 0)
