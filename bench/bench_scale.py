#!/usr/bin/env python3
"""A desk's whole collection (issue 15): the seen-before index at 100k, 300k and 1M pictures.

    .venv/bin/python bench/bench_scale.py [--sizes 100000,300000,1000000] [--queries 200]

Each library has the real per-picture row structure: per hash algorithm the 31 stored
views of ``hashing.stored_views`` (the whole, mirrored, three turns, 24 crops, two tilts;
one picture in ten framed, with its content region: 32), loaded as the workspace loads
them (``bulk_load`` in chunks, then ``build``). The hashes are synthetic (a crop lands a
few bits from its whole, a turn anywhere), as timing allows; real pictures
(``tests/data``: photographs, camera JPEGs, near-duplicate sets) are planted among them,
and their copies (a re-encoded smaller JPEG, a crop, a mirror) are looked up and must
find them, with the same answer as a scan of every row, or the benchmark fails.

A picture's complete lookup is ``HashIndex.nearest`` of its lookups (pHash and dHash of
its whole, and of its content region when framed), as an ingest makes it; the queries are
fresh synthetic pictures (most ingests meet nothing) and the real copies. Baselines in the
same run, on the same rows: faiss ``IndexBinaryFlat`` range search (the pHash rows in one
index, the dHash rows in another; a picture's time is the sum over its lookups), and the
scan every row the index did before (one popcount over the table per lookup).

Also printed: the index's memory (``nbytes``) and the process's resident growth; the
first open's load and build; and the index's share of an ingest: a 12 MP JPEG analysed
and looked up, into an empty library and into the largest.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import faiss  # noqa: E402
import numpy as np  # noqa: E402
from machine import describe, load_average, rss_mb  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from workbench.library.analysis import Analysis, analyse_file  # noqa: E402
from workbench.library.seen_before import lookups as seen_lookups  # noqa: E402
from workbench.matching.index import (  # noqa: E402
    DEFAULT_MAX_DISTANCE,
    ID_DTYPE,
    NO_TIME,
    VIEW_KINDS,
    HashIndex,
    Lookup,
    view_codes,
)

DATA = ROOT / "tests" / "data"
REAL = [
    path
    for path in (
        *sorted((DATA / "skimage").glob("*.png")),
        *sorted((DATA / "exif").glob("*.jpg")),
        DATA / "neardup" / "peppers.png",
        DATA / "neardup" / "bigbuckbunny.png",
    )
    if min(Image.open(path).size) >= 64  # not the 8x8 EXIF sample
]
SEED = 20261207
CHUNK = 50_000  # pictures generated and loaded at a time
FRAMED_SHARE = 0.1
#: One picture's stored views per algorithm, in ``stored_views`` order.
LAYOUT = ["whole", "mirrored", "rotated_90", "rotated_180", "rotated_270"]
LAYOUT += ["cropped"] * 24 + ["tilted"] * 2
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_VS_FAISS = 10.0, 25.0, 2.0
TARGET_MEMORY_MB = 600.0


def synthetic(rng: np.random.Generator, pictures: int) -> dict[str, tuple[Any, ...]]:
    """Rows of ``pictures`` synthetic pictures per algorithm: (ids, values, times, views)."""
    ids = np.frombuffer(rng.bytes(16 * pictures), dtype=ID_DTYPE)
    framed = rng.random(pictures) < FRAMED_SHARE
    per = len(LAYOUT)
    codes = np.tile(view_codes(LAYOUT), pictures)
    codes[::per][framed] = VIEW_KINDS.index("framed")
    out = {}
    for algorithm in ("phash", "dhash"):
        whole = rng.integers(0, 2**64, pictures, dtype=np.uint64, endpoint=False)
        values = rng.integers(0, 2**64, pictures * per, dtype=np.uint64, endpoint=False)
        values[::per] = whole
        crops = np.flatnonzero(codes == VIEW_KINDS.index("cropped"))
        flips = np.zeros(len(crops), dtype=np.uint64)  # a crop: 3-12 bits off its whole
        for _ in range(12):
            bit = rng.integers(0, 64, len(crops)).astype(np.uint64)
            use = rng.random(len(crops)) < 0.7
            flips[use] ^= np.uint64(1) << bit[use]
        values[crops] = whole[crops // per] ^ flips
        region_ids = ids[framed]  # a framed picture's region: one more row
        all_ids = np.concatenate([np.repeat(ids, per), region_ids])
        all_values = np.concatenate(
            [values, rng.integers(0, 2**64, len(region_ids), dtype=np.uint64, endpoint=False)]
        )
        all_views = np.concatenate(
            [codes, np.full(len(region_ids), VIEW_KINDS.index("region"), dtype=np.uint8)]
        )
        times = np.full(len(all_ids), NO_TIME, dtype=np.int32)
        out[algorithm] = (all_ids, all_values, times, all_views)
    return out


def query_lookups(rng: np.random.Generator, count: int) -> list[list[Lookup]]:
    """Fresh pictures' lookups: pHash and dHash of the whole (and the region when framed)."""
    out = []
    for _ in range(count):
        framed = rng.random() < FRAMED_SHARE
        views = ["framed", "region"] if framed else ["whole"]
        out.append(
            [
                (algorithm, int(rng.integers(0, 2**63)), view, None)
                for algorithm in ("phash", "dhash")
                for view in views
            ]
        )
    return out


