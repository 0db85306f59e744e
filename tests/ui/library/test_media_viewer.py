"""The media viewer on real widgets: an upright picture, its facts, zoom, and seen-before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt, QThreadPool
from PySide6.QtGui import QGuiApplication, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.library.compare_view import CompareView
from ui.library.media_viewer import MediaViewer, open_media_viewer
from ui.library.seen_before import CLAIM_IDS_ROLE, COL_CLAIMS, COL_DISTANCE, COL_PICTURE
from ui.presentation import format_time
from workbench.claims.views import ClaimView
from workbench.library.views import MediaView
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "data"
EXIF, NEARDUP = DATA / "exif", DATA / "neardup"
SCREENSHOT = Path("/tmp/viewer.png")  # kept for a person to look at


def ingest(workspace: Workspace, path: Path, claim_id: str | None = None) -> MediaView:
    (result,) = workspace.media.ingest([path], claim_id=claim_id)
    assert result.media is not None, result.error
    return result.media


def open_viewer(qtbot: QtBot, workspace: Workspace, media_id: str) -> MediaViewer:
    viewer = MediaViewer(workspace, media_id)
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    qtbot.waitUntil(lambda: viewer.is_loaded, timeout=10_000)
    assert viewer.picture_error is None
    return viewer


def test_an_orientation_6_photo_is_shown_upright(qtbot: QtBot, workspace: Workspace) -> None:
    media = ingest(workspace, EXIF / "canon_hdr_NO.jpg")  # stored 2048x1536, Orientation=6
    viewer = open_viewer(qtbot, workspace, media.id)
    pixmap = viewer.view.picture_item.pixmap()
    assert (pixmap.width(), pixmap.height()) == (1536, 2048)  # portrait, as the camera held it
    assert (media.width, media.height) == (1536, 2048)
    assert "6 — turned 90° clockwise" in viewer.facts["Orientation"].text()


def test_hopper_orientation_6_matches_the_upright_original(
    qtbot: QtBot, workspace: Workspace
) -> None:
    media = ingest(workspace, EXIF / "hopper_orientation_6.jpg")
    viewer = open_viewer(qtbot, workspace, media.id)
    shown = viewer.view.picture_item.pixmap().toImage()
    # turned upright it is hopper.png again (a sideways copy would differ everywhere)
    upright = Image.open(NEARDUP / "hopper.png").convert("RGB")
    diffs = [
        abs(shown.pixelColor(x, y).red() - upright.getpixel((x, y))[0])
        for x in range(0, 128, 8)
        for y in range(0, 128, 8)
    ]
    assert sum(diffs) / len(diffs) < 20


def test_the_exif_highlights_of_an_iphone_photo(qtbot: QtBot, workspace: Workspace) -> None:
    media = ingest(workspace, EXIF / "iphone_hdr_NO.jpg")
    viewer = open_viewer(qtbot, workspace, media.id)
    text = viewer.facts_text()
    assert "Camera: iPhone 6" in text or "Camera: Apple iPhone 6" in text
    assert "GPS: 40.44697, -3.72475" in text
    assert f"Dimensions: {media.width} × {media.height} pixels" in text
    assert "Type: image/jpeg" in text
    assert "Added by: tester" in text
    assert media.capture_time and f"Taken: {media.capture_time}" in text
    assert media.software and f"Software: {media.software}" in text
    assert viewer.windowTitle().startswith("iphone_hdr_NO.jpg")
    # a 12 MP photo arrives whole (under VIEW_SIDE) and upright
    assert viewer.picture_size.width() * viewer.picture_size.height() == 3264 * 2448


def test_copy_puts_the_sha256_on_the_clipboard(qtbot: QtBot, workspace: Workspace) -> None:
    media = ingest(workspace, NEARDUP / "hopper.jpg")
    viewer = open_viewer(qtbot, workspace, media.id)
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(viewer.copy_sha_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == media.sha256
    assert viewer.sha_field.text() == media.sha256


def test_zoom_in_out_and_fit_change_the_view(qtbot: QtBot, workspace: Workspace) -> None:
    media = ingest(workspace, EXIF / "canon_hdr_NO.jpg")
    viewer = open_viewer(qtbot, workspace, media.id)
    view = viewer.view
    fitted = view.zoom
    assert view.fitted and fitted < 1.0  # a 2048-pixel-tall picture fits a 760-pixel window
    qtbot.keyClick(viewer, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == pytest.approx(fitted * 1.25)
    assert not view.fitted
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == pytest.approx(fitted / 1.25)
    qtbot.keyClick(viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.fitted and view.zoom == pytest.approx(fitted)
    assert viewer.zoom_label.text().startswith("Fit")

    # Ctrl+wheel zooms; the wheel alone scrolls
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(
        centre,
        view.viewport().mapToGlobal(centre),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom == pytest.approx(fitted * 1.25**2)
    assert view.horizontalScrollBar().maximum() > 0  # now larger than the window: pannable


def test_seen_before_lists_the_duplicate_and_opens_the_compare_view(
    qtbot: QtBot, workspace: Workspace, sarwan_claims: list[ClaimView], tmp_path: Path
) -> None:
    checkpoint, convoy, _ = sarwan_claims
    earlier = ingest(workspace, NEARDUP / "hopper.png", convoy.id)
    ingest(workspace, NEARDUP / "peppers.jpg", convoy.id)
    photo = tmp_path / "sarwan_checkpoint.jpg"
    shutil.copyfile(NEARDUP / "hopper.jpg", photo)
    media = ingest(workspace, photo, checkpoint.id)
    viewer = open_viewer(qtbot, workspace, media.id)

    tree = viewer.duplicates
    assert tree.topLevelItemCount() == 1  # hopper.png, not peppers
    item = tree.topLevelItem(0)
    assert item is not None
    first_seen = format_time(earlier.acquired_at)
    assert item.text(COL_PICTURE) == f"hopper.png\n{first_seen}"
    assert item.text(COL_DISTANCE) == "0"
    assert "Convoy of reinforcements" in item.text(COL_CLAIMS)
    assert convoy.id in item.toolTip(COL_CLAIMS)
    assert item.data(COL_CLAIMS, CLAIM_IDS_ROLE) == (convoy.id,)
    assert not item.icon(0).isNull()  # the thumbnail

    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert viewer.grab().save(str(SCREENSHOT))

    rect = tree.visualItemRect(item)
    # a real double-click is press, release, double-click: the view opens on the last
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(viewer.compare_views) == 1
    compare = viewer.compare_views[0]
    assert isinstance(compare, CompareView)
    assert (compare.left.id, compare.right.id) == (media.id, earlier.id)
    assert compare.distance == 0
    qtbot.waitUntil(lambda: compare.is_loaded, timeout=10_000)
    compare.close()


def test_a_video_shows_its_thumbnail_and_facts(qtbot: QtBot, workspace: Workspace) -> None:
    media = ingest(workspace, DATA / "video" / "big_buck_bunny_432_433.webm")
    viewer = open_viewer(qtbot, workspace, media.id)
    assert viewer.view.has_picture
    text = viewer.facts_text()
    assert media.duration_ms and f"Duration: {media.duration_ms / 1000:.1f} s" in text
    assert "Type: video/" in text and "Size:" in text


def test_an_unknown_media_id_opens_nothing(qtbot: QtBot, workspace: Workspace) -> None:
    assert open_media_viewer(workspace, "00000000-0000-0000-0000-000000000000") is None


def test_a_missing_original_says_so_instead_of_a_picture(
    qtbot: QtBot, workspace: Workspace
) -> None:
    media = ingest(workspace, NEARDUP / "hopper.jpg")
    original = workspace.media.original_path(media.sha256)
    original.chmod(0o600)
    original.unlink()
    viewer = MediaViewer(workspace, media.id)
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: viewer.is_loaded, timeout=10_000)
    assert viewer.picture_error is not None and "missing" in viewer.picture_error
    assert "missing" in viewer.view.message


def test_closing_before_the_picture_arrives_is_harmless(qtbot: QtBot, workspace: Workspace) -> None:
    media = ingest(workspace, EXIF / "iphone_hdr_NO.jpg")
    viewer = open_media_viewer(workspace, media.id)
    assert viewer is not None and viewer.view.message.startswith("Loading")
    viewer.close()  # deleted on close; the decode finishes with nobody to tell
    assert QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)
