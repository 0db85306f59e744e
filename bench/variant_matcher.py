"""The shipped matcher, for ``bench/match_eval.py``: fingerprint views in the hash index.

    .venv/bin/python bench/match_eval.py --matcher variant_matcher:VariantMatcher

Exactly what ingest and ``match`` do, without a workspace: each stored picture's views
(``workbench.fingerprint.stored_views``) go into a ``HashIndex``; a query is looked up by
its query views with ``HashIndex.nearest``, and each hit carries its evidence.
Low-information pictures are neither stored nor looked up (counted in ``flagged``).
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.fingerprint import low_information, picture_hashes, stored_views
from workbench.matching import DEFAULT_MAX_DISTANCE, HashIndex


def view_hashes(picture: Image.Image) -> list[tuple[str, int, str]]:
    return [
        (algorithm, value, view.kind)
        for view in stored_views(picture)
        for algorithm, value in picture_hashes(view.picture)
    ]


class VariantMatcher:
    def __init__(self, threshold: int = DEFAULT_MAX_DISTANCE) -> None:
        self.threshold = threshold
        self.flagged = 0
        self._index = HashIndex()
        self._names: dict[str, str] = {}

    def index(self, items: list[tuple[str, Image.Image]]) -> None:
        for stored_id, picture in items:
            if low_information(picture):
                self.flagged += 1
                continue
            key = str(uuid.uuid4())
            self._names[key] = stored_id
            hashes = view_hashes(picture)
            for algorithm in ("phash", "dhash"):
                picked = [h for h in hashes if h[0] == algorithm]
                self._index.add(
                    key, algorithm, [h[1] for h in picked], views=[h[2] for h in picked]
                )

    def query(self, picture: Image.Image) -> list[tuple[str, str]]:
        if low_information(picture):
            self.flagged += 1
            return []
        hits = self._index.nearest(view_hashes(picture), self.threshold)
        return [(self._names[hit.media_id], hit.view) for hit in hits]
