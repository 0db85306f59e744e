"""The seen-before index: exact against brute force, and right on real near-duplicates."""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path

import numpy as np
import pytest

from workbench.library.analysis import analyse_file
from workbench.matching.index import (
    DEFAULT_MAX_DISTANCE,
    NO_TIME,
    HashIndex,
    Hit,
    id_array,
    to_signed,
    to_unsigned,
)

DATA = Path(__file__).resolve().parents[2] / "data"
NAMES: dict[str, str] = {}


def mid(name: str) -> str:
    """A media id (the index takes UUIDs) that the test can name."""
    media_id = str(uuid.uuid5(uuid.NAMESPACE_OID, name))
    NAMES[media_id] = name
    return media_id


def named(hits: list[Hit]) -> list[tuple[str, int]]:
    return [(NAMES[h.media_id], h.distance) for h in hits]


def test_signed_storage_round_trip() -> None:
    for value in (0, 1, 2**63 - 1, 2**63, 2**64 - 1):
        signed = to_signed(value)
        assert -(2**63) <= signed < 2**63
        assert to_unsigned(signed) == value


def test_query_agrees_with_brute_force() -> None:
    rng = np.random.default_rng(7)
    values = [int(v) for v in rng.integers(0, 2**64, 3000, dtype=np.uint64)]
    index = HashIndex()
    for i, v in enumerate(values):
        index.add(mid(f"m{i}"), "phash", [v])
    # plant neighbours of the first value at known distances
    for bits in (1, 3, 9, 12):
        index.add(mid(f"near{bits}"), "phash", [values[0] ^ ((1 << bits) - 1)])
    for q in values[:20]:
        got = named(index.query(q, max_distance=12))
        expected = sorted(
            (
                (name, bin(q ^ v).count("1"))
                for name, v in [(f"m{i}", v) for i, v in enumerate(values)]
                + [(f"near{b}", values[0] ^ ((1 << b) - 1)) for b in (1, 3, 9, 12)]
            ),
            key=lambda x: x[1],
        )
        expected = [e for e in expected if e[1] <= 12]
        assert sorted(got) == sorted(expected)
        assert [d for _, d in got] == sorted(d for _, d in got)  # best first
    near = dict(named(index.query(values[0], max_distance=10)))
    assert near["m0"] == 0 and near["near1"] == 1 and near["near3"] == 3 and near["near9"] == 9
    assert "near12" not in near


def test_one_hit_per_media_with_its_best_row_and_time() -> None:
    index = HashIndex()
    index.add(mid("video"), "phash", [0b1111, 0b0001, 0], times=[0, 2000, 4000])
    index.add(mid("photo"), "phash", [0b0011])
    hits = index.query(0, max_distance=8)
    assert [(NAMES[h.media_id], h.distance, h.t_ms) for h in hits] == [
        ("video", 0, 4000),
        ("photo", 2, None),
    ]
    assert index.query(0, max_distance=8, exclude=mid("video"))[0].media_id == mid("photo")


def test_removal_and_growth_keep_the_index_in_step() -> None:
    index = HashIndex()
    for i in range(5000):  # past the initial capacity several times
        index.add(mid(f"m{i}"), "phash", [i], None)
        index.add(mid(f"m{i}"), "dhash", [i], None)
    assert index.media_count() == 5000 and index.row_count("phash") == 5000
    index.remove(mid("m0"))
    assert mid("m0") not in index and mid("m1") in index
    assert index.query(0, max_distance=0) == []
    assert named(index.query(1, max_distance=0)) == [("m1", 0)]
    assert index.row_count("dhash") == 4999
    index.add(mid("m0"), "phash", [0])  # can come back
    assert named(index.query(0, max_distance=0)) == [("m0", 0)]


def test_bulk_load_equals_incremental_adds() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(0, 2**64, 500, dtype=np.uint64)
    ids = [mid(f"m{i % 200}") for i in range(500)]  # several rows per media
    times = np.full(500, NO_TIME, dtype=np.int32)
    bulk, one_by_one = HashIndex(), HashIndex()
    bulk.bulk_load("phash", id_array(ids), values, times)
    for media_id, v in zip(ids, values, strict=True):
        one_by_one.add(media_id, "phash", [int(v)])
    for q in values[:30]:
        assert bulk.query(int(q), max_distance=20) == one_by_one.query(int(q), max_distance=20)


