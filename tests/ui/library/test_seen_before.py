"""A screenshot of a stored video, in the window: the seen-before row names the video and
the time, and shows the frame at that time; the compare view shows that frame too."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QSplitter
from pytestqt.qtbot import QtBot

from tests.workbench.media.test_video_sampling import frame_at as decoded_at
from tests.workbench.media.test_video_sampling import make_video
from ui.library.compare_view import CompareView
from ui.library.seen_before import COL_PICTURE, load_seen_before, precise_video_time, video_time
from ui.main_window import MainWindow
from workbench.claims.views import ClaimView
from workbench.library.views import MediaView
from workbench.workspace import Workspace

SCENE_S = 4
#: Each scene is a textured pattern of one dominant colour: red, then green, then blue.
TINTS = ((1.0, 0.15, 0.15), (0.15, 1.0, 0.15), (0.15, 0.15, 1.0))
SCREENSHOT_S = 7.5  # in the green scene
SCREENSHOT = Path("/tmp/video_hit.png")  # kept for a person to look at
COMPARE_SCREENSHOT = Path("/tmp/video_compare.png")


def scenes_video(path: Path) -> Path:
    """12 s of MPEG-4: three scenes of four seconds (red, green, blue), each panning."""
    cuts = tuple(float(SCENE_S * i) for i in range(1, len(TINTS)))
    return make_video(path, len(TINTS) * SCENE_S, cuts, seed=7, tints=TINTS)


def mean_rgb(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    rows = np.frombuffer(rgb.constBits(), np.uint8).reshape(height, stride)
    return rows[:, : width * 3].reshape(height, width, 3).mean(axis=(0, 1))


def dominant(image: QImage) -> int:
    """0 red, 1 green, 2 blue."""
    return int(np.argmax(mean_rgb(image)))


def seconds(text: str) -> int:
    """The time a row names ("video at 1:23"), in seconds."""
    match = re.search(r"video at (?:(\d+):)?(\d+):(\d\d)", text)
    assert match, text
    hours, minutes, secs = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + secs


@pytest.fixture
def video_and_screenshot(
    tmp_path: Path, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> tuple[MediaView, MediaView]:
    """The video under the convoy claim, then a screenshot of it at 7.5 s under the
    checkpoint claim."""
    checkpoint, convoy, _ = sarwan_claims
    clip = scenes_video(tmp_path / "convoy.mp4")
    (stored,) = workspace.media.ingest([clip], claim_id=convoy.id)
    assert stored.media is not None, stored.error
    shot = tmp_path / "screenshot.png"
    decoded_at(clip, SCREENSHOT_S).save(shot)
    (found,) = workspace.media.ingest([shot], claim_id=checkpoint.id)
    assert found.media is not None, found.error
    return stored.media, found.media


def test_a_video_hit_names_the_time_and_shows_that_frame(
    qtbot: QtBot,
    window: MainWindow,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    video_and_screenshot: tuple[MediaView, MediaView],
) -> None:
    video, screenshot = video_and_screenshot
    window.resize(1280, 800)
    window.select_claim(sarwan_claims[0].id)
    seen = window.detail.seen_list
    qtbot.waitUntil(lambda: seen.topLevelItemCount() == 1 and seen.frames_pending == 0)
    item = seen.topLevelItem(0)
    assert item is not None
    text = item.text(COL_PICTURE)
    assert text.startswith("convoy.mp4\nvideo at 0:0")
    assert abs(seconds(text) - SCREENSHOT_S) <= 1  # the time, within a second
    (entry,) = load_seen_before(workspace, screenshot.id)
    t_ms = entry.duplicate.t_ms
    assert t_ms is not None and abs(t_ms - SCREENSHOT_S * 1000) <= 1000
    assert f"video at {video_time(t_ms)}" in text
    assert precise_video_time(t_ms) in item.toolTip(COL_PICTURE)
    # The row's picture is the green frame at that time, not the red first frame.
    icon = item.icon(COL_PICTURE).pixmap(256, 256).toImage()
    assert not icon.isNull()
    assert dominant(icon) == 1
    first_frame = QImage(str(workspace.media.thumbnail_path(video.sha256)))
    assert dominant(first_frame) == 0
    # Made once: shown from the cache next time, with nothing left to decode.
    assert entry.make_frame is None and entry.thumbnail is not None
    assert entry.thumbnail != workspace.media.thumbnail_path(video.sha256)

    # For a person to look at: the media half of the pane opened up, as an analyst would.
    window.resize(1400, 1000)
    splitter = window.detail.findChild(QSplitter, "detailSplitter")
    assert splitter is not None
    splitter.setSizes([250, 750])
    qtbot.wait(50)
    assert window.detail.grab().save(str(SCREENSHOT))


def test_the_compare_view_shows_the_frame_at_that_time(
    qtbot: QtBot, workspace: Workspace, video_and_screenshot: tuple[MediaView, MediaView]
) -> None:
    video, screenshot = video_and_screenshot
    # As the detail pane opens it: two ids, the time looked up.
    view = CompareView(workspace, screenshot.id, video.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.is_loaded, timeout=10_000)
    assert view.error is None
    assert view.right_t_ms is not None and abs(view.right_t_ms - SCREENSHOT_S * 1000) <= 1000
    title = view.right_title.text()
    assert f"convoy.mp4</b> · <b>video at {video_time(view.right_t_ms)}</b>" in title
    assert "first frame" not in title
    assert view.pictures is not None
    assert dominant(view.pictures.right) == 1
    assert view.pictures.right.size() == view.pictures.left.size()  # full size, same shape
    assert view.pictures.difference_mean < 20
    view.resize(1000, 480)
    qtbot.wait(20)
    assert view.grab().save(str(COMPARE_SCREENSHOT))
