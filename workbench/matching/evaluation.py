"""The shipped seen-before rule as a matcher for ``bench/match_eval.py``, without a workspace.

    .venv/bin/python bench/match_eval.py --matcher workbench.matching.evaluation:SeenBeforeMatcher

Exactly what ingest and ``match`` do: each stored picture's hash views
(``hashing.hashed_views``) go into a ``HashIndex``, its local features (``local.extract``)
into a dictionary and its visual words into a ``WordIndex``; a query is looked up by its
hash views, the hits are confirmed (``confirm.confirm_hits``) and, when none stands,
pictures it contains or sits in are looked for (``confirm.find_inside``). A picture too flat
for hashes (``hashing.low_information``) is matched by local features alone; one too flat
for both is neither stored nor looked up (counted in ``flagged``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PIL import Image

from workbench.matching import confirm, local, retrieval, verify
from workbench.matching.hashing import hashed_views, low_information
from workbench.matching.index import DEFAULT_MAX_DISTANCE, HashIndex
from workbench.matching.local import Features


class SeenBeforeMatcher:
    def __init__(self, threshold: int = DEFAULT_MAX_DISTANCE, inside: bool = True) -> None:
        self.threshold = threshold
        self.inside = inside
        self.flagged = 0
        self._index = HashIndex()
        self._words = retrieval.WordIndex()
        self._features: dict[str, Features] = {}
        self._names: dict[str, str] = {}

    def index(self, items: list[tuple[str, Image.Image]]) -> None:
        for stored_id, picture in items:
            key = str(uuid.uuid4())
            self._names[key] = stored_id
            features = local.extract(picture).strongest()
            flat = low_information(picture)
            if flat and not local.judged(features):
                self.flagged += 1
                continue
            if not flat:
                self._index.add_views(key, hashed_views(picture))
            self._features[key] = features
            self._words.add(key, retrieval.words(features))

    def query(self, picture: Image.Image) -> list[tuple[str, str]]:
        query = confirm.QueryFeatures(picture)
        flat = low_information(picture)
        if flat and not local.judged(query.get()):
            self.flagged += 1
            return []
        found = []
        if not flat:
            hits = self._index.nearest(hashed_views(picture), self.threshold)
            found = confirm.confirm_hits(hits, query, self._features.get)
        if not found and self.inside:
            found = confirm.find_inside(self._words, query, self._features.get, set())
        return [(self._names[c.media_id], c.evidence) for c in found]


@dataclass(frozen=True)
class Candidate:
    """One stored picture a query met, with what the rule needs to decide on it again
    at another inlier threshold (``bench/match_eval.py --loko``)."""

    stored_id: str
    evidence: str  # the hash view, or confirm.INSIDE for a visual-word candidate
    near: bool  # a whole-picture hash hit within confirm.NEAR_IDENTICAL: no features
    points: int  # inliers (0: no agreement even at RECORD_POINTS)
    refuted: bool  # both pictures have plenty of points (confirm.refutes)
    hashed: bool  # a hash hit (else a visual-word candidate)


#: Recording asks verification for agreements down to this many inliers.
RECORD_POINTS = 8


class RecordingMatcher(SeenBeforeMatcher):
    """The shipped rule, answering as it does, and keeping every candidate's evidence in
    ``records`` (one list a query) so that the rule can be replayed at other thresholds."""

    def __init__(self, threshold: int = DEFAULT_MAX_DISTANCE) -> None:
        super().__init__(threshold)
        self.records: list[list[Candidate]] = []

    def query(self, picture: Image.Image) -> list[tuple[str, str]]:
        query = confirm.QueryFeatures(picture)
        flat = low_information(picture)
        record: list[Candidate] = []
        self.records.append(record)
        if flat and not local.judged(query.get()):
            self.flagged += 1
            return []
        hits = [] if flat else self._index.nearest(hashed_views(picture), self.threshold)
        for hit in hits:
            near = hit.view == "whole" and hit.distance <= confirm.NEAR_IDENTICAL
            q, s = query.get(mirrored=hit.view == "mirrored"), self._features.get(hit.media_id)
            agreement = None
            if not near and local.judged(q) and local.judged(s):
                agreement = verify.verify(q, s, RECORD_POINTS, one_piece=False)
            record.append(
                Candidate(
                    self._names[hit.media_id],
                    hit.view,
                    near,
                    agreement.points if agreement else 0,
                    confirm.refutes(q, s),
                    True,
                )
            )
        q = query.get()
        if local.judged(q):
            asked = retrieval.words(q, retrieval.QUERY_DISTINCT)
            for media_id, _ in self._words.candidates(asked, retrieval.top_for(q)):
                s = self._features.get(media_id)
                if not local.judged(s):
                    continue
                agreement = verify.verify(q, s, RECORD_POINTS)
                if agreement is not None:
                    evidence = confirm.FEATURES if agreement.whole(q, s) else confirm.INSIDE
                    name, points = self._names[media_id], agreement.points
                    record.append(Candidate(name, evidence, False, points, True, False))
        return replay(record, verify.MIN_POINTS)


def replay(record: list[Candidate], min_points: int) -> list[tuple[str, str]]:
    """What the rule answers for a recorded query when it needs ``min_points`` inliers: a
    hash hit stands when near-identical, agreed, or not refuted; else the visual-word
    candidates that agree."""
    kept = [c for c in record if c.hashed and (c.near or c.points >= min_points or not c.refuted)]
    if not kept:
        kept = [c for c in record if not c.hashed and c.points >= min_points]
    return [(c.stored_id, c.evidence) for c in kept]
