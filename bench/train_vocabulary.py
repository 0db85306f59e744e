"""Learn the visual vocabulary shipped as ``workbench/matching/vocabulary.npy``.

    .venv/bin/python bench/train_vocabulary.py

From the pictures in ``bench/data/vocabulary/`` (textures, microscopy, a chart; CC0 or
public domain, see its SOURCES.md; none of them is used by the evaluation), at several
scales and turns, the local features exactly as ``workbench.matching.local.extract``
finds them (with no cap on their number), as RootSIFT; k-means (OpenCV, fixed seed)
into ``WORDS`` centroids, written as float16. Deterministic for a given OpenCV build.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.matching.local import extract, root_sift  # noqa: E402

WORDS = 2048
SOURCE = ROOT / "bench/data/vocabulary"
OUT = ROOT / "workbench/matching/vocabulary.npy"


def descriptors() -> np.ndarray:
    found = []
    for path in sorted(SOURCE.glob("*.png")):
        picture = Image.open(path).convert("RGB")
        for scale in (1.0, 0.7, 0.5):
            size = (round(picture.width * scale), round(picture.height * scale))
            scaled = picture.resize(size, Image.Resampling.LANCZOS)
            for turn in (None, Image.Transpose.ROTATE_90):
                view = scaled if turn is None else scaled.transpose(turn)
                found.append(root_sift(extract(view, max_points=4000).descriptors))
    return np.concatenate(found)


def main() -> None:
    start = time.perf_counter()
    data = descriptors()
    print(f"{len(data)} descriptors from {SOURCE}")
    cv2.setRNGSeed(20261207)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 25, 1e-4)
    _, _, centres = cv2.kmeans(data, WORDS, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    np.save(OUT, centres.astype(np.float16))
    seconds = time.perf_counter() - start
    print(f"{WORDS} words -> {OUT} ({OUT.stat().st_size} bytes) in {seconds:.0f} s")


if __name__ == "__main__":
    main()
