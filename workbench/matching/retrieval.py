"""Candidates for local-feature verification without looking at every stored picture.

A visual vocabulary (``vocabulary.npy``: ``WORDS`` RootSIFT centroids learnt offline by
``bench/train_vocabulary.py`` from pictures the evaluation never uses) turns each
picture's descriptors into a set of *visual words*. An inverted file keeps, per word, the
stored pictures that have it, so a query touches only the pictures that share its words:
each shared word adds its idf weight (rare words say more; Sivic and Zisserman's "Video
Google", 2003), the sum is normalised by the stored picture's word count (to the power
``LENGTH_POWER``: containment, not a cosine, since the query may hold the picture inside
much else), and the best ``TOP`` go on to :func:`workbench.matching.verify.verify`. A
picture inside a screenshot, a crop, a photo of a screen share most of their words with
the original even where no hash view meets it. A dark query asks for ``TOP_DARK``.

Memory: one ``int32`` key a posting, ``DISTINCT`` postings a picture at most; postings
live in one array per word that grows in amortised chunks.
"""

from __future__ import annotations

import functools
import threading
from importlib import resources

import numpy as np
import numpy.typing as npt

from workbench.matching.local import Features, root_sift

#: Candidates handed to verification per query ...
TOP = 16
#: ... and per dark query (``local.Features.dark``): a night copy's words are noisier, so
#: its original ranks lower (bench/match_eval.py: night copies found 92.0% of the held-out
#: half with 64, 89.8% with 16; the false matches did not change).
TOP_DARK = 64
#: A picture's distinct words kept in the index (its most frequent first).
DISTINCT = 256
#: A query's distinct words asked (its most frequent). A query has up to 1,000 points where
#: a stored picture keeps 300; its rarest words, a point or two each, were a third of the
#: postings a lookup reads at 100,000 pictures, and finding the planted originals did not
#: need them (bench/bench_seen_before.py: 33 of 45 with every word or with 384, 30 with 256).
QUERY_DISTINCT = 384
#: Words shared with the query below this are not a candidate.
MIN_SHARED = 6
#: Scores are divided by the stored picture's word count to this power.
LENGTH_POWER = 0.75
#: The count of shared words and their summed weights share one accumulator (``candidates``).
_SHARED_UNIT = float(2**20)


@functools.cache
def vocabulary() -> npt.NDArray[np.float32]:
    """The shipped centroids, ``(WORDS, 128)`` RootSIFT, float32."""
    with resources.files("workbench.matching").joinpath("vocabulary.npy").open("rb") as f:
        centroids = np.load(f).astype(np.float32)
    return centroids


def to_bytes(picture_words: npt.NDArray[np.int32]) -> bytes:
    return picture_words.astype("<u2").tobytes()


def from_bytes(data: bytes) -> npt.NDArray[np.int32]:
    return np.frombuffer(data, "<u2").astype(np.int32)


def words(features: Features, limit: int | None = DISTINCT) -> npt.NDArray[np.int32]:
    """The picture's distinct visual words (at most ``limit``, the most frequent: a stored
    picture keeps ``DISTINCT``, a query asks with ``QUERY_DISTINCT``)."""
    if features.count == 0:
        return np.zeros(0, np.int32)
    centroids = vocabulary()
    d = root_sift(features.descriptors)
    # Nearest centroid by dot product: RootSIFT vectors have unit length, centroids nearly.
    norms = np.einsum("ij,ij->i", centroids, centroids)
    nearest = np.argmin(norms[None, :] - 2 * d @ centroids.T, axis=1)
    found, counts = np.unique(nearest, return_counts=True)
    order = np.argsort(-counts, kind="stable")[:limit]
    return np.sort(found[order]).astype(np.int32)


def top_for(query: Features) -> int:
    """Candidates to verify for ``query``: ``TOP``, or ``TOP_DARK`` for a dark one."""
    return TOP_DARK if query.dark else TOP


def frame_name(media_id: str, t_ms: int) -> str:
    """A video frame's name in the index: its video's id and its time."""
    return f"{media_id}@{t_ms}"


def split_name(name: str) -> tuple[str, int | None]:
    """``(media id, t_ms)`` of a name in the index (``t_ms`` None for a picture)."""
    media_id, at, t_ms = name.partition("@")
    return media_id, int(t_ms) if at else None


