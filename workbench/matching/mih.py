"""Exact Hamming range search over 64-bit hashes by multi-index hashing.

Norouzi, Punjani and Fleet (CVPR 2012): cut each hash into ``m`` chunks; two hashes
within ``r`` bits agree within ``r // m`` bits on at least one chunk (pigeonhole). So a
search looks, in each chunk's table, at the buckets whose key is within ``r // m`` bits of
the query's chunk, and checks every row found there against the whole hash: exact, with
no row within ``r`` missed, while it reads a few rows per bucket instead of all of them.

The chunks suit the number of rows (``chunks_for``): a bucket should hold a few rows and
the tables' offsets not outweigh the rows. Up to ``WIDE_FROM`` rows, four chunks of 16
bits (at the seen-before distance, 10, each probed within 2 bits: 137 buckets a chunk;
256 KB of offsets a chunk); from there, three of 21, 21 and 22 bits (probed within 3:
1,562 to 1,794 buckets a chunk; 33 MB of offsets). A chunk's table is a permutation of
the rows sorted by the chunk (``uint32``, 4 bytes a row) and where each key's run starts
(``2**bits + 1`` offsets). With hashes spread over their 64 bits a bucket holds about 15
rows at 31 million rows, so a search checks tens of thousands of rows, not millions. Where hashes
crowd together (a library of one post template) buckets grow and a search costs more,
never less exact; beyond ``MAX_RADIUS`` probing costs more than reading every row, and
``candidates`` says so (None) for the caller to scan.

Uses numpy only.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import numpy.typing as npt

#: (shift, bits) of each chunk, least significant last.
NARROW = ((48, 16), (32, 16), (16, 16), (0, 16))
WIDE = ((43, 21), (22, 21), (0, 22))
#: Tables of this many rows or more take the wide chunks.
WIDE_FROM = 1 << 23
Chunks = tuple[tuple[int, int], ...]


def chunks_for(rows: int) -> Chunks:
    return WIDE if rows >= WIDE_FROM else NARROW


#: Beyond this radius (5 bits a chunk: 28,000 buckets a chunk) a scan is cheaper.
MAX_RADIUS = 14

Rows = npt.NDArray[np.intp]


@functools.cache
def _masks(bits: int, radius: int) -> npt.NDArray[np.uint32]:
    """Every ``bits``-bit pattern of at most ``radius`` ones (the keys to XOR a chunk with)."""
    out = [0]
    for ones in range(1, radius + 1):
        out += [sum(1 << b for b in chosen) for chosen in itertools.combinations(range(bits), ones)]
    return np.array(out, dtype=np.uint32)


def sorted_order(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """The stable order of ``keys`` (each below 2**32) as row numbers: one sort of
    ``key << 32 | row`` (numpy's vectorised sort of 64-bit integers is several times faster
    than a stable argsort)."""
    rows = np.arange(len(keys), dtype=np.uint64)
    packed = np.sort((keys << np.uint64(32)) | rows)
    return (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32)


class MultiIndex:
    """The chunk tables of a fixed array of hashes (module docstring)."""

    def __init__(self, values: npt.NDArray[np.uint64] | None = None) -> None:
        self.rows = 0 if values is None else len(values)
        self.chunks = chunks_for(self.rows)
        self.orders: list[npt.NDArray[np.uint32]] = []
        self.offsets: list[npt.NDArray[np.uint32]] = []
        if values is None:  # filled by from_arrays
            return
        for shift, bits in self.chunks:
            keys = (values >> np.uint64(shift)) & np.uint64((1 << bits) - 1)
            self.orders.append(sorted_order(keys))
            counts = np.bincount(keys.astype(np.intp), minlength=1 << bits)
            self.offsets.append(np.concatenate(([0], np.cumsum(counts))).astype(np.uint32))

    @classmethod
    def from_arrays(
        cls, rows: int, orders: list[npt.NDArray[np.uint32]], offsets: list[npt.NDArray[np.uint32]]
    ) -> MultiIndex:
        """Tables kept by :meth:`arrays` (a snapshot's), checked: ``ValueError`` if they are
        not the tables of ``rows`` rows."""
        chunks = chunks_for(rows)
        if len(orders) != len(chunks) or len(offsets) != len(chunks):
            raise ValueError("not the multi-index's tables")
        for (_, bits), order, offset in zip(chunks, orders, offsets, strict=True):
            if order.dtype != np.uint32 or offset.dtype != np.uint32:
                raise ValueError("multi-index tables of the wrong type")
            if len(order) != rows or len(offset) != (1 << bits) + 1:
                raise ValueError("multi-index tables of the wrong size")
            if offset[0] != 0 or int(offset[-1]) != rows or bool((np.diff(offset) < 0).any()):
                raise ValueError("multi-index offsets out of order")
            if rows and int(order.max()) >= rows:
                raise ValueError("multi-index rows out of range")
        index = cls()
        index.rows, index.chunks = rows, chunks
        index.orders, index.offsets = list(orders), list(offsets)
        return index

    def arrays(self) -> tuple[list[npt.NDArray[np.uint32]], list[npt.NDArray[np.uint32]]]:
        return self.orders, self.offsets

    @property
    def nbytes(self) -> int:
        return sum(o.nbytes for o in self.orders) + sum(o.nbytes for o in self.offsets)

    def candidates(self, value: int, radius: int) -> Rows | None:
        """Row numbers that may be within ``radius`` bits of ``value`` (every row that is,
        some more than once, and others: the caller checks the whole hash); None when a
        scan of every row is the cheaper way (``MAX_RADIUS``)."""
        if radius > MAX_RADIUS:
            return None
        found = []
        tables = zip(self.chunks, self.orders, self.offsets, strict=True)
        for (shift, bits), order, offsets in tables:
            chunk = np.uint32((value >> shift) & ((1 << bits) - 1))
            keys = (_masks(bits, radius // len(self.chunks)) ^ chunk).astype(np.intp)
            starts = offsets[keys].astype(np.intp)
            lengths = offsets[keys + 1].astype(np.intp) - starts
            total = int(lengths.sum())
            if total == 0:
                continue
            # every position of every bucket's run, without a Python loop over buckets
            run_start = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
            found.append(order[run_start + np.arange(total)])
        if not found:
            return np.zeros(0, dtype=np.intp)
        return np.concatenate(found).astype(np.intp)
