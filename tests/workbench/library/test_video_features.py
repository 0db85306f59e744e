"""Local features of video frames: a dark scene's screenshot located in its video, a frame
inside a post screenshot found in the video, video-frame hash hits verified.

The video is made here with PyAV from real photos (tests/data/skimage, public domain): three
shots of three seconds, each a 640x360 window panning slowly across its photo; the middle
shot is a night version of its photo (linear light, exposure cut by four stops, photon and
read noise of a small sensor: mean level about 20 of 255), as footage from a front line at
night looks.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image, ImageEnhance
from sqlalchemy import func, select

from storage.schema import FrameFeatures, MediaFeatures
from tests.cli.test_cli import CLI
from tests.composites import post_with, side_by_side
from workbench.library.views import NearDuplicate
from workbench.matching import confirm, video_frames
from workbench.workspace import Location, Workspace

DATA = Path(__file__).resolve().parents[2] / "data" / "skimage"
PHOTOS = ("coffee.png", "astronaut.png", "chelsea.png")
FPS, SIZE, SHOT_S = 25, (640, 360), 3
NIGHT_SHOT = 1


def night(picture: Image.Image, stops: float, seed: int = 7) -> Image.Image:
    srgb = np.asarray(picture.convert("RGB"), np.float32) / 255
    light = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    light *= 2.0**-stops
    rng = np.random.default_rng(seed)
    electrons = rng.poisson(np.clip(light, 0, 1) * 3000.0).astype(np.float32)
    light = (electrons + rng.normal(0, 3.0, electrons.shape)) / 3000.0
    light = np.clip(light, 0, 1)
    out = np.where(light <= 0.0031308, light * 12.92, 1.055 * light ** (1 / 2.4) - 0.055)
    return Image.fromarray((out * 255 + 0.5).astype(np.uint8))


def shot_picture(index: int) -> Image.Image:
    """The photo of shot ``index``, scaled to cover the frame with room to pan."""
    photo = Image.open(DATA / PHOTOS[index]).convert("RGB")
    w, h = SIZE
    scale = max((w + SHOT_S * FPS) / photo.width, h / photo.height)
    photo = photo.resize((round(photo.width * scale), round(photo.height * scale)))
    return night(photo, 4) if index == NIGHT_SHOT else photo


def frame_picture(t_s: float) -> Image.Image:
    """What the video shows at ``t_s``: its shot's photo, panned 1 px a frame."""
    i = round(t_s * FPS)
    shot, step = divmod(i, SHOT_S * FPS)
    picture = shot_picture(shot)
    return picture.crop((step, 0, step + SIZE[0], SIZE[1]))


@pytest.fixture(scope="module")
def video_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("video") / "three-shots.mp4"
    pictures = [shot_picture(k) for k in range(len(PHOTOS))]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        stream.bit_rate = 3_000_000
        stream.codec_context.max_b_frames = 2
        for i in range(len(PHOTOS) * SHOT_S * FPS):
            shot, step = divmod(i, SHOT_S * FPS)
            window = pictures[shot].crop((step, 0, step + SIZE[0], SIZE[1]))
            frame = av.VideoFrame.from_image(window)
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_featured_frames_are_the_first_each_cut_and_one_every_two_seconds(
    video_path: Path,
) -> None:
    times = [t for t, _ in video_frames.feature_frames(video_path)]
    assert times[0] == 0
    cuts = [k * SHOT_S * 1000 for k in range(1, len(PHOTOS))]
    for cut in cuts:  # the frame after each cut (non-reference frames are skipped)
        assert any(cut <= t <= cut + 200 for t in times), (cut, times)
    starts = [0, *cuts]
    for moment in range(0, len(PHOTOS) * SHOT_S * 1000, 40):
        shot_start = max(s for s in starts if s <= moment)
        own_shot = [t for t in times if shot_start <= t < shot_start + SHOT_S * 1000]
        assert min(abs(t - moment) for t in own_shot) <= 1000 + 120, moment
    assert len(times) <= 3 * 3  # no more than the rule's frames


@pytest.fixture
def stored_video(workspace: Workspace, video_path: Path) -> str:
    [result] = workspace.media.ingest([video_path])
    assert result.media is not None
    assert [str(m[0]) for m in workspace.features.pending()] == [result.media.id]
    done = workspace.features.run_pass()
    assert (done.considered, done.computed, done.errors) == (1, 1, ())
    assert workspace.features.pending() == []
    assert workspace.features.run_pass().considered == 0  # nothing done twice
    return result.media.id


def test_the_pass_keeps_a_video_s_frames_and_marks_it_done(
    workspace: Workspace, stored_video: str
) -> None:
    with workspace.db.read() as session:
        frames = session.scalar(select(func.count()).select_from(FrameFeatures))
        own = session.scalars(select(MediaFeatures.points)).all()
    assert frames is not None and 6 <= frames <= 9
    assert own == [0]  # the video's own row: done, no picture features of its own
    names = [n for n in workspace.features.words.names() if n.startswith(stored_video)]
    assert len(names) >= 5  # the frames with points enough (the night shot's too)


def _found(workspace: Workspace, query: Path, video_id: str) -> list[NearDuplicate]:
    [result] = workspace.media.match([query])
    assert result.error is None
    return [m for m in result.matches if m.media_id == video_id]