def copies(path: Path) -> list[tuple[str, Image.Image]]:
    """The copies of a real picture an analyst meets: smaller and re-encoded, cropped, mirrored."""
    picture = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    width, height = picture.size
    small = picture.resize((max(width * 6 // 10, 32), max(height * 6 // 10, 32)))
    cropped = picture.crop((width // 10, 0, width, height))
    return [("re-encoded", small), ("cropped", cropped), ("mirrored", ImageOps.mirror(picture))]


def analysed(picture: Image.Image, folder: Path, name: str) -> Analysis:
    path = folder / f"{name}.jpg"
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=70)
    path.write_bytes(out.getvalue())
    return analyse_file(path)


def timed(function: Any, *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def faiss_lookup(indexes: dict[str, Any], lookups: list[Lookup], radius: int) -> int:
    """The same lookups by faiss's exact binary index: how many rows within ``radius``."""
    rows = 0
    for algorithm, value, *_ in lookups:
        query = np.array([value], dtype=np.uint64).view(np.uint8).reshape(1, 8)
        _, _, found = indexes[algorithm].range_search(query, radius + 1)  # faiss: d < radius
        rows += len(found)
    return rows


def run(size: int, queries: int, folder: Path) -> dict[str, float]:
    rng = np.random.default_rng(SEED + size)
    index = HashIndex()
    flat = {a: faiss.IndexBinaryFlat(64) for a in ("phash", "dhash")}
    before = rss_mb()
    load_s = 0.0
    planted: dict[str, tuple[Path, list[tuple[str, int, str]]]] = {}  # id -> file, hashes
    middle = (size // CHUNK) // 2  # the real pictures go in among the synthetic ones
    for chunk_no, start in enumerate(range(0, size, CHUNK)):
        rows = synthetic(rng, min(CHUNK, size - start))
        t0 = time.perf_counter()
        for algorithm, (ids, values, times, views) in rows.items():
            index.bulk_load(algorithm, ids, values, times, views)
        load_s += time.perf_counter() - t0
        for algorithm, (_ids, values, _times, _views) in rows.items():
            flat[algorithm].add(values.view(np.uint8).reshape(-1, 8))
        if chunk_no == middle:
            for n, path in enumerate(REAL):
                media_id = f"{n + 1:08x}-0000-4000-8000-000000000000"
                hashes = [(h.algorithm, h.value, h.view) for h in analyse_file(path).hashes]
                planted[media_id] = path, hashes
                index.add_views(media_id, hashes)
                for algorithm in ("phash", "dhash"):
                    mine = np.array([v for a, v, _ in hashes if a == algorithm], dtype=np.uint64)
                    flat[algorithm].add(mine.view(np.uint8).reshape(-1, 8))
    _, build_s = timed(index.build)
    grown = rss_mb() - before
    rows = index.row_count("phash") + index.row_count("dhash")

    # The real copies must find their originals in the library as they do among the real
    # pictures alone (the synthetic rows may add hits, never take one away).
    alone = HashIndex()
    for media_id, (_path, hashes) in planted.items():
        alone.add_views(media_id, hashes)
    found = missed = 0
    real_lookups = []
    for media_id, (path, _hashes) in planted.items():
        name = path.name
        for kind, copy in copies(path):
            lookups = seen_lookups(analysed(copy, folder, f"{name}-{kind}"))
            real_lookups.append(lookups)
            if media_id not in {hit.media_id for hit in alone.nearest(lookups)}:
                continue  # a copy the hashes alone do not find (local features do)
            if media_id in {hit.media_id for hit in index.nearest(lookups)}:
                found += 1
            else:
                missed += 1
                print(f"  not found: {name} {kind}")
    scan_check = HashIndex()
    for algorithm, table in index._rows.items():  # the same rows, never built: a scan
        scan_check.bulk_load(
            algorithm,
            index._owners.ids[table.column("owners")],
            table.column("values"),
            table.column("times"),
            table.column("views"),
        )
    for lookups in real_lookups[:10]:
        built = [(h.media_id, h.distance, h.view) for h in index.nearest(lookups)]
        assert built == [(h.media_id, h.distance, h.view) for h in scan_check.nearest(lookups)]
    del scan_check

    fresh = query_lookups(rng, queries) + real_lookups
    lookup_ms = []
    for lookups in fresh:
        _, seconds = timed(index.nearest, lookups, DEFAULT_MAX_DISTANCE)
        lookup_ms.append(seconds * 1000)
    step = max(1, len(fresh) // 40)  # the baselines are slow: every step-th picture
    sample = fresh[::step]
    faiss_ms, scan_ms = [], []
    for lookups in sample:
        _, seconds = timed(faiss_lookup, flat, lookups, DEFAULT_MAX_DISTANCE)
        faiss_ms.append(seconds * 1000)
        start = time.perf_counter()
        for algorithm, value, *_ in lookups:  # the index before: every row, every lookup
            table = index._rows[algorithm]  # (built: no tail to scan)
            np.flatnonzero(np.bitwise_count(table.values ^ np.uint64(value)) <= 10)
        scan_ms.append((time.perf_counter() - start) * 1000)
    median = statistics.median(lookup_ms)
    sampled_median = statistics.median(lookup_ms[::step])
    figures = {
        "pictures": size,
        "rows": rows,
        "median_ms": median,
        "p95_ms": percentile(lookup_ms, 0.95),
        "faiss_ms": statistics.median(faiss_ms),
        "scan_ms": statistics.median(scan_ms),
        "vs_faiss": statistics.median(faiss_ms) / sampled_median,
        "memory_mb": index.nbytes / 2**20,
        "rss_mb": grown,
        "load_s": load_s,
        "build_s": build_s,
        "found": found,
        "missed": missed,
    }
    print(
        f"{size:>9,} pictures {rows / 1e6:6.1f} M rows | lookup median {median:6.2f} ms"
        f" p95 {figures['p95_ms']:6.2f} ms | faiss flat {figures['faiss_ms']:7.1f} ms"
        f" ({figures['vs_faiss']:.1f}x) | scan {figures['scan_ms']:7.1f} ms"
        f" | index {figures['memory_mb']:6.0f} MB (RSS +{grown:.0f} MB)"
        f" | load {load_s:5.1f} s, build {build_s:5.1f} s | copies found {found}/{found + missed}"
    )
    ingest_share(index, folder, figures)
    return figures


def ingest_share(index: HashIndex, folder: Path, figures: dict[str, float]) -> None:
    """A 12 MP JPEG's analysis and lookup (the index's part of an ingest), into an empty
    library and into this one: the rate's ratio."""
    photo = Image.open(DATA / "skimage" / "coffee.png").convert("RGB").resize((4000, 3000))
    path = folder / "12mp.jpg"
    photo.save(path, "JPEG", quality=90)
    empty = HashIndex()
    times = {}
    for name, target in (("empty", empty), ("library", index)):
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            analysis = analyse_file(path)
            target.nearest(seen_lookups(analysis), DEFAULT_MAX_DISTANCE)
            samples.append(time.perf_counter() - start)
        times[name] = min(samples)
    figures["ingest_ratio"] = times["empty"] / times["library"]
    print(
        f"          12 MP JPEG analysed and looked up: {times['empty'] * 1000:.0f} ms into an"
        f" empty library, {times['library'] * 1000:.0f} ms into this one"
        f" (rate {figures['ingest_ratio']:.0%} of the empty one's)"
    )


def build_workspace(folder: Path, pictures: int) -> Path:
    """A real SQLite workspace of ``pictures`` pictures' media rows and hash rows (the row
    structure above), written straight into the database; reused when it exists."""
    import sqlite3

    from workbench.workspace import SQLITE_FILE, Workspace

    done = folder / "bench-scale.done"
    if done.is_file() and done.read_text() == str(pictures):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    Workspace.open(folder, analyst="bench").close()  # the schema, by the real migrations
    database = sqlite3.connect(folder / SQLITE_FILE)
    database.execute("PRAGMA synchronous=OFF")
    database.execute("DROP INDEX ix_media_hashes_media_id")  # made once, after the rows
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    for start in range(0, pictures, CHUNK):
        rows = synthetic(rng, min(CHUNK, pictures - start))
        ids = rows["phash"][0]
        hexes = [bytes(i).hex() for i in np.unique(ids)]
        database.executemany(
            "INSERT INTO media (id, sha256, kind, mime, byte_size, original_name,"
            " acquired_at, acquired_from, acquired_by, exif, seen_before, low_information)"
            " VALUES (?, ?, 'image', 'image/jpeg', 1000, 'p.jpg', '2026-01-01 00:00:00.000000',"
            " '', 'bench', '{}', 0, 0)",
            [(h, h + h) for h in hexes],
        )
        for algorithm, (ids, values, _times, views) in rows.items():
            database.executemany(
                "INSERT INTO media_hashes (media_id, algorithm, value, t_ms, view)"
                " VALUES (?, ?, ?, NULL, ?)",
                zip(
                    [bytes(i).hex() for i in ids],
                    [algorithm] * len(ids),
                    values.view(np.int64).tolist(),
                    [VIEW_KINDS[c] for c in views.tolist()],
                    strict=True,
                ),
            )
        database.commit()
        print(f"  workspace: {start + CHUNK:,} pictures written", file=sys.stderr)
    database.execute("CREATE INDEX ix_media_hashes_media_id ON media_hashes (media_id)")
    database.commit()
    database.close()
    print(f"  workspace written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    done.write_text(str(pictures))
    return folder


def open_figures(folder: Path, pictures: int) -> None:
    """The workspace opened as the app opens it: first without a snapshot (every row read,
    the index built, the snapshot written), then with it; and a colleague's new pictures
    reaching this instance's index through the change feed."""
    from workbench.library import index_store
    from workbench.team.changes import ChangeFeed
    from workbench.workspace import Workspace

    build_workspace(folder, pictures)
    shutil.rmtree(folder / "cache" / index_store.FOLDER, ignore_errors=True)
    shown = [0.0]

    def progress(done: int, total: int) -> None:
        shown[0] = done / total if total else 1.0

    ws, first_s = timed(lambda: Workspace.open(folder, analyst="bench", progress=progress))
    ws.close()
    ws, later_s = timed(lambda: Workspace.open(folder, analyst="bench"))
    try:
        feed = ChangeFeed(ws)
        colleague = Workspace.open(folder, analyst="colleague")
        try:
            paths = [ROOT / "tests" / "data" / "skimage" / n for n in ("coffee.png", "chelsea.png")]
            stored = colleague.media.ingest(paths)
        finally:
            colleague.close()
        _, poll_s = timed(feed.poll)
        found = all(r.media is not None and r.media.id in ws.index for r in stored)
    finally:
        ws.close()
    ingest_rates(folder, pictures)
    print(
        f"open {pictures:,} pictures (SQLite): first {first_s:.1f} s (progress reached"
        f" {shown[0]:.0%}), with the snapshot {later_s:.2f} s; a colleague's 2 new pictures"
        f" in this index {'after' if found else 'NOT after'} one poll of {poll_s * 1000:.0f} ms"
        " (the window polls every second)"
    )


def ingest_rates(folder: Path, pictures: int, files: int = 50) -> None:
    """50 camera-size JPEGs (``bench_ingest``'s) ingested end to end, as the window does
    it, into an empty workspace and into a copy of the big one (its snapshot included)."""
    from bench_ingest import generate

    from workbench.workspace import SQLITE_FILE, Workspace

    paths = generate()[:files]
    rates = {}
    for name in ("empty", "library"):
        target = folder.with_name(f"{folder.name}-{name}")
        shutil.rmtree(target, ignore_errors=True)
        if name == "library":
            target.mkdir()
            shutil.copyfile(folder / SQLITE_FILE, target / SQLITE_FILE)
            shutil.copytree(folder / "cache", target / "cache")
        ws = Workspace.open(target, analyst="bench")
        try:
            os.sync()  # the copy's dirty pages written out first, not during the ingest
            ws.media.match(paths[:1])  # the first lookups touch the snapshot's pages
            start = time.perf_counter()
            results = ws.media.ingest(paths)
            rates[name] = len(paths) / (time.perf_counter() - start)
            assert all(r.media is not None for r in results)
        finally:
            ws.close()
        shutil.rmtree(target, ignore_errors=True)
    print(
        f"ingest of {files} x 12 MP JPEGs: {rates['library']:.1f} images/s into {pictures:,}"
        f" pictures, {rates['empty']:.1f} into an empty workspace"
        f" ({rates['library'] / rates['empty']:.0%})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-scale"))
    parser.add_argument(
        "--open", type=int, default=1_000_000, help="pictures in the workspace opened (0: none)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(describe(f"numpy {np.__version__}", f"faiss {faiss.__version__}"), end="")
    print(f" (load {load_average()})")
    results = [run(int(s), args.queries, args.out) for s in args.sizes.split(",") if s]
    if args.open:
        open_figures(args.out / f"ws-{args.open}", args.open)
    if not results:
        return 0
    last = results[-1]
    ok = all(r["missed"] == 0 and r["found"] > 0 for r in results)
    verdicts = [
        ("median", last["median_ms"] <= TARGET_MEDIAN_MS),
        ("p95", last["p95_ms"] <= TARGET_P95_MS),
        ("vs faiss", last["vs_faiss"] >= TARGET_VS_FAISS),
        ("memory", last["memory_mb"] <= TARGET_MEMORY_MB),
        ("ingest", last["ingest_ratio"] >= 0.8),
    ]
    print(
        f"at {int(last['pictures']):,} pictures: "
        + ", ".join(f"{name} {'met' if met else 'MISSED'}" for name, met in verdicts)
    )
    if not ok:
        print("FAILED: a planted picture's copy was not found")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
