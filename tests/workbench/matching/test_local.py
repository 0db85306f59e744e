"""Local features: extraction, their compact form, and verification by geometry (what
agrees, where it sits, and what must not agree: other photos, chrome, night, text)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from workbench.matching import confirm, local, retrieval, verify
from workbench.matching.index import Hit
from workbench.media import decode

DATA = Path(__file__).resolve().parents[2] / "data"
PHOTOS = ("skimage/coffee.png", "skimage/chelsea.png", "skimage/astronaut.png",
          "skimage/rocket.jpg", "exif/canon_hdr_NO.jpg", "skimage/coins.png")  # fmt: skip


@pytest.fixture(scope="module")
def photos() -> dict[str, Image.Image]:
    out = {}
    for name in PHOTOS:
        picture = decode.upright_picture(DATA / name).convert("RGB")
        picture.thumbnail((800, 800))
        out[Path(name).stem] = picture
    return out


def night(picture: Image.Image, stops: float, seed: int = 1) -> Image.Image:
    """Linear light cut by ``stops``, with photon and read noise (a phone at night)."""
    rng = np.random.default_rng(seed)
    srgb = np.asarray(picture, np.float32) / 255
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    electrons = rng.poisson(linear * 2.0**-stops * 3000).astype(np.float32)
    linear = np.clip((electrons + rng.normal(0, 3, electrons.shape)) / 3000, 0, 1)
    out = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
    return Image.fromarray((out * 255 + 0.5).astype(np.uint8), "RGB")


def post(photo: Image.Image, handle: str, dark: bool = False) -> Image.Image:
    """A post screenshot: header with a name, the photo, text and buttons below."""
    bg, ink = ((21, 32, 43), (230, 230, 230)) if dark else ((255, 255, 255), (20, 20, 20))
    width = 600
    scaled = photo.resize((560, round(photo.height * 560 / photo.width)))
    canvas = Image.new("RGB", (width, scaled.height + 260), bg)
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((20, 20, 70, 70), fill=(29, 155, 240))
    draw.text((85, 25), f"News Desk {handle}", fill=ink, font_size=22)
    draw.text((85, 52), "@newsdesk · 2h", fill=(120, 120, 120), font_size=18)
    draw.text((20, 90), "Breaking: footage shows the scene this morning", fill=ink, font_size=20)
    canvas.paste(scaled, (20, 130))
    y = 150 + scaled.height
    for i, label in enumerate(("Reply 12", "Repost 340", "Like 1.2K", "Share")):
        draw.text((20 + i * 150, y), label, fill=(120, 120, 120), font_size=18)
    return canvas


def test_compact_form_round_trips_and_refuses_garbage(photos: dict[str, Image.Image]) -> None:
    features = local.extract(photos["coffee"])
    assert local.MAX_POINTS < features.count <= local.QUERY_POINTS
    features = features.strongest()
    data = local.to_bytes(features)
    assert features.count == local.MAX_POINTS
    assert len(data) == 11 + features.count * 132
    back = local.from_bytes(data)
    assert back.count == features.count and (back.width, back.height) == photos["coffee"].size
    assert np.abs(back.points - features.points).max() <= 0.125
    assert np.array_equal(back.descriptors, features.descriptors)
    with pytest.raises(ValueError):
        local.from_bytes(data[:-1])
    with pytest.raises(ValueError):
        local.from_bytes(b"\x09" + data[1:])


def test_a_crop_is_found_where_it_was_cut(photos: dict[str, Image.Image]) -> None:
    photo = photos["chelsea"]
    box = (photo.width // 4, photo.height // 5, photo.width * 3 // 4, photo.height * 4 // 5)
    agreement = verify.verify(local.extract(photo.crop(box)), local.extract(photo))
    assert agreement is not None and agreement.points >= verify.MIN_POINTS
    left, top, w, h = agreement.query_in_stored
    tolerance = 0.04 * photo.width
    assert abs(left - box[0]) < tolerance and abs(top - box[1]) < tolerance
    assert abs(left + w - box[2]) < tolerance and abs(top + h - box[3]) < tolerance
    assert len(agreement.pairs) == agreement.points


def test_a_photo_inside_a_post_is_found_and_boxed(photos: dict[str, Image.Image]) -> None:
    photo = photos["coffee"]
    screenshot = post(photo, "A")
    agreement = verify.verify(local.extract(screenshot), local.extract(photo))
    assert agreement is not None
    left, top, w, h = agreement.stored_in_query
    assert abs(left - 20) < 25 and abs(top - 130) < 25 and abs(w - 560) < 30
    assert abs(h - 560 * photo.height / photo.width) < 30
    assert not agreement.whole(local.extract(screenshot), local.extract(photo))


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180])
def test_a_turned_copy_agrees(photos: dict[str, Image.Image], turn: Image.Transpose) -> None:
    photo = photos["astronaut"]
    assert verify.verify(local.extract(photo.transpose(turn)), local.extract(photo)) is not None


def test_different_photos_do_not_agree(photos: dict[str, Image.Image]) -> None:
    features = {name: local.extract(p) for name, p in photos.items()}
    for a in features:
        for b in features:
            if a != b:
                assert verify.verify(features[a], features[b]) is None, (a, b)


def test_one_template_around_two_photos_is_not_agreement(photos: dict[str, Image.Image]) -> None:
    """The chrome (names, text, buttons) is outside the content region: no points there."""
    for dark in (False, True):
        one = local.extract(post(photos["coffee"], "A", dark))
        two = local.extract(post(photos["rocket"], "A", dark))
        assert verify.verify(one, two) is None


def test_a_text_only_post_has_no_points_to_match() -> None:
    canvas = Image.new("RGB", (600, 300), "white")
    draw = ImageDraw.Draw(canvas)
    for i in range(6):
        draw.text((20, 20 + 40 * i), f"Line {i} of a statement read out today", fill="black")
    assert not local.judged(local.extract(canvas))
    assert not local.judged(local.extract(Image.new("RGB", (640, 480), (3, 3, 5))))


@pytest.mark.parametrize("stops", [3, 4, 5])
def test_night_copies_match_and_two_night_photos_do_not(
    photos: dict[str, Image.Image], stops: int
) -> None:
    coffee, cat = photos["coffee"], photos["chelsea"]
    dark = local.extract(night(coffee, stops))
    assert verify.verify(dark, local.extract(coffee)) is not None
    brightened = ImageOps.autocontrast(night(coffee, stops, seed=2), cutoff=1)
    assert verify.verify(local.extract(brightened), local.extract(coffee)) is not None
    assert verify.verify(dark, local.extract(night(cat, stops))) is None


def test_retrieval_proposes_the_original_of_a_part(photos: dict[str, Image.Image]) -> None:
    words = retrieval.WordIndex()
    for name, picture in photos.items():
        words.add(name, retrieval.words(local.extract(picture)))
    assert len(words) == len(photos) and words.nbytes() > 0
    query = retrieval.words(local.extract(post(photos["rocket"], "B", dark=True)))
    assert words.candidates(query)[0][0] == "rocket"
    assert "rocket" not in [n for n, _ in words.candidates(query, exclude="rocket")]
    words.remove("rocket")
    assert "rocket" not in [n for n, _ in words.candidates(query)]


def test_hash_hits_are_confirmed_by_local_features(photos: dict[str, Image.Image]) -> None:
    stored = {name: local.extract(p) for name, p in photos.items()}
    query = confirm.QueryFeatures(photos["coffee"].transpose(Image.Transpose.ROTATE_90))
    hits = [Hit("coffee", 3, view="rotated_90"), Hit("coins", 4, view="rotated_90")]
    kept = confirm.confirm_hits(hits, query, stored.get)
    assert [c.media_id for c in kept] == ["coffee"] and kept[0].agreement is not None
    # A near-identical whole picture stands on its hash: no features are computed.
    blind = confirm.QueryFeatures(None)
    assert [c.media_id for c in confirm.confirm_hits([Hit("coins", 2)], blind, stored.get)] == [
        "coins"
    ]
    # Further off, it needs agreement: a different picture is dropped.
    assert confirm.confirm_hits([Hit("coins", 9)], query, stored.get) == []


def test_a_photo_in_a_post_is_found_with_no_hash_hit(photos: dict[str, Image.Image]) -> None:
    stored = {name: local.extract(p) for name, p in photos.items()}
    words = retrieval.WordIndex()
    for name, features in stored.items():
        words.add(name, retrieval.words(features))
    query = confirm.QueryFeatures(post(photos["chelsea"], "C"))
    found = confirm.find_inside(words, query, stored.get, skip=set())
    assert [c.media_id for c in found] == ["chelsea"]
    assert found[0].evidence == confirm.INSIDE and found[0].distance is None


def test_a_night_copy_is_dark_and_says_so_in_its_compact_form(
    photos: dict[str, Image.Image],
) -> None:
    coffee = photos["coffee"]
    assert not local.extract(coffee).dark
    dark = local.extract(night(coffee, 4))
    assert dark.dark and local.from_bytes(local.to_bytes(dark)).dark
    back = local.from_bytes(local.to_bytes(dark))
    assert (back.work_width, back.work_height) == (dark.work_width, dark.work_height)
    brightened = ImageOps.autocontrast(night(coffee, 4), cutoff=1)
    assert not local.extract(brightened).dark


def test_a_dark_query_has_more_candidates_verified(photos: dict[str, Image.Image]) -> None:
    """A night query's words are noisier: its original may rank past ``TOP``, so it is
    given ``TOP_DARK`` (here: a library where the original ranks last of many)."""
    assert retrieval.TOP_DARK > retrieval.TOP
    assert retrieval.top_for(local.extract(night(photos["coffee"], 4))) == retrieval.TOP_DARK
    assert retrieval.top_for(local.extract(photos["coffee"])) == retrieval.TOP

    asked: list[int] = []

    class Counting(retrieval.WordIndex):
        def candidates(self, query_words, top=retrieval.TOP, exclude=None):  # type: ignore[no-untyped-def]
            asked.append(top)
            return super().candidates(query_words, top, exclude)

    stored = {name: local.extract(p) for name, p in photos.items()}
    words = Counting()
    for name, features in stored.items():
        words.add(name, retrieval.words(features))
    found = confirm.find_inside(
        words, confirm.QueryFeatures(night(photos["rocket"], 4)), stored.get, skip=set()
    )
    assert [c.media_id for c in found] == ["rocket"] and asked == [retrieval.TOP_DARK]
    confirm.find_inside(words, confirm.QueryFeatures(photos["rocket"]), stored.get, skip=set())
    assert asked[-1] == retrieval.TOP
