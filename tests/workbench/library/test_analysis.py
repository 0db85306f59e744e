"""Media analysis on real camera files: metadata, orientation, hashes, the fast path."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import imagehash
import pytest
from PIL import Image

from workbench.base.errors import AnalysisError
from workbench.library.analysis import THUMB_SIDE, analyse_file
from workbench.matching.hashing import picture_hashes
from workbench.media.decode import upright_picture

EXIF = Path(__file__).resolve().parents[2] / "data" / "exif"
NEARDUP = Path(__file__).resolve().parents[2] / "data" / "neardup"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Canon_40D.jpg",
            {
                "capture_time": "2008-05-30T15:56:01",
                "camera_make": "Canon",
                "camera_model": "Canon EOS 40D",
                "orientation": 1,
                "gps_latitude": None,
            },
        ),
        (
            # south of the equator: negative latitude
            "Kodak_CX7530.jpg",
            {
                "camera_make": "EASTMAN KODAK COMPANY",
                "gps_latitude": -0.3713,
                "gps_longitude": 36.0564167,
                "capture_time": "2005-08-13T09:47:23",
            },
        ),
        (
            # west of Greenwich: negative longitude
            "iphone_hdr_NO.jpg",
            {
                "camera_make": "Apple",
                "camera_model": "iPhone 6",
                "gps_latitude": 40.4469722,
                "gps_longitude": -3.7247528,
                "software": "8.3",
            },
        ),
        (
            # the offset the phone recorded is kept with the local time
            "HMD_Nokia_8.3_5G.jpg",
            {
                "capture_time": "2022-08-14T14:12:31+03:00",
                "camera_make": "HMD Global",
                "camera_model": "Nokia 8.3 5G",
                "gps_latitude": 60.1467056,
                "gps_longitude": 24.9067722,
            },
        ),
        ("canon_hdr_NO.jpg", {"orientation": 6, "camera_model": "Canon PowerShot SX60 HS"}),
        ("xmp_tags_orientation_exiftool.png", {"orientation": 3}),  # XMP only, no EXIF
    ],
)
def test_camera_metadata_matches_known_values(name: str, expected: dict[str, object]) -> None:
    meta = analyse_file(EXIF / name).metadata
    for field, value in expected.items():
        actual = getattr(meta, field)
        if isinstance(value, float):
            assert actual == pytest.approx(value, abs=1e-6), field
        else:
            assert actual == value, field


def test_iphone_heic_opens_with_metadata() -> None:
    result = analyse_file(EXIF / "IMG_5195.HEIC")
    assert result.mime == "image/heic"
    assert (result.width, result.height) == (2566, 3313)
    meta = result.metadata
    assert (meta.camera_make, meta.camera_model) == ("Apple", "iPhone 11 Pro Max")
    assert meta.capture_time == "2021-04-11T15:47:53-05:00"
    assert meta.gps_latitude == pytest.approx(39.0513444, abs=1e-6)
    assert meta.gps_longitude == pytest.approx(-94.2887722, abs=1e-6)
    assert {h.algorithm for h in result.hashes} == {"phash", "dhash"}


def test_exif_tags_are_kept_as_text_for_display() -> None:
    tags = analyse_file(EXIF / "Canon_40D.jpg").metadata.tags
    assert tags["Image Make"] == "Canon"
    assert tags["EXIF DateTimeOriginal"] == "2008:05:30 15:56:01"
    assert all(isinstance(v, str) for v in tags.values())


@pytest.mark.parametrize(
    "name", ["hopper_orientation_5.jpg", "hopper_orientation_6.jpg", "hopper_orientation_8.jpg"]
)
def test_picture_is_hashed_upright(name: str) -> None:
    """The rotated files show hopper upright; their hash must match the plain hopper."""
    reference = imagehash.phash(Image.open(NEARDUP / "hopper.png").convert("RGB"))
    upright = imagehash.phash(upright_picture(EXIF / name))
    as_stored = imagehash.phash(Image.open(EXIF / name).convert("RGB"))
    assert upright - reference <= 6
    assert as_stored - reference > 16  # without turning it, it would not match


def test_rotated_photo_reports_upright_size() -> None:
    result = analyse_file(EXIF / "canon_hdr_NO.jpg")  # stored 2048x1536, orientation 6
    assert (result.width, result.height) == (1536, 2048)
    assert (
        upright_picture(EXIF / "canon_hdr_NO.jpg").size[1]
        > upright_picture(EXIF / "canon_hdr_NO.jpg").size[0]
    )


@pytest.mark.parametrize(
    "name",
    [
        "HMD_Nokia_8.3_5G.jpg",
        "iphone_hdr_NO.jpg",
        "canon_hdr_NO.jpg",
        "Reconyx_HC500_Hyperfire.jpg",
    ],
)
def test_reduced_decode_gives_the_same_hashes_as_a_full_decode(name: str) -> None:
    fast = upright_picture(EXIF / name, draft=True)
    full = upright_picture(EXIF / name, draft=False)
    assert fast.size[0] * 4 <= full.size[0]  # the fast path really decoded less
    assert picture_hashes(fast) == picture_hashes(full)


def test_type_comes_from_content_not_name(tmp_path: Path) -> None:
    disguised = tmp_path / "holiday.png"
    shutil.copy(EXIF / "Canon_40D.jpg", disguised)
    assert analyse_file(disguised).mime == "image/jpeg"
    fake = tmp_path / "photo.jpg"
    fake.write_text("this is a text file, not a photo")
    with pytest.raises(AnalysisError, match="not a picture or video"):
        analyse_file(fake)


def test_identity_is_sha256_of_exact_bytes(tmp_path: Path) -> None:
    import hashlib

    path = EXIF / "flower.jpg"
    assert analyse_file(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert analyse_file(path).byte_size == path.stat().st_size


def test_thumbnail_is_a_small_jpeg() -> None:
    thumb = analyse_file(EXIF / "HMD_Nokia_8.3_5G.jpg").thumbnail
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as im:
        assert im.format == "JPEG"
        assert max(im.size) == THUMB_SIDE


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    """A tiny PNG header claiming 20000x20000 pixels: refused from the header alone."""
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(bomb, optimize=True)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(AnalysisError, match="decompression bomb"):
        analyse_file(bomb)


def test_video_is_described_from_its_content() -> None:
    video = Path(__file__).resolve().parents[2] / "data" / "video"
    result = analyse_file(video / "big_buck_bunny_432_433.webm")
    assert (result.kind, result.mime) == ("video", "video/webm")
    assert (result.width, result.height) == (1280, 720)
    assert result.duration_ms == 1000
    assert result.thumbnail is not None
    assert result.hashes and all(h.t_ms is not None for h in result.hashes)
