"""The near-duplicate evaluation harness (bench/match_eval.py) on a tiny subset, so it
cannot silently rot: every transformation gives a sensible picture, the baseline finds an
unchanged copy and rejects a blank frame, and a small end-to-end run reports."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

import match_eval  # noqa: E402
import transforms  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def hopper() -> Image.Image:
    from workbench.media import decode

    return decode.upright_picture(DATA / "neardup" / "hopper.png")


@pytest.fixture(scope="module")
def peppers() -> Image.Image:
    from workbench.media import decode

    return decode.upright_picture(DATA / "neardup" / "peppers.jpg")


@pytest.mark.parametrize("kind", list(match_eval.KINDS))
def test_transformation_gives_a_sensible_picture(kind: str, hopper: Image.Image) -> None:
    fn = match_eval.KINDS[kind]
    out = fn(hopper, match_eval.seeded("test", kind))
    again = fn(hopper, match_eval.seeded("test", kind))
    assert out.mode == "RGB"
    assert min(out.size) >= 16 and max(out.size) <= 1200, out.size
    assert np.array_equal(np.asarray(out), np.asarray(again)), "not deterministic"
    assert kind in match_eval.FAMILY


def test_look_alike_makers() -> None:
    rng = np.random.default_rng(1)
    template = transforms.fixed_templates(rng, 1)[0]
    for picture in (
        transforms.text_post(template, rng),
        transforms.text_page(rng),
        *transforms.blank_frames(rng).values(),
    ):
        assert picture.mode == "RGB" and min(picture.size) >= 64


def test_baseline_finds_unchanged_copy_and_rejects_blank(
    hopper: Image.Image, peppers: Image.Image
) -> None:
    matcher = match_eval.PlainHashMatcher()
    matcher.index([("hopper", hopper), ("peppers", peppers)])
    assert [sid for sid, _ in matcher.query(hopper.copy())] == ["hopper"]
    assert matcher.query(Image.new("RGB", (320, 240), (255, 255, 255))) == []


def test_tiny_end_to_end_run(hopper: Image.Image, peppers: Image.Image) -> None:
    originals = [
        match_eval.Original(name, name, name, "real", picture, picture)
        for name, picture in (("hopper", hopper), ("peppers", peppers))
    ]
    halves = match_eval.split_families(originals)
    assert sorted(halves[match_eval.TUNING] + halves[match_eval.TEST]) == ["hopper", "peppers"]
    kinds = {k: match_eval.KINDS[k] for k in ("jpeg q30", "mirror")}
    blank = match_eval.Item(
        "white", "white", "white", "blank / flat", Image.new("RGB", (99, 99)), "test"
    )
    lines = match_eval.evaluate(
        match_eval.PlainHashMatcher(), "baseline", originals, halves, [blank], kinds, sweep=False
    )
    text = "\n".join(lines)
    assert "| A | jpeg q30 | 100% | 100% | 1 |" in text
    assert "| B | mirror |" in text and "false matches per query" in text


def test_the_shipped_rule_replays_and_is_left_one_kind_out(
    hopper: Image.Image, peppers: Image.Image
) -> None:
    """The recording matcher answers as the shipped rule does, its records replay to the
    same answers at the shipped threshold, and the leave-one-kind-out table is written."""
    from workbench.matching import verify
    from workbench.matching.evaluation import RecordingMatcher, SeenBeforeMatcher, replay

    originals = [
        match_eval.Original(name, name, name, "real", picture, picture)
        for name, picture in (("hopper", hopper), ("peppers", peppers))
    ]
    halves = match_eval.split_families(originals)
    kinds = {k: match_eval.KINDS[k] for k in ("crop 20% all sides", "post screenshot dark")}
    recording, shipped = RecordingMatcher(), SeenBeforeMatcher()
    for m in (recording, shipped):
        m.index([(o.id, o.stored) for o in originals])
    for o in originals:
        for kind, fn in kinds.items():
            copy = fn(o.source, match_eval.seeded(o.id, kind))
            assert recording.query(copy) == shipped.query(copy)
            assert replay(recording.records[-1], verify.MIN_POINTS) == shipped.query(copy)
    lines = match_eval.evaluate(
        RecordingMatcher(), "recording", originals, halves, [], kinds, sweep=False
    )
    text = "\n".join(lines)
    assert "## Leave one kind out" in text and "| B | post screenshot dark |" in text
