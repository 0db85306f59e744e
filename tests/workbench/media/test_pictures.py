"""Pictures for display: upright, bounded in size, and their differences (no Qt here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile

from workbench.base.errors import AnalysisError
from workbench.library.shown import media_picture
from workbench.media.decode import upright_picture
from workbench.media.pictures import (
    amplify,
    difference_picture,
    display_picture,
    mean_level,
)
from workbench.workspace import Workspace


def test_an_orientation_6_photo_is_shown_upright(data: Path) -> None:
    path = data / "exif" / "canon_hdr_NO.jpg"  # stored 2048x1536, Orientation=6
    picture = display_picture(path)
    assert picture.mode == "RGB"
    assert picture.size == (1536, 2048)  # turned: taller than wide, full resolution


def test_upright_matches_the_analysis_turn(data: Path) -> None:
    path = data / "exif" / "hopper_orientation_6.jpg"
    shown = display_picture(path)
    reference = upright_picture(path, draft=False)
    assert shown.size == reference.size
    assert mean_level(difference_picture(shown, reference)) < 1.0
    # ...and it is hopper.png turned upright, not a rotated copy of it
    upright = Image.open(data / "neardup" / "hopper.png").convert("RGB")
    assert mean_level(difference_picture(shown, upright)) < 12.0


def test_a_large_photo_is_bounded_to_max_side(data: Path) -> None:
    path = data / "exif" / "iphone_hdr_NO.jpg"  # 3264x2448
    picture = display_picture(path, max_side=1000)
    assert max(picture.size) == 1000
    assert abs(picture.size[0] / picture.size[1] - 3264 / 2448) < 0.01


def test_a_wide_photo_still_uses_a_reduced_decode(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft request follows the picture's shape, so a 4:3 photo is decoded at 1/2."""
    asked: list[tuple[int, int]] = []
    original = JpegImageFile.draft

    def spy(self: JpegImageFile, mode: str | None, size: tuple[int, int] | None) -> object:
        assert size is not None
        asked.append(size)
        result = original(self, mode, size)
        asked.append(self.size)
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    picture = display_picture(data / "exif" / "iphone_hdr_NO.jpg", max_side=1632)
    assert asked[0] == (1632, 1224)
    assert asked[1] == (1632, 1224)  # decoded at 1/2 scale, not in full
    assert picture.size == (1632, 1224)


def test_a_small_picture_is_never_enlarged(data: Path) -> None:
    assert display_picture(data / "neardup" / "hopper.png", max_side=4000).size == (128, 128)


def test_transparency_is_shown_on_white(data: Path) -> None:
    picture = display_picture(data / "neardup" / "peppers.png")
    assert picture.mode == "RGB" and picture.size == (600, 600)


def test_unreadable_and_missing_files_say_why(tmp_path: Path) -> None:
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a picture at all")
    with pytest.raises(AnalysisError, match="cannot decode"):
        display_picture(junk)
    with pytest.raises(AnalysisError, match="missing"):
        display_picture(tmp_path / "gone.jpg")


def test_difference_of_a_re_encode_is_nearly_black(data: Path) -> None:
    jpg = display_picture(data / "neardup" / "hopper.jpg")
    png = display_picture(data / "neardup" / "hopper.png")
    peppers = display_picture(data / "neardup" / "peppers.jpg")
    assert mean_level(difference_picture(jpg, png)) < 5.0
    different = difference_picture(jpg, peppers)  # peppers scaled down to hopper's size
    assert different.size == jpg.size
    assert mean_level(different) > 30.0


def test_the_original_of_a_stored_media_is_found_and_shown(
    workspace: Workspace, data: Path, tmp_path: Path
) -> None:
    source = tmp_path / "photo.jpg"
    shutil.copyfile(data / "exif" / "hopper_orientation_6.jpg", source)
    (result,) = workspace.media.ingest([source])
    assert result.media is not None
    path = workspace.media.original_path(result.media.sha256)
    assert path.is_file() and path.read_bytes() == source.read_bytes()
    assert display_picture(path).size == (result.media.width, result.media.height)


def test_a_video_is_shown_by_its_thumbnail(workspace: Workspace, data: Path) -> None:
    (result,) = workspace.media.ingest([data / "video" / "big_buck_bunny_432_433.webm"])
    assert result.media is not None and result.media.kind == "video"
    picture = media_picture(workspace.media, result.media)
    assert picture.mode == "RGB" and picture.size == (256, 144)
    assert picture.tobytes()  # decoded, not a lazy handle on a closed file


def test_a_picture_of_a_stored_media_is_its_original(workspace: Workspace, data: Path) -> None:
    (result,) = workspace.media.ingest([data / "exif" / "canon_hdr_NO.jpg"])
    assert result.media is not None
    assert media_picture(workspace.media, result.media, max_side=512).size == (384, 512)


def test_amplify_brightens_faint_differences_and_clips(data: Path) -> None:
    jpg = display_picture(data / "neardup" / "hopper.jpg")
    png = display_picture(data / "neardup" / "hopper.png")
    faint = difference_picture(jpg, png)
    strong = amplify(faint, 8)
    assert strong.size == faint.size and strong.mode == "RGB"
    assert mean_level(strong) > 4 * mean_level(faint)
    white = amplify(Image.new("RGB", (2, 2), (200, 10, 0)), 8)
    assert white.getpixel((0, 0)) == (255, 80, 0)


def test_an_iphone_heic_displays_in_a_fresh_process() -> None:
    """HEIC support is loaded lazily: the viewer must not depend on an earlier analysis."""
    import subprocess
    import sys

    code = (
        "from pathlib import Path; from workbench.media.pictures import display_picture; "
        "p = display_picture(Path('tests/data/exif/IMG_5195.HEIC'), 512); print(p.size)"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(397, 512)"