class WordIndex:
    """The inverted file: stored pictures by visual word; thread-safe."""

    def __init__(self) -> None:
        n = len(vocabulary())
        self._postings: list[npt.NDArray[np.int32]] = [np.zeros(0, np.int32)] * n
        self._used = np.zeros(n, np.int64)
        self._keys: dict[str, int] = {}
        self._names: list[str | None] = []
        self._lengths = np.zeros(0, np.float32)  # by key; grown like a posting list
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, name: object) -> bool:
        return name in self._keys

    def names(self) -> list[str]:
        with self._lock:
            return list(self._keys)

    def nbytes(self) -> int:
        return int(sum(p.nbytes for p in self._postings))

    def add(self, name: str, picture_words: npt.NDArray[np.int32]) -> None:
        """Index a stored picture by its words (``words``); again replaces."""
        self.bulk_add([name], [picture_words])

    def bulk_add(self, names: list[str], all_words: list[npt.NDArray[np.int32]]) -> None:
        """Index many stored pictures at once (opening a workspace): one sort, no Python
        loop over postings."""
        if not names:
            return
        with self._lock:
            for name in names:
                if name in self._keys:
                    self._remove(name)
            first = len(self._names)
            self._keys.update((name, first + i) for i, name in enumerate(names))
            self._names.extend(names)
            counts = [len(w) for w in all_words]
            if len(self._names) > len(self._lengths):
                grown = np.zeros(2 * len(self._names), np.float32)
                grown[:first] = self._lengths[:first]
                self._lengths = grown
            self._lengths[first : len(self._names)] = counts
            keys = np.repeat(np.arange(first, first + len(names), dtype=np.int32), counts)
            flat = np.concatenate(all_words).astype(np.int64) if keys.size else keys
            if not flat.size:
                return
            order = np.argsort(flat, kind="stable")
            flat, keys = flat[order], keys[order]
            present, starts = np.unique(flat, return_index=True)
            ends = np.append(starts[1:], len(flat))
            for w, a, b in zip(present.tolist(), starts.tolist(), ends.tolist(), strict=True):
                used, extra = int(self._used[w]), b - a
                postings = self._postings[w]
                if used + extra > len(postings):
                    grown = np.empty(max(8, 2 * (used + extra)), np.int32)
                    grown[:used] = postings[:used]
                    self._postings[w] = postings = grown
                postings[used : used + extra] = keys[a:b]
                self._used[w] = used + extra

    def remove(self, name: str) -> None:
        with self._lock:
            self._remove(name)

    def _remove(self, name: str) -> None:
        key = self._keys.pop(name, None)
        if key is not None:  # its postings stay, pointing at a name that is gone
            self._names[key] = None

    def candidates(
        self, query_words: npt.NDArray[np.int32], top: int = TOP, exclude: str | None = None
    ) -> list[tuple[str, float]]:
        """The stored pictures sharing the most (idf-weighted) words with the query, best
        first: ``(name, score)``."""
        with self._lock:
            count = len(self._keys)
            if count == 0 or len(query_words) == 0:
                return []
            used = self._used[query_words]
            present = np.flatnonzero(used)
            if not len(present):
                return []
            keys = np.concatenate(
                [
                    self._postings[w][:u]
                    for w, u in zip(
                        query_words[present].tolist(), used[present].tolist(), strict=True
                    )
                ]
            )
            size = len(self._names)
            lengths = self._lengths[:size]
            # One pass counts both the shared words and their idf weights: each posting
            # adds SHARED_UNIT + its word's idf (an idf is below 12 and a query has a few
            # hundred words, so the weights' sum stays below SHARED_UNIT, and a float64
            # holds both exactly enough).
            idf = np.log1p(count / used[present])
            both = np.bincount(
                keys, weights=np.repeat(idf + _SHARED_UNIT, used[present]), minlength=size
            )
            shared = np.floor(both / _SHARED_UNIT)
            weighted = both - shared * _SHARED_UNIT
            # Normalised by the stored picture's word count to the power LENGTH_POWER, not
            # by the query's: a photo inside a big screenshot has a small share of its
            # words (a cosine drowns it), while a full containment score lets small
            # pictures with few words win by chance as the library grows
            # (bench/bench_seen_before.py).
            scores = weighted / np.maximum(lengths, 1) ** LENGTH_POWER
            scores[shared < MIN_SHARED] = 0
            reach = min(top + 1, size)
            best = np.argpartition(-scores, reach - 1)[:reach]
            best = best[np.lexsort((best, -scores[best]))]  # best first; ties: the older first
            out = []
            for key in best.tolist():
                name = self._names[key]
                if scores[key] <= 0 or name is None or name == exclude:
                    continue
                out.append((name, float(scores[key])))
        return out[:top]
