"""Hash views alone (the rule before local features), for ``bench/match_eval.py``.

    .venv/bin/python bench/match_eval.py --matcher variant_matcher:VariantMatcher

What ingest and ``match`` did before local features, without a workspace: each stored
picture's views
(``workbench.matching.hashing.stored_views``) go into a ``HashIndex``; a query is looked up by
its query views with ``HashIndex.nearest``, and each hit carries its evidence.
Low-information pictures are neither stored nor looked up (counted in ``flagged``).
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.matching.hashing import hashed_views, low_information
from workbench.matching.index import DEFAULT_MAX_DISTANCE, HashIndex


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
            self._index.add_views(key, hashed_views(picture))

    def query(self, picture: Image.Image) -> list[tuple[str, str]]:
        if low_information(picture):
            self.flagged += 1
            return []
        hits = self._index.nearest(hashed_views(picture), self.threshold)
        return [(self._names[hit.media_id], hit.view) for hit in hits]
