"""Keyframes for a reverse image search: the first frame, one after each cut, one every
interval in a long shot, written as JPEGs named by time with an index; the command line's
shape; cancel leaves no index; a picture is refused by name."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.cli.test_cli import CLI
from tests.workbench.library.test_video_features import PHOTOS, SHOT_S, frame_picture, video_path
from workbench.base.errors import Cancelled
from workbench.library.keyframes import INDEX, frame_name, write_keyframes

__all__ = ["video_path"]  # the fixture, shared


def test_keyframes_are_the_cuts_and_the_long_shots_named_by_time(
    video_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "keys"
    written = write_keyframes(video_path, out, interval_ms=2000, about={"name": "three-shots"})
    times = [k.t_ms for k in written]
    assert times[0] == 0
    for cut in (k * SHOT_S * 1000 for k in range(1, len(PHOTOS))):
        assert any(cut <= t <= cut + 200 for t in times), (cut, times)
    assert len(times) <= 9
    index = json.loads((out / INDEX).read_text("utf-8"))
    assert index["name"] == "three-shots" and index["interval_ms"] == 2000
    assert [k["t_ms"] for k in index["keyframes"]] == times
    for k in written:
        assert k.path.name == frame_name(k.t_ms) and k.path.parent == out
        with Image.open(k.path) as picture:
            assert picture.format == "JPEG" and picture.size == (640, 360)
    assert sorted(p.name for p in out.iterdir()) == sorted([INDEX, *(k.path.name for k in written)])
    # Each keyframe is its moment of the video (not another shot's frame).
    first = np.asarray(Image.open(written[0].path).convert("L").resize((64, 36)), np.float32)
    wanted = np.asarray(frame_picture(0).convert("L").resize((64, 36)), np.float32)
    assert abs(float(first.mean()) - float(wanted.mean())) < 8
    assert frame_name(3_723_456) == "keyframe-01h02m03s456.jpg"


def test_cancel_leaves_the_frames_written_and_no_index(video_path: Path, tmp_path: Path) -> None:
    seen: list[int] = []
    with pytest.raises(Cancelled):
        write_keyframes(
            video_path,
            tmp_path / "k",
            interval_ms=2000,
            progress=seen.append,
            should_cancel=lambda: len(seen) >= 2,
        )
    assert len(seen) == 2 and not (tmp_path / "k" / INDEX).exists()


def test_the_command_writes_keyframes_and_refuses_a_picture(
    video_path: Path, tmp_path: Path
) -> None:
    cli = CLI(tmp_path / "ws")
    [video] = cli.json("ingest", "--later", str(video_path))
    done = cli.json("keyframes", video["media_id"], "--out", str(tmp_path / "out"), "--every", "2")
    assert done and set(done[0]) == {"t_ms", "path"} and done[0]["t_ms"] == 0
    assert all(Path(k["path"]).is_file() for k in done)
    data = Path(__file__).resolve().parents[2] / "data" / "neardup" / "hopper.jpg"
    [picture] = cli.json("ingest", str(data))
    refused = cli.run("keyframes", picture["media_id"], "--out", str(tmp_path / "p"))
    assert refused.returncode == 1 and "not a video" in refused.stderr
