"""The index once built (multi-index hashing) answers exactly what a scan of every row
answers: the same media, distances, evidence, frames and confirmations, through removals,
re-adds and rows added after the build (issue 15)."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from workbench.matching import rows as rows_module
from workbench.matching.index import (
    MATCH_ALGORITHMS,
    QUERY_KINDS,
    VIEW_KINDS,
    HashIndex,
    Hit,
)
from workbench.matching.mih import MAX_RADIUS, MultiIndex


def _flip(rng: np.random.Generator, value: int, bits: int) -> int:
    for bit in rng.choice(64, size=bits, replace=False):
        value ^= 1 << int(bit)
    return value


def test_candidates_hold_every_row_within_the_radius() -> None:
    rng = np.random.default_rng(5)
    centres = rng.integers(0, 2**63, 40, dtype=np.uint64)
    near = [_flip(rng, int(c), int(rng.integers(0, 16))) for c in centres for _ in range(50)]
    values = np.array(near + list(rng.integers(0, 2**63, 3000, dtype=np.uint64)), dtype=np.uint64)
    index = MultiIndex(values)
    for radius in range(MAX_RADIUS + 1):
        for centre in centres[:10]:
            query = _flip(rng, int(centre), 2)
            within = set(np.flatnonzero(np.bitwise_count(values ^ np.uint64(query)) <= radius))
            found = index.candidates(query, radius)
            assert found is not None and within <= set(found.tolist())
            assert len(set(found.tolist())) < len(values)  # and it did not read every row
    assert index.candidates(0, MAX_RADIUS + 1) is None  # a scan is cheaper there


def _answer(hits: list[Hit]) -> list[tuple[object, ...]]:
    out = []
    for hit in hits:
        frames = None
        if hit.frames is not None:
            pairs = zip(hit.frames.query_ms.tolist(), hit.frames.stored_ms.tolist(), strict=True)
            frames = (sorted(pairs), hit.frames.query_frames)
        out.append((hit.media_id, hit.distance, hit.t_ms, hit.view, frames))
    return out


def _library(rng: np.random.Generator, index: HashIndex, media: int) -> list[int]:
    """Pictures and a few videos whose hashes crowd around shared centres (near copies,
    views a few bits apart), every view kind; the centres, to look up near."""
    centres = [int(c) for c in rng.integers(0, 2**63, 30, dtype=np.uint64)]
    for m in range(media):
        media_id = str(uuid.UUID(int=m + 1))
        centre = centres[m % len(centres)]
        video = m % 17 == 0
        for algorithm in MATCH_ALGORITHMS:
            count = 6 if video else int(rng.integers(1, 9))
            values = [_flip(rng, centre, int(rng.integers(0, 20))) for _ in range(count)]
            views = ["whole"] * count if video else list(rng.choice(VIEW_KINDS, size=count))
            times = [500 * i for i in range(count)] if video else None
            index.add(media_id, algorithm, values, times=times, views=views)
    return centres


def _lookups(rng: np.random.Generator, centres: list[int]) -> list[list[tuple]]:
    out = []
    for centre in centres:
        lookup: list[tuple] = []
        for algorithm in MATCH_ALGORITHMS:
            for view in rng.choice(QUERY_KINDS, size=2, replace=False):
                lookup.append((algorithm, _flip(rng, centre, int(rng.integers(0, 6))), str(view)))
        out.append(lookup)
        timed = [(a, _flip(rng, centre, 3), "whole", 250 * i) for i, a in enumerate("pp")]
        out.append([("phash", v, w, t) for _, v, w, t in timed] + [("dhash", centre, "whole", 0)])
    return out


@pytest.mark.parametrize("max_distance", [6, 10, 12])
def test_a_built_index_answers_as_a_scan_does(max_distance: int) -> None:
    rng = np.random.default_rng(max_distance)
    index = HashIndex()
    centres = _library(rng, index, 600)
    lookups = _lookups(rng, centres)
    scanned = [_answer(index.nearest(q, max_distance)) for q in lookups]
    assert sum(len(a) for a in scanned) > 100  # the lookups do meet things
    assert any(hit[3] != "whole" for a in scanned for hit in a)  # confirmations were asked
    index.build()
    assert [_answer(index.nearest(q, max_distance)) for q in lookups] == scanned

    # removals, a media back under a new number, rows added after the build
    gone = [str(uuid.UUID(int=m + 1)) for m in range(0, 600, 7)]
    for media_id in gone:
        index.remove(media_id)
    index.add(gone[0], "phash", [centres[0]])
    extra = HashIndex()  # the same rows in the same order, never built: a scan's answer
    owners = index._owners
    for owner in np.flatnonzero(owners.live()):
        media_id = str(uuid.UUID(bytes=owners.ids[owner].tobytes()))
        for algorithm in MATCH_ALGORITHMS:
            table = index._rows[algorithm]
            mine = table.rows_of(owner)
            if len(mine):
                extra.add(
                    media_id,
                    algorithm,
                    [int(v) for v in table.take("values", mine)],
                    times=[None if t < 0 else int(t) for t in table.take("times", mine)],
                    views=[VIEW_KINDS[c] for c in table.take("views", mine)],
                )
    answers = [_answer(index.nearest(q, max_distance)) for q in lookups]
    assert answers == [_answer(extra.nearest(q, max_distance)) for q in lookups]
    assert gone[1] not in {hit[0] for a in answers for hit in a}
    index.build()  # the removed media's rows go
    assert index.row_count("phash") == extra.row_count("phash")
    assert [_answer(index.nearest(q, max_distance)) for q in lookups] == answers


def test_a_search_folds_a_long_tail_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows_module, "TAIL_MIN", 100)
    index = HashIndex()
    for m in range(300):
        index.add(str(uuid.UUID(int=m + 1)), "phash", [m * 1_000_003])
    table = index._rows["phash"]
    assert table.built == 0
    [hit] = index.query(1_000_003, max_distance=0)
    assert table.built == 300 and table.index is not None
    assert hit.media_id == str(uuid.UUID(int=2))


def test_many_media_at_once_are_found_by_their_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bulk load of more media than the dict of new ones holds: merged into the ids in
    order as it goes, every media still found, removed ones not."""
    from workbench.matching import owners as owners_module
    from workbench.matching.index import id_array

    monkeypatch.setattr(owners_module, "RECENT_MAX", 64)
    index = HashIndex()
    media = [str(uuid.uuid4()) for _ in range(1000)]
    for at in range(0, 1000, 100):
        part = media[at : at + 100]
        index.bulk_load(
            "phash",
            id_array(part),
            np.arange(at, at + 100, dtype=np.uint64),
            np.full(100, -1, dtype=np.int32),
        )
    assert len(index._owners._recent) < 64
    assert all(m in index for m in media) and index.media_count() == 1000
    index.remove(media[10])
    assert media[10] not in index and media[11] in index
    [hit] = index.query(11, max_distance=0)
    assert hit.media_id == media[11]
