#!/usr/bin/env python3
""" "Seen before" query latency: one pHash against 1,000,000 stored 64-bit hashes.

Measures ``workbench.matching.index.HashIndex.query`` at ``DEFAULT_MAX_DISTANCE`` over 1,000,000
random hashes (numpy, fixed seed; one media per hash, uuid4-style ids as the workspace
uses), with a few near neighbours planted per query so every query returns hits:

* median and p95 latency over 200 queries;
* memory: ``HashIndex.nbytes`` and the growth of the process RSS while the index is built
  (media ids arrive as 16 raw bytes each, as the workspace reads them from the database);
* the same queries against a plain BK-tree (written below) holding the same hashes.

Targets (from the issue): median <= 5 ms, memory <= 64 MB, >= 100x faster than a BK-tree.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from machine import describe, load_average, rss_mb  # noqa: E402

from workbench.matching.index import (  # noqa: E402
    DEFAULT_MAX_DISTANCE,
    ID_DTYPE,
    NO_TIME,
    VIEW_KINDS,
    HashIndex,
)

N_HASHES = 1_000_000
N_QUERIES = 200
N_BK_QUERIES = 20
PLANTED = 3  # near neighbours planted per query, at distances 0..DEFAULT_MAX_DISTANCE
SEED = 20240601
TARGET_MEDIAN_MS = 5.0
TARGET_MEMORY_MB = 64.0
TARGET_SPEEDUP = 100.0

Node = list[Any]  # [value, row, {distance: child} | None]
T = TypeVar("T")


class BKTree:
    """A textbook Burkhard-Keller tree over Hamming distance (the baseline)."""

    def __init__(self) -> None:
        self.root: Node | None = None

    def add(self, value: int, row: int) -> None:
        if self.root is None:
            self.root = [value, row, None]
            return
        node = self.root
        while True:
            d = (node[0] ^ value).bit_count()
            children = node[2]
            if children is None:
                node[2] = {d: [value, row, None]}
                return
            child = children.get(d)
            if child is None:
                children[d] = [value, row, None]
                return
            node = child

    def query(self, value: int, radius: int) -> list[tuple[int, int]]:
        """(distance, row) of every stored value within ``radius``, nearest first."""
        out: list[tuple[int, int]] = []
        stack = [self.root] if self.root is not None else []
        while stack:
            node = stack.pop()
            d = (node[0] ^ value).bit_count()
            if d <= radius:
                out.append((d, node[1]))
            if node[2] is not None:
                lo, hi = d - radius, d + radius
                stack.extend(c for k, c in node[2].items() if lo <= k <= hi)
        return sorted(out)


def machine() -> str:
    return describe(f"numpy {np.__version__}")


def data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(stored hashes, query hashes), with PLANTED near neighbours of each query stored."""
    values = rng.integers(0, 2**64, size=N_HASHES, dtype=np.uint64)
    queries = rng.integers(0, 2**64, size=N_QUERIES, dtype=np.uint64)
    rows = rng.choice(N_HASHES, size=(N_QUERIES, PLANTED), replace=False)
    for q, targets in zip(queries, rows, strict=True):
        for row in targets:
            k = int(rng.integers(0, DEFAULT_MAX_DISTANCE + 1))
            mask = sum(1 << b for b in rng.choice(64, size=k, replace=False).tolist())
            values[row] = np.uint64(int(q) ^ mask)
    return values, queries


def timed_ms(fn: Callable[..., T], *args: Any) -> tuple[float, T]:
    t0 = time.perf_counter()
    result = fn(*args)
    return 1000 * (time.perf_counter() - t0), result


