#!/usr/bin/env python3
"""Case bundle round trip: 1,000 media exported as a zipped bag and imported elsewhere.

    .venv/bin/python bench/bench_bundle.py [--media 1000]

Builds a workspace with N distinct generated JPEGs (640x480, noise over colour blocks, so
every picture is its own and ~60-100 KB) on N/4 claims, through the real ingest. Then,
timed:

* export: ``gather`` + ``export_bag(zipped=True)`` (originals hashed while copied);
* import into a fresh workspace: unpack with the zip checks, ``check_bag`` (bagit's
  completeness and Payload-Oxum, our checksums on two threads), ingest of every original
  (analysis, hashes, thumbnails), and the merge transaction; the stages are timed from the
  progress callback;
* naive comparison for the checking stage: ``bagit.Bag(folder).validate()`` (one process)
  on the same unpacked bag, against our ``check_bag``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bagit  # noqa: E402
import numpy as np  # noqa: E402
from machine import describe, load_average  # noqa: E402
from PIL import Image  # noqa: E402

from workbench.exchange.bag_reader import check_bag, import_bundle  # noqa: E402
from workbench.exchange.bag_writer import export_bag  # noqa: E402
from workbench.exchange.scope import ExportScope, gather  # noqa: E402
from workbench.workspace import Location, Workspace  # noqa: E402


def make_pictures(folder: Path, count: int, seed: int = 7) -> list[Path]:
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        blocks = rng.integers(0, 255, size=(6, 8, 3), dtype=np.uint8)
        base = np.kron(blocks, np.ones((80, 80, 1), dtype=np.uint8)).astype(np.int16)
        noisy = base + rng.normal(0, 12, size=base.shape).astype(np.int16)
        picture = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
        path = folder / f"picture_{i:05d}.jpg"
        picture.save(path, quality=85)
        paths.append(path)
    return paths


def build_source(folder: Path, count: int) -> Workspace:
    ws = Workspace(Location.of(folder / "source"), analyst="alice")
    pictures = make_pictures(folder, count)
    random.seed(1)
    for start in range(0, count, 4):
        claim = ws.claims.create(
            f"Generated claim {start // 4}: convoy seen near checkpoint {start}",
            case="Bench case",
            source=("telegram", f"@bench_{start % 17}"),
            tags=["bench", random.choice(["convoy", "checkpoint", "shelling"])],
        )
        ws.media.ingest(pictures[start : start + 4], claim_id=claim.id)
    return ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--media", type=int, default=1000)
    args = parser.parse_args()
    print(describe(f"bagit {bagit.VERSION}"))
    print(f"load average at start: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        source = build_source(tmp, args.media)
        print(f"built source workspace: {args.media} media in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        export_set = gather(source, ExportScope())
        gathered = time.perf_counter() - t0
        result = export_bag(source, export_set, tmp / "bag.zip", zipped=True)
        exported = time.perf_counter() - t0
        size_mb = result.payload_bytes / 1e6
        zip_mb = (tmp / "bag.zip").stat().st_size / 1e6
        print(
            f"export:  {result.claims} claims, {result.media} media, {size_mb:.1f} MB payload, "
            f"zip {zip_mb:.1f} MB: {exported:.2f} s (gather {gathered:.2f} s) = "
            f"{result.media / exported:.0f} media/s, {size_mb / exported:.0f} MB/s"
        )

        target = Workspace(Location.of(tmp / "target"), analyst="bob")
        stages: dict[str, float] = {}
        start = time.perf_counter()

        def on_stage(stage: str) -> None:  # a stage's time runs until the next one starts
            stages[stage] = time.perf_counter() - start

        summary = import_bundle(target, tmp / "bag.zip", on_stage=on_stage)
        imported = time.perf_counter() - start
        assert summary.refused is None, summary.refused
        assert len(summary.added) == result.claims and summary.media_added == result.media
        marks = sorted(stages.items(), key=lambda kv: kv[1])
        ends = [at for _, at in marks[1:]] + [imported]
        parts = [f"{stage} {end - at:.2f} s" for (stage, at), end in zip(marks, ends, strict=True)]
        print(
            f"import:  {len(summary.added)} claims, {summary.media_added} media: {imported:.2f} s "
            f"= {summary.media_added / imported:.0f} media/s, {size_mb / imported:.1f} MB/s "
            f"({', '.join(parts)})"
        )

        unpacked = tmp / "unpacked"
        with zipfile.ZipFile(tmp / "bag.zip") as zf:
            zf.extractall(unpacked)
        bag_dir = unpacked / "bag"
        t0 = time.perf_counter()
        bagit.Bag(str(bag_dir)).validate()
        naive = time.perf_counter() - t0
        t0 = time.perf_counter()
        check_bag(bag_dir)
        ours = time.perf_counter() - t0
        print(
            f"checking the unpacked bag: bagit validate() {naive:.2f} s, "
            f"check_bag (bagit structure + 2-thread checksums + document) {ours:.2f} s"
        )
        target.close()
        source.close()
        shutil.rmtree(unpacked, ignore_errors=True)
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
