"""Every file of the hostile corpus is a test case: a clear verdict, never a crash.

Files that are damaged only in their metadata still open (the picture is fine and the
analyst needs it); files whose picture cannot be decoded, or that claim absurd sizes, are
refused with a message that says why. Adding a file to ``tests/data/hostile`` without
classifying it here fails ``test_every_hostile_file_is_classified``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.base.errors import AnalysisError
from workbench.library.analysis import analyse_file
from workbench.library.views import IngestStatus
from workbench.workspace import Workspace

HOSTILE = Path(__file__).resolve().parents[2] / "data" / "hostile"

#: file -> ("image" | "video") when it must open, or a fragment of the refusal message.
EXPECTED: dict[str, str] = {
    "-video-with-dash-.mp4": "video",
    "broken.png": "cannot decode",
    "broken_data_stream.png": "image",
    "broken_exif_dpi.jpg": "image",
    "crash-0c7e0e8e11ce787078f00b5b0ca409a167f070e0.tif": "cannot decode",
    "decompression_bomb.gif": "decompression bomb",
    "decompression_bomb.ico": "decompression bomb",
    "decompression_bomb_extents.gif": "image",
    "empty_gps_ifd.jpg": "image",
    "exif-dpi-zerodivision.jpg": "image",
    "exif-ifd-offset.jpg": "image",
    "exif_gps_typeerror.jpg": "image",
    "hopper_bad_exif.jpg": "image",
    "invalid-exif.jpg": "image",
    "multiple_exif.jpg": "image",
    "no_duration.webm": "video",
    "oom-225817ca0f8c663be7ab4b9e717b02c661e66834.tif": "cannot decode",
    "png_decompression_dos.png": "too large",
    "pngtest_bad.png.bin": "not a picture or video",
    "reallybig.bmp": "decompression bomb",
    "result.webm": "empty file",
    "seek_too_large.tif": "not a picture or video",
    "sugarshack_bad_mpo_header.jpg": "image",
    "syntax_num_frames_zero.png": "cannot decode",
    "timeout-6646305047838720": "truncated",
    "truncated_app14.jpg": "image",
    "truncated_end_chunk.png": "image",
    "truncated_image.png": "truncated",
    "truncated_jpeg.jpg": "truncated",
    "unknown_compression_method.png": "cannot decode",
    "zero_width.gif": "cannot decode",
}


def hostile_files() -> list[str]:
    return sorted(p.name for p in HOSTILE.iterdir() if p.name != "SOURCES.md")


def test_every_hostile_file_is_classified() -> None:
    assert set(hostile_files()) == set(EXPECTED)


@pytest.mark.parametrize("name", hostile_files())
def test_hostile_file(name: str) -> None:
    expected = EXPECTED[name]
    path = HOSTILE / name
    if expected in ("image", "video"):
        result = analyse_file(path)
        assert result.kind == expected
        assert result.width and result.height
        if result.low_information:  # one flat colour (broken_exif_dpi.jpg): never matched
            assert result.hashes == ()
        else:
            assert {h.algorithm for h in result.hashes} == {"phash", "dhash"}
    else:
        with pytest.raises(AnalysisError) as info:
            analyse_file(path)
        assert expected in str(info.value)


def test_hostile_batch_goes_on_and_leaves_nothing_half_written(workspace: Workspace) -> None:
    good = Path(__file__).resolve().parents[2] / "data" / "exif" / "Canon_40D.jpg"
    results = workspace.media.ingest([HOSTILE, good])
    by_name = {Path(r.path).name: r for r in results}
    assert by_name["Canon_40D.jpg"].status is IngestStatus.ADDED
    for name, expected in EXPECTED.items():
        result = by_name[name]
        if expected in ("image", "video"):
            assert result.status is IngestStatus.ADDED, (name, result.error)
        else:
            assert result.status is IngestStatus.ERROR
            assert result.error and expected in result.error
    assert by_name["SOURCES.md"].status is IngestStatus.ERROR
    stored = {r.media.sha256 for r in results if r.media}
    assert set(workspace.store.iter_shas()) == stored
    assert list(workspace.store.tmp.iterdir()) == []
    assert workspace.verifier.run() == []