def main() -> None:
    print(f"machine: {machine()}; load average {load_average()} at start")
    rng = np.random.default_rng(SEED)
    values, queries = data(rng)
    ids = np.frombuffer(rng.bytes(16 * N_HASHES), dtype=ID_DTYPE)
    times = np.full(N_HASHES, NO_TIME, dtype=np.int32)
    base_rss = rss_mb()
    index = HashIndex()
    t0 = time.perf_counter()
    index.bulk_load("phash", ids, values, times)
    load_s = time.perf_counter() - t0
    index_rss = rss_mb()

    def row_of(media_id: str) -> int:
        key = np.frombuffer(uuid.UUID(media_id).bytes, dtype=ID_DTYPE)[0]
        return int(np.flatnonzero(ids == key)[0])

    qs = [int(q) for q in queries]
    for q in qs[:5]:  # warm-up
        index.query(q)
    lat: list[float] = []
    hits: list[list[int]] = []
    for q in qs:
        ms, result = timed_ms(index.query, q, "phash", DEFAULT_MAX_DISTANCE)
        lat.append(ms)
        hits.append(sorted(row_of(h.media_id) for h in result))
    lat_sorted = sorted(lat)
    median = statistics.median(lat)
    p95 = statistics.quantiles(lat, n=20)[-1]
    mean_hits = sum(map(len, hits)) / len(hits)

    t0 = time.perf_counter()
    tree = BKTree()
    for row, value in enumerate(values.tolist()):
        tree.add(value, row)
    build_s = time.perf_counter() - t0
    bk_lat: list[float] = []
    for i, q in enumerate(qs[:N_BK_QUERIES]):
        ms, found = timed_ms(tree.query, q, DEFAULT_MAX_DISTANCE)
        bk_lat.append(ms)
        if sorted(row for _, row in found) != hits[i]:
            raise SystemExit(f"query {i}: BK-tree and HashIndex disagree")
    bk_median = statistics.median(bk_lat)
    same_median = statistics.median(lat[:N_BK_QUERIES])
    speedup = bk_median / same_median

    # A picture's whole lookup, as ingest and ``match`` make it: its whole and its region,
    # each by pHash and dHash, against 1M rows per hash of mixed views (what a library of
    # ~32,000 pictures at 31 views holds), with the both-hashes confirmation.
    views = rng.integers(0, len(VIEW_KINDS), size=N_HASHES).astype(np.uint8)
    picture_index = HashIndex()
    picture_index.bulk_load("phash", ids, values, times, views)
    picture_index.bulk_load("dhash", ids, values[::-1].copy(), times, views)
    lookups = [[(a, q, v) for a in ("phash", "dhash") for v in ("whole", "region")] for q in qs]
    picture_lat = [timed_ms(picture_index.nearest, lk)[0] for lk in lookups]
    picture_median = statistics.median(picture_lat)

    nbytes_mb = index.nbytes / 2**20
    growth = index_rss - base_rss
    print(f"data:    {N_HASHES:,} random 64-bit hashes, {PLANTED} planted neighbours per query")
    print(f"         bulk_load {load_s:.2f} s; BK-tree build {build_s:.1f} s")
    print()
    print(f"{'measure':<48} {'value':>12}")
    print(f"{f'HashIndex.query median ({N_QUERIES} queries, d<=10)':<48} {median:>9.2f} ms")
    print(f"{'HashIndex.query p95':<48} {p95:>9.2f} ms")
    print(f"{'HashIndex.query min / max':<48} {lat_sorted[0]:>5.2f}/{lat_sorted[-1]:.2f} ms")
    print(f"{'hits per query (mean)':<48} {mean_hits:>12.2f}")
    label = "HashIndex.nearest, a picture (4 lookups), median"
    print(f"{label:<48} {picture_median:>9.2f} ms")
    print(f"{'  p95':<48} {statistics.quantiles(picture_lat, n=20)[-1]:>9.2f} ms")
    print(f"{f'BK-tree median ({N_BK_QUERIES} queries)':<48} {bk_median:>9.1f} ms")
    print(f"{f'HashIndex median, same {N_BK_QUERIES} queries':<48} {same_median:>9.2f} ms")
    print(f"{'speed-up over BK-tree':<48} {speedup:>11.0f}x")
    print(f"{'HashIndex.nbytes (numpy arrays)':<48} {nbytes_mb:>9.1f} MB")
    print(f"{'RSS growth while the index is built':<48} {growth:>9.1f} MB")
    print(f"{'peak RSS of the process (VmHWM)':<48} {rss_mb('VmHWM'):>9.1f} MB")
    print()
    verdict = {True: "MET", False: "MISSED"}
    print(f"target median <= {TARGET_MEDIAN_MS:.0f} ms: {median:.2f} ms  {verdict[median <= 5]}")
    print(
        f"target memory <= {TARGET_MEMORY_MB:.0f} MB: nbytes {nbytes_mb:.1f} MB, RSS growth "
        f"{growth:.1f} MB  {verdict[max(nbytes_mb, growth) <= TARGET_MEMORY_MB]}"
    )
    ok = verdict[picture_median <= 10]
    print(f"target picture lookup <= 10 ms: {picture_median:.2f} ms  {ok}")
    print(f"target >= {TARGET_SPEEDUP:.0f}x BK-tree: {speedup:.0f}x  {verdict[speedup >= 100]}")


if __name__ == "__main__":
    main()
