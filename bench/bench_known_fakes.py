#!/usr/bin/env python3
"""Known-fakes lists at scale (issue 16): a list of 1,000,000 hashes taken in, and ingest
with it loaded against ingest without.

    .venv/bin/python bench/bench_known_fakes.py [--hashes 1000000] [--pictures 120]

The list: 500,000 listed pictures (a pHash and a dHash each, random 64-bit values, as
``bench_index.py``'s), written as another desk's CSV in the documented format, with the
hashes of three real photos planted among them (they must be found, so a benchmark that
finds nothing cannot pass). Measured in one run, on a fresh SQLite workspace each:

* taking the list in (``KnownFakes.take_in``: CSV read and checked, rows inserted);
* the listed hashes' index read from the database (the first lookup after opening);
* ingest of the same pictures (distinct JPEGs cut from real photos, ~2 MP) into a
  workspace without lists and into one with the list, alternated, twice each: pictures a
  second (median), the ratio.

Targets: take-in <= 30 s; ingest with the list >= 90% of the rate without.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from machine import describe, load_average  # noqa: E402
from PIL import Image  # noqa: E402

from workbench.library.analysis import analyse_file  # noqa: E402
from workbench.library.known_fakes import COLUMNS, FORMAT  # noqa: E402
from workbench.workspace import Location, Workspace  # noqa: E402

PHOTOS = ("coffee.png", "astronaut.png", "chelsea.png", "rocket.jpg", "coins.png")
DATA = ROOT / "tests" / "data" / "skimage"
SEED = 20261207


def pictures(folder: Path, n: int) -> list[Path]:
    """``n`` distinct JPEGs: windows cut from real photos, scaled to about 2 MP."""
    rng = np.random.default_rng(SEED)
    sources = [Image.open(DATA / p).convert("RGB") for p in PHOTOS]
    out = []
    for i in range(n):
        photo = sources[i % len(sources)]
        w, h = photo.size
        x, y = int(rng.integers(0, w // 4)), int(rng.integers(0, h // 4))
        window = photo.crop((x, y, x + w * 3 // 4, y + h * 3 // 4)).resize((1700, 1200))
        path = folder / f"pic-{i:04d}.jpg"
        window.save(path, quality=90)
        out.append(path)
    return out


def write_list(path: Path, items: int, planted: list[Path]) -> int:
    rng = np.random.default_rng(SEED + 1)
    values = rng.integers(0, 2**63, size=(items, 2), dtype=np.int64).astype(np.uint64) * 2
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, (p, d) in enumerate(values):
            item = f"{i:064x}"
            for algorithm, value in (("phash", p), ("dhash", d)):
                writer.writerow(
                    [
                        FORMAT,
                        algorithm,
                        f"{int(value):016x}",
                        "image",
                        item,
                        "recycled photo",
                        "Desk Z",
                        "2025-02-01",
                        "refuted",
                    ]
                )
                rows += 1
        for k, picture in enumerate(planted):
            analysis = analyse_file(picture)
            for h in analysis.hashes:
                if h.view in ("whole", "framed"):
                    writer.writerow(
                        [
                            FORMAT,
                            h.algorithm,
                            f"{h.value:016x}",
                            "image",
                            f"planted-{k}",
                            "planted",
                            "Desk Z",
                            "2025-02-01",
                            "refuted",
                        ]
                    )
                    rows += 1
    return rows


def ingest_rate(
    folder: Path, paths: list[Path], list_path: Path | None, planted: list[Path]
) -> tuple[float, int, int, float]:
    """Pictures a second, planted pictures found, others flagged (another window of a
    planted photo: a near copy of it), and the list's index read time."""
    ws = Workspace(Location.of(folder), analyst="bench")
    try:
        load = 0.0
        if list_path is not None:
            ws.known.take_in(list_path, "Desk Z")
            t0 = time.perf_counter()
            ws.known.lookup([("phash", 0, "whole")])  # reads the list's index
            load = time.perf_counter() - t0
        ws.media.ingest(paths[:5])  # warm-up: imports, the index, the caches
        t0 = time.perf_counter()
        results = ws.media.ingest(paths[5:])
        seconds = time.perf_counter() - t0
        names = {str(p) for p in planted}
        found = sum(bool(r.known) for r in results if r.path in names)
        others = sum(bool(r.known) for r in results if r.path not in names)
        return (len(paths) - 5) / seconds, found, others, load
    finally:
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hashes", type=int, default=1_000_000)
    parser.add_argument("--pictures", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {describe(f'numpy {np.__version__}')}; load {load_average()}")
    with tempfile.TemporaryDirectory(prefix="known-fakes-") as tmp:
        root = Path(tmp)
        (root / "pics").mkdir()
        paths = pictures(root / "pics", args.pictures)
        planted = paths[5:8]  # three of the measured pictures are on the list
        list_path = root / "desk-z.csv"
        rows = write_list(list_path, args.hashes // 2, planted)
        size = list_path.stat().st_size / 1e6
        ws = Workspace(Location.of(root / "take-in"), analyst="bench")
        try:
            t0 = time.perf_counter()
            done = ws.known.take_in(list_path, "Desk Z")
            take_in = time.perf_counter() - t0
        finally:
            ws.close()
        print(
            f"list: {rows:,} hashes ({size:.0f} MB CSV); taken in: **{take_in:.1f} s**"
            f" ({done.entries:,} rows, {done.skipped} skipped)"
        )
        # Alternated, twice each, into fresh workspaces: the machine's drift falls on both.
        without_runs, with_runs = [], []
        for run in range(2):
            without_runs.append(ingest_rate(root / f"without{run}", paths, None, planted)[0])
            rate, found, others, load = ingest_rate(root / f"with{run}", paths, list_path, planted)
            with_runs.append(rate)
        without, with_list = statistics.median(without_runs), statistics.median(with_runs)
        print(
            f"ingest without lists: {without:.1f} pictures/s; with the list: {with_list:.1f}"
            f" pictures/s = **{with_list / without:.0%}**; planted found {found} of"
            f" {len(planted)} ({others} more flagged: other windows of a planted photo);"
            f" the list's index read in {load:.1f} s"
        )
    print(f"targets: take-in <= 30 s, ingest with >= 90% of without; load {load_average()}")


if __name__ == "__main__":
    main()
