"""A stored video's frame at a time (``video.frame_at``) and its cached JPEG
(``MediaService.frame_path``): the exact frame a player shows, upright, bounded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.workbench.media.test_video_sampling import FPS, SIZE, make_video
from tests.workbench.media.test_video_sampling import frame_at as decoded_at
from workbench.base.errors import AnalysisError
from workbench.media import video
from workbench.workspace import Workspace

FRAME_MS = 1000 / FPS


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference in levels, ``b`` scaled to ``a``'s size."""
    b = b.convert("RGB").resize(a.size, Image.Resampling.BILINEAR)
    return float(np.abs(np.asarray(a, float) - np.asarray(b, float)).mean())


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s, a scene cut at 5 s, one keyframe every 10 s (so a seek decodes forward)."""
    return make_video(tmp_path_factory.mktemp("frame") / "clip.mp4", 12, cuts_s=(5.0,))


@pytest.mark.parametrize("t_ms", [0, 40, 3_000, 4_990, 5_000, 7_500, 9_999, 10_020, 11_960])
def test_the_frame_at_a_time_is_the_one_a_player_shows(clip: Path, t_ms: int) -> None:
    picture = video.frame_at(clip, t_ms, max_side=max(SIZE))
    assert picture.size == SIZE and picture.mode == "RGB"
    # The last frame at or before t_ms: within one frame interval of it.
    shown_s = int(t_ms // FRAME_MS) / FPS
    assert t_ms / 1000 - shown_s < FRAME_MS / 1000
    assert difference(picture, decoded_at(clip, shown_s)) < 1.0
    # ...and not its neighbours (the picture pans 1 px a frame).
    if shown_s > 0:
        assert difference(picture, decoded_at(clip, shown_s - 1 / FPS)) > 1.0


def test_past_the_end_is_the_last_frame_and_sizes_are_bounded(clip: Path) -> None:
    last = decoded_at(clip, 11.96)
    assert difference(video.frame_at(clip, 60_000, max_side=320), last) < 1.0
    small = video.frame_at(clip, 7_500, max_side=64)
    assert small.size == (64, 48)


def test_a_turned_video_frame_is_upright(tmp_path: Path) -> None:
    path = make_video(tmp_path / "portrait.mp4", 3, rotation=90)
    picture = video.frame_at(path, 1_000, max_side=320)
    assert picture.size == (240, 320)  # as shown, not as stored
    shown = decoded_at(path, 1.0).rotate(90, expand=True)
    assert difference(picture, shown) < 1.0
    # the same way up as the thumbnail the analysis made
    info = video.probe(path, lambda _: None)
    assert difference(info.frame, video.frame_at(path, info.first_frame_ms)) < 2.0


def test_an_unreadable_file_is_an_analysis_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all" * 100)
    with pytest.raises(AnalysisError):
        video.frame_at(bad, 1_000)
    with pytest.raises(AnalysisError):
        video.frame_at(tmp_path / "missing.mp4", 1_000)


def test_the_service_caches_each_frame_once(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws", analyst="tester")
    try:
        path = make_video(tmp_path / "clip.mp4", 6, cuts_s=(3.0,))
        (result,) = ws.media.ingest([path])
        assert result.media is not None, result.error
        sha = result.media.sha256
        assert ws.media.frame_path(sha, 4_000, 128, cached_only=True) is None
        made = ws.media.frame_path(sha, 4_000, 128)
        assert made is not None and made.is_file()
        assert ws.media.frame_path(sha, 4_000, 128, cached_only=True) == made
        assert ws.media.frame_path(sha, 4_000, 256, cached_only=True) is None  # another size
        with Image.open(made) as jpeg:
            assert max(jpeg.size) == 128
            assert difference(jpeg.convert("RGB"), decoded_at(path, 4.0)) < 8.0
    finally:
        ws.close()
