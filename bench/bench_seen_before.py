#!/usr/bin/env python3
"""One picture's whole seen-before answer against a big library: hash views, local-feature
verification and the search inside, and how it grows with the library.

    .venv/bin/python bench/bench_seen_before.py [--sizes 10000,30000,100000]

The library: N pictures, each with its 31 hash views in a ``HashIndex`` (random 64-bit
values, as ``bench_index.py``) and its visual words in a ``WordIndex``. Words are not
random: they are drawn from the words of real pictures (the originals of
``bench/match_eval.py`` and their crops) with the frequencies real pictures have them, as
many a picture as a real one has, so the inverted file's lists are as long as real
pictures make them. Verification runs on
real stored features (a pool of real pictures; a candidate's features are one of them).

Per query (a real post screenshot around one stored photo, planted in the library):

* its local features (SIFT on 512 px), timed apart: a window's import leaves them to the
  background pass, ``match`` and a command-line ingest pay them;
* the hash lookup of its query views; confirmation of the hits by local features;
* the visual-word candidates and their verification (``confirm.find_inside``).

And per *dark* query (the planted photo four stops under, with sensor noise:
``bench/night.py``): the same answer, where ``TOP_DARK`` candidates are verified.

The naive way, in the same run: verifying the query against every stored picture's
features (no retrieval), timed on the pool and scaled to N.
Stored bytes per picture: the compact features row and the words row, as stored.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import match_eval as me  # noqa: E402
import night  # noqa: E402
import numpy as np  # noqa: E402
import transforms as tf  # noqa: E402
from machine import describe, load_average  # noqa: E402

from workbench.matching import confirm, local, retrieval, verify  # noqa: E402
from workbench.matching.hashing import hashed_views  # noqa: E402
from workbench.matching.index import DEFAULT_MAX_DISTANCE, VIEW_KINDS, HashIndex  # noqa: E402

VIEWS = 31
QUERIES = 15
SEED = 20261207
TARGET_MS = 50.0


def real_pool(log: list[str]) -> list[tuple[str, object]]:
    originals, _ = me.load_real(log)
    pool = []
    for o in originals:
        pool.append((o.id, o.stored))
        w, h = o.stored.size
        pool.append((f"{o.id}:crop", o.stored.crop((w // 5, h // 5, w, h))))
    return pool


def build(
    n: int, pool_words: list[np.ndarray], rng: np.random.Generator
) -> tuple[HashIndex, retrieval.WordIndex, list[str]]:
    index, words = HashIndex(), retrieval.WordIndex()
    ids = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(n)]
    values = rng.integers(0, 2**63, size=(n, VIEWS), dtype=np.int64).view(np.uint64)
    codes = np.array([VIEW_KINDS.index(v) for v in (["whole"] + ["cropped"] * (VIEWS - 1))])
    from workbench.matching.index import ID_DTYPE, NO_TIME, id_array

    for algorithm in ("phash", "dhash"):
        index.bulk_load(
            algorithm,
            np.repeat(id_array(ids), VIEWS).astype(ID_DTYPE),
            values.ravel(),
            np.full(n * VIEWS, NO_TIME, np.int32),
            np.tile(codes, n).astype(np.uint8),
        )
    everything = np.concatenate(pool_words)  # every real word, as often as pictures have it
    sizes = [len(w) for w in pool_words]
    sets = [
        np.unique(rng.choice(everything, sizes[i % len(sizes)])).astype(np.int32) for i in range(n)
    ]
    words.bulk_add(ids, sets)
    return index, words, ids


def answer_all(
    asked: list[tuple[int, object]],
    index: HashIndex,
    words: retrieval.WordIndex,
    stored_features: confirm.StoredFeatures,
    stored: dict[str, local.Features],
    features: list[local.Features],
) -> tuple[list[float], list[float], list[float], int]:
    """Each query's times (its features, hash lookup + confirm, words + verify) and how
    many found their planted original."""
    extract_ms, hash_ms, inside_ms, found = [], [], [], 0
    for t, picture in asked:
        a = time.perf_counter()
        query = confirm.QueryFeatures(None, local.extract(picture))
        b = time.perf_counter()
        hits = index.nearest(hashed_views(picture), DEFAULT_MAX_DISTANCE)
        confirm.confirm_hits(hits, query, stored_features)
        c = time.perf_counter()
        got = confirm.find_inside(words, query, stored_features, set())
        d = time.perf_counter()
        found += any(stored.get(g.media_id) is features[t] for g in got)
        extract_ms.append((b - a) * 1000)
        hash_ms.append((c - b) * 1000)
        inside_ms.append((d - c) * 1000)
    return extract_ms, hash_ms, inside_ms, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {describe(f'numpy {np.__version__}')}; load {load_average()}")
    log: list[str] = []
    pool = real_pool(log)
    features = [local.extract(p).strongest() for _, p in pool]
    pool_words = [retrieval.words(f) for f in features]
    row = np.mean([len(local.to_bytes(f)) for f in features])
    word_row = np.mean([len(retrieval.to_bytes(w)) for w in pool_words])
    print(
        f"pool: {len(pool)} real pictures; stored per picture: features {row / 1024:.1f} KB"
        f" (at most {(11 + local.MAX_POINTS * 132) / 1024:.1f}), words {word_row:.0f} B"
    )
    rng = np.random.default_rng(SEED)
    templates = tf.fixed_templates(rng, 3)
    queries = []
    for k in range(QUERIES):
        target = (k * 7) % len(pool)
        picture = tf.post_screenshot(templates[k % 3], pool[target][1])
        queries.append((target, picture))
    darken = night.night(4)
    dark_queries = [(t, darken(pool[t][1], rng)) for t, _ in queries]
    # The naive way: verify against every stored picture (timed on the pool).
    q0 = local.extract(queries[0][1])
    started = time.perf_counter()
    for f in features:
        verify.verify(q0, f)
    naive_ms = (time.perf_counter() - started) * 1000 / len(features)
    print(f"naive: verify against every stored picture: {naive_ms:.2f} ms a picture")
    print()
    print(
        "| library | features of the query | hash lookup + confirm | words + verify | "
        "answer (without / with the query's features) | dark query's answer | "
        "naive at this size | index memory |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        index, words, ids = build(n, pool_words, rng)
        slot = {ids[(t * 7919) % n]: t for t, _ in queries}  # each target planted once
        stored = {i: features[t] for i, t in slot.items()}
        for i, t in slot.items():
            words.add(i, pool_words[t])

        def stored_features(
            media_id: str, known: dict[str, local.Features] = stored
        ) -> local.Features:
            return known.get(media_id) or features[hash(media_id) % len(features)]

        extract_ms, hash_ms, inside_ms, found = answer_all(
            queries, index, words, stored_features, stored, features
        )
        _, dark_hash, dark_inside, dark_found = answer_all(
            dark_queries, index, words, stored_features, stored, features
        )
        med = statistics.median
        dark = [h + i for h, i in zip(dark_hash, dark_inside, strict=True)]
        answer = [h + i for h, i in zip(hash_ms, inside_ms, strict=True)]
        full = [e + x for e, x in zip(extract_ms, answer, strict=True)]
        memory = (index.nbytes + words.nbytes()) / 1e6
        print(
            f"| {n:,} | {med(extract_ms):.0f} ms | {med(hash_ms):.1f} ms | "
            f"{med(inside_ms):.1f} ms | **{med(answer):.0f} ms** / {med(full):.0f} ms | "
            f"{med(dark):.0f} ms | {naive_ms * n / 1000:.0f} s | {memory:.0f} MB |"
        )
        possible = sum(
            verify.verify(local.extract(picture), features[t]) is not None for t, picture in queries
        )
        print(
            f"  (found {found} of {len(queries)} planted originals; verification alone finds"
            f" {possible}; dark: found {dark_found} of {len(dark_queries)})",
            file=sys.stderr,
        )
    print(f"\ntarget: median answer <= {TARGET_MS:.0f} ms at 100,000; load {load_average()}")


if __name__ == "__main__":
    main()
