"""Drag-and-drop and paste on the real window; assertions on what the workspace stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
)
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ui.claims.claims_model import CLAIM_ID_ROLE
from ui.main_window import MainWindow
from ui.quick_capture import IMPORT_RUNNING, NOTHING_TO_PASTE, QuickCapture, post_url
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[1] / "data"
HOPPER_JPG = DATA / "neardup" / "hopper.jpg"
PEPPERS_PNG = DATA / "neardup" / "peppers.png"
EXIF_DIR = DATA / "exif"
INGEST_TIMEOUT_MS = 60_000


@pytest.fixture
def window(qtbot: QtBot, workspace: Workspace, sarwan_claims: list[ClaimView]) -> MainWindow:
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def capture(window: MainWindow) -> QuickCapture:
    found = window.findChildren(QuickCapture)
    assert len(found) == 1
    return found[0]


@pytest.fixture
def clipboard() -> Iterator[None]:
    yield
    QGuiApplication.clipboard().clear()


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drag_to(target: QWidget, mime: QMimeData, pos: QPoint) -> bool:
    """Enter and move over ``target`` at ``pos``; True if the drop would be taken."""
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(target, enter)
    move = QDragMoveEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(target, move)
    return move.isAccepted()


def drop_on(target: QWidget, mime: QMimeData, pos: QPoint, drag: bool = True) -> bool:
    """A whole drag (enter, move) and the drop at ``pos``; True if the drop was taken."""
    if drag:
        drag_to(target, mime, pos)
    drop = QDropEvent(
        QPointF(pos),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QEvent.Type.Drop,
    )
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def row_position(window: MainWindow, claim_id: str) -> QPoint:
    model = window.claims_view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 1)
        if index.data(CLAIM_ID_ROLE) == claim_id:
            return window.claims_view.visualRect(index).center()
    raise AssertionError(f"no row for {claim_id}")


def empty_table_position(window: MainWindow) -> QPoint:
    viewport = window.claims_view.viewport()
    pos = QPoint(viewport.width() // 2, viewport.height() - 5)
    assert not window.claims_view.indexAt(pos).isValid()
    return pos


def media_names(workspace: Workspace, claim_id: str) -> set[str]:
    return {m.original_name for m in workspace.claims.get(claim_id).media}


def test_a_drop_on_a_row_attaches_to_that_claim_not_the_selected_one(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, _ = sarwan_claims
    window.select_claim(checkpoint.id)
    viewport = window.claims_view.viewport()
    mime = file_mime(HOPPER_JPG, PEPPERS_PNG)
    pos = row_position(window, convoy.id)

    assert drag_to(viewport, mime, pos)
    assert capture(window).target_claim_id == convoy.id
    assert capture(window).drop_target.isVisible()
    assert window.statusBar().currentMessage() == f"Drop to attach to: {convoy.text}"
    assert window.selected_claim_id() == checkpoint.id  # hovering never re-selects

    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS):
        assert drop_on(viewport, mime, pos)
    assert media_names(workspace, convoy.id) == {"hopper.jpg", "peppers.png"}
    assert media_names(workspace, checkpoint.id) == set()
    assert window.selected_claim_id() == convoy.id  # the pane shows where they went
    assert not capture(window).drop_target.isVisible()


def test_leaving_the_table_clears_the_target(
    window: MainWindow, sarwan_claims: list[ClaimView]
) -> None:
    viewport = window.claims_view.viewport()
    assert drag_to(viewport, file_mime(HOPPER_JPG), row_position(window, sarwan_claims[2].id))
    QApplication.sendEvent(viewport, QEvent(QEvent.Type.DragLeave))
    assert capture(window).target_claim_id is None
    assert not capture(window).drop_target.isVisible()
    assert window.statusBar().currentMessage() == ""


def test_a_drop_on_empty_table_space_without_selection_stores_unattached(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    window.select_claim(None)
    viewport = window.claims_view.viewport()
    pos = empty_table_position(window)
    mime = file_mime(PEPPERS_PNG)
    assert drag_to(viewport, mime, pos)
    assert window.statusBar().currentMessage().startswith("Drop to add to the library")
    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS) as blocker:
        assert drop_on(viewport, mime, pos)
    [result] = blocker.args[0].results
    assert result.media is not None and result.media.original_name == "peppers.png"
    assert result.media.claim_ids == ()
    assert all(not media_names(workspace, c.id) for c in sarwan_claims)


def test_a_drop_on_the_window_attaches_to_the_selected_claim(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    claim = sarwan_claims[1]
    window.select_claim(claim.id)
    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS):
        assert drop_on(window.detail.fields.viewport(), file_mime(HOPPER_JPG), QPoint(10, 10))
    assert media_names(workspace, claim.id) == {"hopper.jpg"}


def test_a_folder_drop_imports_what_it_holds(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    claim = sarwan_claims[0]
    viewport = window.claims_view.viewport()
    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS) as blocker:
        assert drop_on(viewport, file_mime(EXIF_DIR), row_position(window, claim.id))
    stored = [r for r in blocker.args[0].results if r.media is not None]
    assert len(stored) > 1
    assert len(workspace.claims.get(claim.id).media) == len({r.media.id for r in stored})


def test_links_from_a_browser_are_not_taken(
    window: MainWindow, sarwan_claims: list[ClaimView]
) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.org/picture.jpg")])
    viewport = window.claims_view.viewport()
    assert not drop_on(viewport, mime, row_position(window, sarwan_claims[0].id))
    assert not window.ingest_running


def test_a_drop_during_an_import_is_refused(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    first, second, _ = sarwan_claims
    viewport = window.claims_view.viewport()
    pos = row_position(window, second.id)
    assert drag_to(viewport, file_mime(PEPPERS_PNG), pos)  # taken: nothing is running yet
    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS):
        assert window.ingest_paths([str(HOPPER_JPG)], first.id)
        # The import began after the last move: the drop is refused, and the status bar
        # says why.
        assert not drop_on(viewport, file_mime(PEPPERS_PNG), pos, drag=False)
        assert window.statusBar().currentMessage().startswith("An import is already running")
        # A new drag is refused while the import runs: the cursor says no, the bar why.
        assert not drag_to(viewport, file_mime(PEPPERS_PNG), pos)
        assert window.statusBar().currentMessage() == IMPORT_RUNNING
        assert capture(window).target_claim_id is None
    assert media_names(workspace, first.id) == {"hopper.jpg"}
    assert media_names(workspace, second.id) == set()


# -- paste ---------------------------------------------------------------------------------


def test_pasting_a_picture_stores_a_png_with_the_selected_claim(
    qtbot: QtBot,
    window: MainWindow,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    clipboard: None,
) -> None:
    claim = sarwan_claims[0]
    window.select_claim(claim.id)
    window.claims_view.setFocus()
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366aa"))
    QGuiApplication.clipboard().setImage(image)

    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS):
        assert capture(window).paste()
    [linked] = workspace.claims.get(claim.id).media
    media = workspace.media.get(linked.media_id)
    assert media.kind == "image" and media.mime == "image/png"
    assert (media.width, media.height) == (320, 200)
    assert media.original_name.startswith("pasted-") and media.original_name.endswith(".png")
    assert len(media.original_name) == len("pasted-20260101-120000.png")
    # the temporary copy is gone once the workspace holds its own
    assert not list(Path(capture(window)._temp.path()).rglob("*.png"))


def test_pasting_copied_files_imports_them(
    qtbot: QtBot,
    window: MainWindow,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    clipboard: None,
) -> None:
    claim = sarwan_claims[2]
    window.select_claim(claim.id)
    window.claims_view.setFocus()
    QGuiApplication.clipboard().setMimeData(file_mime(HOPPER_JPG))
    with qtbot.waitSignal(window.ingest_finished, timeout=INGEST_TIMEOUT_MS):
        assert capture(window).paste()
    assert media_names(workspace, claim.id) == {"hopper.jpg"}


def test_ctrl_v_with_a_post_url_opens_a_new_claim_with_it(
    qtbot: QtBot, window: MainWindow, sarwan_claims: list[ClaimView], clipboard: None
) -> None:
    QGuiApplication.clipboard().setText("  https://t.me/group_feed/4512\n")
    window.activateWindow()
    qtbot.waitActive(window)
    window.claims_view.setFocus()
    qtbot.keyClick(window.claims_view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    editor = window.editor
    assert editor is not None and editor.isVisible()
    assert editor.url_edit.text() == "https://t.me/group_feed/4512"
    assert editor.url_platform.text() == "telegram"
    # ...and the editor recognised the known source, as when the URL is pasted into it
    assert editor.source_combo.currentData() == sarwan_claims[0].source.id  # type: ignore[union-attr]
    editor.discard()


def test_paste_in_a_text_field_is_left_to_the_field(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, clipboard: None
) -> None:
    field = window.filter_bar.search  # a text field the analyst types in
    QGuiApplication.clipboard().setText("https://t.me/group_feed/4512")
    window.activateWindow()
    qtbot.waitActive(window)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == "https://t.me/group_feed/4512"  # the field pasted its text
    assert not capture(window).paste()  # and the action, if triggered, stays out of it
    assert window.editor is None
    assert not window.ingest_running


def test_nothing_to_paste_says_so(window: MainWindow, clipboard: None) -> None:
    QGuiApplication.clipboard().setText("just some words")
    window.claims_view.setFocus()
    assert not capture(window).paste()
    assert window.statusBar().currentMessage() == NOTHING_TO_PASTE
    assert window.editor is None


def test_post_url_takes_one_web_address() -> None:
    assert post_url(" https://x.com/a/status/1 ") == "https://x.com/a/status/1"
    assert post_url("http://example.org") == "http://example.org"
    assert post_url("ftp://example.org/x") is None
    assert post_url("https://") is None
    assert post_url("see https://x.com/a") is None
    assert post_url("") is None