@pytest.mark.parametrize("t_s", [3.6, 4.5, 5.6])
def test_a_screenshot_of_the_dark_scene_is_located_within_a_second(
    workspace: Workspace, stored_video: str, tmp_path: Path, t_s: float
) -> None:
    shot = tmp_path / f"dark-{t_s}.jpg"
    frame_picture(t_s).save(shot, quality=85)
    assert np.asarray(Image.open(shot).convert("L")).mean() < 40  # a night scene
    [match] = _found(workspace, shot, stored_video)
    assert match.t_ms is not None and abs(match.t_ms - t_s * 1000) <= 1000, match


def test_a_brightened_screenshot_of_the_dark_scene_too(
    workspace: Workspace, stored_video: str, tmp_path: Path
) -> None:
    dark = np.asarray(frame_picture(4.0), np.float32)
    shot = tmp_path / "brightened.jpg"
    Image.fromarray(np.clip(dark * 4, 0, 255).astype(np.uint8)).save(shot, quality=85)
    [match] = _found(workspace, shot, stored_video)
    assert match.t_ms is not None and abs(match.t_ms - 4000) <= 1000, match


@pytest.mark.parametrize("t_s", [1.2, 7.4])
def test_a_frame_inside_a_post_screenshot_is_found_in_the_video(
    workspace: Workspace, stored_video: str, tmp_path: Path, t_s: float
) -> None:
    frame = tmp_path / "frame.png"
    frame_picture(t_s).save(frame)
    post = post_with(frame, tmp_path / "post.png")
    [match] = _found(workspace, post, stored_video)
    assert match.evidence in ("region", "inside"), match  # the post's photo, or features
    assert match.t_ms is not None and abs(match.t_ms - t_s * 1000) <= 1000, match
    assert match.where is not None and match.where.startswith("contains it:"), match


def test_a_frame_beside_another_photo_is_found_by_local_features_alone(
    workspace: Workspace, stored_video: str, tmp_path: Path
) -> None:
    frame = tmp_path / "frame.jpg"
    frame_picture(7.0).save(frame, quality=60)
    collage = side_by_side([frame, DATA / "rocket.jpg"], tmp_path / "collage.png")
    [match] = _found(workspace, collage, stored_video)
    assert (match.evidence, match.distance) == ("inside", None), match  # no hash view met
    assert match.t_ms is not None and abs(match.t_ms - 7000) <= 1000, match
    assert match.points is not None and match.points >= 15


def test_a_hash_hit_on_a_video_frame_is_verified_by_the_frame_s_features(
    workspace: Workspace, stored_video: str, tmp_path: Path
) -> None:
    shot = tmp_path / "edited.jpg"
    ImageEnhance.Brightness(frame_picture(7.0)).enhance(1.2).save(shot, quality=30)
    [match] = _found(workspace, shot, stored_video)
    assert match.evidence == "whole" and match.distance is not None  # a hash view met ...
    assert match.distance > confirm.NEAR_IDENTICAL  # ... not near-identical: so verified
    assert match.points is not None and match.points >= 15
    assert match.where is not None and match.where.startswith("whole picture")


def test_another_night_photo_does_not_meet_the_dark_scene(
    workspace: Workspace, stored_video: str, tmp_path: Path
) -> None:
    other = Image.open(DATA / "rocket.jpg").convert("RGB").resize(SIZE)
    shot = tmp_path / "other-night.jpg"
    night(other, 4, seed=3).save(shot, quality=85)
    assert _found(workspace, shot, stored_video) == []


def test_a_command_line_ingest_keeps_the_frames_at_once(video_path: Path, tmp_path: Path) -> None:
    cli = CLI(tmp_path / "ws")
    [added] = cli.json("ingest", str(video_path))
    frame = tmp_path / "frame.jpg"
    frame_picture(1.5).save(frame, quality=60)
    collage = side_by_side([DATA / "rocket.jpg", frame], tmp_path / "collage.png")
    [result] = cli.json("match", str(collage))
    [near] = [m for m in result["matches"] if m["media_id"] == added["media_id"]]
    assert (near["evidence"], near["distance"]) == ("inside", None)
    assert abs(near["t_ms"] - 1500) <= 1000 and near["points"] >= 15
    assert near["where"].startswith("contains it: ")
    assert cli.json("reindex")["features"]["considered"] == 0  # nothing left for the pass


def test_a_second_workstation_learns_the_frames_another_computed(
    workspace: Workspace, video_path: Path, tmp_path: Path
) -> None:
    [result] = workspace.media.ingest([video_path])  # the window's way: frames left to the pass
    assert result.media is not None
    other = Workspace(Location.of(workspace.location.folder), analyst="colleague")
    try:
        assert not other.features.words.names()
        workspace.features.run_pass()
        assert other.features.run_pass().considered == 0  # catches up, computes nothing
        frames = [n for n in other.features.words.names() if n.startswith(result.media.id)]
        assert len(frames) >= 5
        frame = tmp_path / "frame.jpg"
        frame_picture(7.0).save(frame, quality=60)
        collage = side_by_side([frame, DATA / "rocket.jpg"], tmp_path / "collage.png")
        [found] = other.media.match([collage])
        assert [m.media_id for m in found.matches] == [result.media.id]
    finally:
        other.close()