def _phash(path: Path) -> int:
    return next(h.value for h in analyse_file(path).hashes if h.algorithm == "phash")


NEAR_SETS = [
    ["hopper.jpg", "hopper.png", "hopper.gif", "hopper.webp"],
    ["bigbuckbunny.png", "bigbuckbunny-with-diff-icc.png"],
    ["peppers.jpg", "peppers.png"],
]


@pytest.mark.parametrize("names", NEAR_SETS)
def test_real_near_duplicates_are_found(names: list[str]) -> None:
    for a, b in itertools.combinations(names, 2):
        d = bin(_phash(DATA / "neardup" / a) ^ _phash(DATA / "neardup" / b)).count("1")
        assert d <= DEFAULT_MAX_DISTANCE, (a, b, d)


def test_unrelated_real_photos_are_not_matched() -> None:
    names = [
        "Canon_40D.jpg",
        "Kodak_CX7530.jpg",
        "HMD_Nokia_8.3_5G.jpg",
        "iphone_hdr_NO.jpg",
        "canon_hdr_NO.jpg",
        "Reconyx_HC500_Hyperfire.jpg",
        "Nikon_D70.jpg",
        "flower.jpg",
        "iptc.jpg",
        "Sony_HDR-HC3.jpg",
        "Fujifilm_FinePix_E500.jpg",
        "IMG_5195.HEIC",
    ]
    photos = [DATA / "exif" / n for n in names] + [
        DATA / "neardup" / "peppers.png",
        DATA / "neardup" / "hopper.png",
    ]
    hashes = {p.name: _phash(p) for p in photos}
    for (a, ha), (b, hb) in itertools.combinations(hashes.items(), 2):
        d = bin(ha ^ hb).count("1")
        assert d > DEFAULT_MAX_DISTANCE, (a, b, d)


def test_seen_before_takes_either_hash_at_its_smaller_distance() -> None:
    index = HashIndex()
    index.add(mid("by-phash"), "phash", [0b0111])
    index.add(mid("by-phash"), "dhash", [2**64 - 1])
    index.add(mid("by-dhash"), "phash", [2**64 - 1])
    index.add(mid("by-dhash"), "dhash", [0b1])
    index.add(mid("by-both"), "phash", [0b1111])
    index.add(mid("by-both"), "dhash", [0b11])
    hits = index.nearest(
        [("phash", 0, "whole"), ("dhash", 0, "whole"), ("other", 0, "whole")], max_distance=4
    )
    assert named(hits) == [
        ("by-dhash", 1),
        ("by-both", 2),
        ("by-phash", 3),
    ]


def test_a_corner_stamp_is_caught_by_dhash(tmp_path: Path) -> None:
    """A channel logo over a corner moves pHash a lot; the rule still finds the picture."""
    from PIL import Image, ImageDraw

    original = DATA / "exif" / "iphone_hdr_NO.jpg"
    stamped = tmp_path / "stamped.jpg"
    with Image.open(original) as im:
        im = im.convert("RGB")
        w, h = im.size
        ImageDraw.Draw(im).rectangle((int(w * 0.7), int(h * 0.7), w, h), fill=(235, 235, 235))
        im.save(stamped, quality=80)
    assert bin(_phash(original) ^ _phash(stamped)).count("1") > DEFAULT_MAX_DISTANCE
    index = HashIndex()
    index.add(mid("original"), "phash", [_phash(original)])
    index.add(mid("original"), "dhash", [_dhash(original)])
    hits = index.nearest([("phash", _phash(stamped), "whole"), ("dhash", _dhash(stamped), "whole")])
    assert named(hits) == [("original", hits[0].distance)]


def _dhash(path: Path) -> int:
    return next(h.value for h in analyse_file(path).hashes if h.algorithm == "dhash")
