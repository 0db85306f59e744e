"""The compare view on real widgets: both pictures, blend, difference, one zoom for all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.composites import post_with
from ui.library.compare_view import BLEND, DIFFERENCE, SIDE_BY_SIDE, CompareView, open_compare_view
from workbench.library.views import MediaView
from workbench.workspace import Workspace

NEARDUP = Path(__file__).resolve().parents[2] / "data" / "neardup"
EXIF = NEARDUP.parent / "exif"
SCREENSHOT = Path("/tmp/compare.png")  # kept for a person to look at


def ingest(workspace: Workspace, path: Path) -> MediaView:
    (result,) = workspace.media.ingest([path])
    assert result.media is not None, result.error
    return result.media


def open_compare(qtbot: QtBot, workspace: Workspace, left: str, right: str) -> CompareView:
    view = CompareView(workspace, left, right)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.is_loaded, timeout=10_000)
    assert view.error is None
    return view


def mean_level(image: QImage) -> float:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    rows = np.frombuffer(rgb.constBits(), np.uint8).reshape(height, stride)
    return float(rows[:, : width * 3].mean())


@pytest.fixture
def hoppers(workspace: Workspace) -> tuple[MediaView, MediaView]:
    return ingest(workspace, NEARDUP / "hopper.jpg"), ingest(workspace, NEARDUP / "hopper.png")


def test_both_pictures_are_shown_with_their_titles(
    qtbot: QtBot, workspace: Workspace, hoppers: tuple[MediaView, MediaView]
) -> None:
    jpg, png = hoppers
    view = open_compare(qtbot, workspace, jpg.id, png.id)
    assert view.left_view.has_picture and view.right_view.has_picture
    assert view.left_view.picture_item.pixmap().size().toTuple() == (128, 128)
    assert view.right_view.picture_item.pixmap().size().toTuple() == (128, 128)
    assert "hopper.jpg" in view.left_title.text() and "first seen" in view.left_title.text()
    assert "hopper.png" in view.right_title.text()
    assert "distance 0" in view.right_title.text()
    assert view.mode == SIDE_BY_SIDE
    view.resize(1100, 560)
    qtbot.wait(20)
    assert view.grab().save(str(SCREENSHOT))


def test_the_blend_slider_sets_the_overlay_opacity(
    qtbot: QtBot, workspace: Workspace, hoppers: tuple[MediaView, MediaView]
) -> None:
    jpg, png = hoppers
    view = open_compare(qtbot, workspace, jpg.id, png.id)
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert view.mode == BLEND and view.pages.currentIndex() == BLEND
    assert view.blend_view.overlay_item.isVisible()
    view.blend_slider.setValue(20)
    assert view.blend_opacity == pytest.approx(0.20)
    view.blend_slider.setValue(100)
    assert view.blend_opacity == pytest.approx(1.0)
    assert "100%" in view.blend_label.text()


def test_the_difference_of_a_re_encode_is_nearly_black_of_another_picture_not(
    qtbot: QtBot, workspace: Workspace, hoppers: tuple[MediaView, MediaView]
) -> None:
    jpg, png = hoppers
    same = open_compare(qtbot, workspace, jpg.id, png.id)
    qtbot.keyClick(same, Qt.Key.Key_3)
    assert same.mode == DIFFERENCE and same.difference_view.has_picture
    assert same.difference_image is not None
    assert mean_level(same.difference_image) < 5
    # amplified, the re-encoding's faint traces show; the zoom stays where it was
    same.difference_view.zoom_in()
    zoom = same.difference_view.zoom
    shown = same.difference_view.picture_item
    qtbot.keyClick(same, Qt.Key.Key_A)
    assert same.amplify_box.isChecked()
    assert mean_level(shown.pixmap().toImage()) > 4 * mean_level(same.difference_image)
    assert same.difference_view.zoom == pytest.approx(zoom)
    assert same.left_view.zoom == pytest.approx(zoom)

    peppers = ingest(workspace, NEARDUP / "peppers.jpg")
    other = open_compare(qtbot, workspace, jpg.id, peppers.id)
    assert other.difference_image is not None
    assert other.difference_image.size() == other.pictures.left.size()  # type: ignore[union-attr]
    assert mean_level(other.difference_image) > 30
    assert "not a near duplicate" in other.right_title.text()


def test_zooming_one_side_zooms_the_other_equally(
    qtbot: QtBot, workspace: Workspace, hoppers: tuple[MediaView, MediaView]
) -> None:
    jpg, png = hoppers
    view = open_compare(qtbot, workspace, jpg.id, png.id)
    left, right = view.left_view, view.right_view
    left.zoom_in()
    left.zoom_in()
    assert left.zoom == pytest.approx(1.25**2 * 1.0)  # a 128-px picture fits at 100%
    assert right.transform() == left.transform()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert right.zoom == pytest.approx(left.zoom) and left.zoom == pytest.approx(1.25**3)
    right.zoom_out()  # the right leads as well
    assert left.transform() == right.transform()

    # panning one pans the other (both look at the same pixel of the picture)
    for _ in range(6):
        left.zoom_in()
    left.horizontalScrollBar().setValue(left.horizontalScrollBar().maximum())
    assert abs(right.visible_centre().x() - left.visible_centre().x()) < 2
    assert right.horizontalScrollBar().value() >= right.horizontalScrollBar().maximum() - 1

    # the other modes open at the same zoom and place
    view.set_mode(BLEND)
    assert view.blend_view.transform() == left.transform()
    view.set_mode(DIFFERENCE)
    assert view.difference_view.zoom == pytest.approx(left.zoom)


def test_pictures_of_different_sizes_share_coordinates(qtbot: QtBot, workspace: Workspace) -> None:
    """A big, turned photo against a small one: the right one is shown on the left's
    rectangle, so the same pixel lines up in both."""
    left = ingest(workspace, EXIF / "canon_hdr_NO.jpg")  # 1536x2048 upright
    right = ingest(workspace, NEARDUP / "canon_hdr_YES.jpg")
    view = open_compare(qtbot, workspace, left.id, right.id)
    assert view.left_view.picture_rect() == view.right_view.picture_rect()
    assert view.left_view.picture_rect().size().toTuple() == (1536, 2048)
    assert view.difference_image is not None
    assert view.difference_image.size().toTuple() == (1536, 2048)
    view.left_view.zoom_in()
    assert view.right_view.zoom == pytest.approx(view.left_view.zoom)


def test_an_unknown_media_opens_nothing(
    qtbot: QtBot, workspace: Workspace, hoppers: tuple[MediaView, MediaView]
) -> None:
    jpg, _ = hoppers
    assert open_compare_view(workspace, jpg.id, "00000000-0000-0000-0000-000000000000") is None


def test_a_photo_inside_a_post_is_boxed_with_the_points_that_agree(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    photo = ingest(workspace, NEARDUP.parent / "skimage" / "chelsea.png")
    post = ingest(
        workspace, post_with(NEARDUP.parent / "skimage" / "chelsea.png", tmp_path / "p.png")
    )
    view = open_compare(qtbot, workspace, post.id, photo.id)
    assert view.points_box.isEnabled() and view.points_box.isChecked()
    assert "points agree" in view.right_title.text()
    # In the post (left, shown at its own size here), the photo was pasted at (20, 130).
    box = view.left_view.box_item.rect()
    assert view.left_view.box_item.isVisible() and abs(box.left() - 20) < 25
    assert abs(box.top() - 130) < 25
    # In the photo (right), the whole of it: the post holds all of it.
    assert view.right_view.box_item.isVisible()
    assert not view.left_view.points_item.path().isEmpty()
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert not view.points_box.isChecked() and not view.left_view.box_item.isVisible()


def test_two_different_pictures_get_no_marks(
    qtbot: QtBot, workspace: Workspace, hoppers: tuple[MediaView, MediaView]
) -> None:
    other = ingest(workspace, NEARDUP / "peppers.png")
    view = open_compare(qtbot, workspace, hoppers[0].id, other.id)
    assert not view.points_box.isEnabled()
    assert not view.left_view.box_item.isVisible() and not view.right_view.box_item.isVisible()
