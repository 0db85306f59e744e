"""Seen before, for real: a copy that was mirrored, turned, cropped, padded, captioned or
put in a post screenshot is found with the kind of evidence that matched; flat pictures
are flagged and kept out; a different photo in the same post template is not a match."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from workbench.library.analysis import analyse_file
from workbench.matching.hashing import (
    array_hashes,
    content_box,
    low_information,
    picture_hashes,
    query_views,
    stored_views,
)
from workbench.matching.index import QUERY_KINDS, VIEW_KINDS
from workbench.media.decode import upright_picture
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "data"
STORED = DATA / "neardup" / "peppers.png"  # 512 x 512
PHOTOS = [DATA / "exif" / "Canon_40D.jpg", DATA / "neardup" / "hopper.jpg"]


def photo(path: Path = STORED) -> Image.Image:
    return upright_picture(path, draft=False)


def crop(im: Image.Image, left: float = 0, top: float = 0, right: float = 0) -> Image.Image:
    w, h = im.size
    return im.crop((round(w * left), round(h * top), round(w * (1 - right)), h))


def letterbox(im: Image.Image, colour: tuple[int, int, int] = (0, 0, 0)) -> Image.Image:
    w, h = im.size
    out = Image.new("RGB", (w, h * 3 // 2), colour)
    out.paste(im, (0, h // 4))
    return out


def caption(im: Image.Image) -> Image.Image:
    w, h = im.size
    out = Image.new("RGB", (w, h * 5 // 4), "white")
    out.paste(im, (0, h // 4))
    ImageDraw.Draw(out).text((10, h // 10), "WHEN YOU SEE IT", fill="black")
    return out


def post(im: Image.Image, handle: str = "@front_line_news") -> Image.Image:
    """A social-media post screenshot: avatar, name, text, the photo in a card, buttons."""
    card = im.resize((560, round(560 * im.size[1] / im.size[0])))
    out = Image.new("RGB", (600, card.size[1] + 220), "white")
    draw = ImageDraw.Draw(out)
    draw.ellipse((20, 20, 68, 68), fill=(29, 161, 242))
    draw.text((80, 24), f"Front Line News {handle}", fill="black")
    draw.text((20, 80), "Breaking: fighters seen near the checkpoint this morning", fill="black")
    draw.text((20, 100), "#Aleppo #Sarwan", fill=(29, 161, 242))
    out.paste(card, (20, 130))
    draw.rectangle((19, 129, 20 + card.size[0], 130 + card.size[1]), outline=(200, 200, 200))
    draw.text((20, out.size[1] - 40), "Reply    Repost    Like    Share", fill=(100, 100, 100))
    return out


def saved(tmp_path: Path, name: str, picture: Image.Image) -> Path:
    path = tmp_path / name
    picture.save(path, quality=90) if name.endswith(".jpg") else picture.save(path)
    return path


@pytest.mark.parametrize(
    "flat",
    [
        Image.new("RGB", (640, 480), "white"),
        Image.new("RGB", (640, 480), (5, 5, 8)),
        Image.new("RGB", (640, 480), (200, 30, 30)),
        Image.linear_gradient("L").resize((640, 480)).point(lambda v: 100 + v // 8),
    ],
    ids=["white", "dark", "one colour", "gentle gradient"],
)
def test_flat_pictures_are_low_information(flat: Image.Image) -> None:
    assert low_information(flat)


def test_a_page_of_text_is_low_information() -> None:
    page = Image.new("RGB", (600, 400), "white")
    draw = ImageDraw.Draw(page)
    for line in range(18):
        draw.text(
            (20, 20 + line * 20), "Statement from the press office, read in full. " * 2, "black"
        )
    assert low_information(page)


@pytest.mark.parametrize("path", [*PHOTOS, STORED])
def test_photos_are_not_low_information(path: Path) -> None:
    assert not low_information(photo(path))


@pytest.mark.parametrize("name", ["Kodak_CX7530.jpg", "iptc.jpg"])
def test_a_dim_photo_is_not_a_dark_page(name: str) -> None:
    """At a third of its brightness a photo peels away like a page of dark-mode text (its
    lines are all near black), but there is no bright text on it."""
    dim = ImageEnhance.Brightness(photo(DATA / "exif" / name)).enhance(0.35)
    assert not low_information(dim)


def test_the_content_region_is_the_photo_inside_bars_a_caption_or_a_post() -> None:
    im = photo().resize((400, 400))
    assert content_box(im) is None  # nothing to peel off a photo
    for framed in (letterbox(im), letterbox(im, (30, 120, 200)), caption(im)):
        left, top, right, bottom = content_box(framed) or (0, 0, 0, 0)
        assert abs((right - left) - 400) <= 8 and abs((bottom - top) - 400) <= 8
    left, top, right, bottom = content_box(post(im)) or (0, 0, 0, 0)
    assert abs(left - 20) <= 4 and abs(top - 130) <= 4 and abs(right - 580) <= 4


def test_a_framed_picture_is_also_known_by_its_region() -> None:
    plain, framed = photo(), letterbox(photo())
    assert {v.kind for v in stored_views(plain)} == set(VIEW_KINDS) - {"framed", "region"}
    assert {v.kind for v in stored_views(framed)} == set(VIEW_KINDS) - {"whole"}
    assert [v.kind for v in query_views(plain)] == ["whole"]
    assert [v.kind for v in query_views(framed)] == ["framed", "region"]
    assert set(QUERY_KINDS) == {"whole", "framed", "region"}


def test_a_flat_picture_is_stored_without_hashes_and_matches_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    blank = saved(tmp_path, "blank.png", Image.new("RGB", (640, 480), "white"))
    [result] = workspace.media.ingest([blank])
    assert result.media is not None
    assert analyse_file(blank).low_information and analyse_file(blank).hashes == ()
    other = saved(tmp_path, "other_blank.png", Image.new("RGB", (800, 600), (250, 250, 250)))
    [found] = workspace.media.match([other])
    assert found.error is None and found.matches == ()


@pytest.mark.parametrize(
    ("name", "transform", "evidence"),
    [
        ("recompressed.jpg", lambda im: im.resize((200, 200)), {"whole"}),
        ("mirrored.png", ImageOps.mirror, {"mirrored"}),
        ("turned.png", lambda im: im.transpose(Image.Transpose.ROTATE_90), {"rotated_90"}),
        ("upside_down.png", lambda im: im.transpose(Image.Transpose.ROTATE_180), {"rotated_180"}),
        ("cropped_left.png", lambda im: crop(im, left=0.2), {"cropped"}),
        ("cropped_corner.png", lambda im: crop(im, left=0.15, top=0.15), {"cropped"}),
        ("tilted.png", lambda im: crop(im.rotate(4), 0.08, 0.08, 0.08), {"tilted", "cropped"}),
        ("letterboxed.png", letterbox, {"region"}),
        ("captioned.png", caption, {"region"}),
        ("in_a_post.png", post, {"region"}),
    ],
)
def test_the_earlier_copy_is_found_with_its_evidence(
    workspace: Workspace, tmp_path: Path, name: str, transform: object, evidence: set[str]
) -> None:
    [stored] = workspace.media.ingest([STORED])
    workspace.media.ingest(PHOTOS)  # other photos: not to be found
    assert stored.media is not None
    copy = saved(tmp_path, name, transform(photo()))  # type: ignore[operator]
    [found] = workspace.media.match([copy])
    assert [m.media_id for m in found.matches] == [stored.media.id]
    assert found.matches[0].evidence in evidence


def test_the_same_post_template_around_another_photo_is_not_a_match(
    workspace: Workspace, tmp_path: Path
) -> None:
    first = saved(tmp_path, "post_1.png", post(photo(STORED)))
    second = saved(tmp_path, "post_2.png", post(photo(PHOTOS[0])))
    third = saved(tmp_path, "post_3.png", post(photo(PHOTOS[1]), "@another_account"))
    workspace.media.ingest([first])
    assert [r.matches for r in workspace.media.match([second, third])] == [(), ()]


def test_the_evidence_survives_reopening_the_workspace(
    workspace: Workspace, tmp_path: Path
) -> None:
    [stored] = workspace.media.ingest([STORED])
    assert stored.media is not None
    location, analyst = workspace.location, workspace.analyst
    workspace.close()
    again = Workspace(location, analyst)
    try:
        [found] = again.media.match([saved(tmp_path, "m.png", ImageOps.mirror(photo()))])
        assert [(m.media_id, m.evidence) for m in found.matches] == [(stored.media.id, "mirrored")]
    finally:
        again.close()


def test_the_hashes_are_imagehash_bit_for_bit() -> None:
    """Stored hashes from before and after agree: same pHash and dHash as imagehash."""
    import imagehash

    pictures = [photo(p) for p in (*PHOTOS, STORED, DATA / "exif" / "flower.jpg")]
    for picture in pictures:
        grey = picture.convert("L")
        expected = [
            ("phash", int(str(imagehash.phash(grey)), 16)),
            ("dhash", int(str(imagehash.dhash(grey)), 16)),
        ]
        assert picture_hashes(picture) == expected


def test_views_cut_as_arrays_hash_as_pictures_do() -> None:
    """The cut views are hashed from arrays (matrix products): the same bits as Pillow's
    resizing gives, give or take a bit or two where a rounding ties (a pHash bit sits on
    the median), and that rarely."""
    pictures = [photo(p) for p in (*PHOTOS, STORED, DATA / "exif" / "flower.jpg")]
    cut = [v.picture for p in pictures for v in stored_views(letterbox(p))]
    arrays = [v for v in cut if isinstance(v, np.ndarray)]
    assert len(arrays) > 50
    differing = 0
    for array in arrays:
        as_picture = picture_hashes(Image.fromarray(array.astype(np.uint8)))
        for (name, value), (_, expected) in zip(array_hashes(array), as_picture, strict=True):
            assert (value ^ expected).bit_count() <= 2, name
            differing += value != expected
    assert differing <= 0.1 * 2 * len(arrays)
