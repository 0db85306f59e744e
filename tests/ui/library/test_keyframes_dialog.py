"""A video's keyframes from the detail pane: made in the background with a progress bar,
shown as thumbnails, one click copies a keyframe to the clipboard, Save all copies them,
and a second look reads them from the cache."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.workbench.library.test_video_features import video_path
from ui.library.keyframes_dialog import KeyframesDialog
from ui.main_window import MainWindow
from workbench.claims.views import ClaimView
from workbench.library.keyframes import INDEX
from workbench.workspace import Workspace

__all__ = ["video_path"]  # the fixture, shared


def test_keyframes_are_made_shown_copied_and_saved(
    qtbot: QtBot,
    window: MainWindow,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    video_path: Path,
    tmp_path: Path,
) -> None:
    claim = sarwan_claims[0]
    [added] = workspace.media.ingest([video_path], claim_id=claim.id)
    assert added.media is not None
    window.select_claim(claim.id)
    pane = window.detail
    assert pane.keyframes_button.isVisibleTo(pane)
    pane.keyframes_button.click()
    dialog = window.keyframes_dialog
    assert isinstance(dialog, KeyframesDialog)
    qtbot.waitUntil(lambda: dialog.frames.count() > 0, timeout=30_000)
    assert 3 <= dialog.frames.count() <= 9 and not dialog.progress.isVisible()
    QGuiApplication.clipboard().clear()
    dialog.frames.itemClicked.emit(dialog.frames.item(1))
    copied = QGuiApplication.clipboard().image()
    assert not copied.isNull() and (copied.width(), copied.height()) == (640, 360)
    assert "Copied the keyframe" in dialog.status.text()
    saved = dialog.save_all(str(tmp_path))
    assert saved == tmp_path and (tmp_path / INDEX).is_file()
    assert len(list(tmp_path.glob("keyframe-*.jpg"))) == dialog.frames.count()
    qtbot.wait(50)
    dialog.grab().save("/tmp/keyframes.png")
    count = dialog.frames.count()
    dialog.close()

    again = window.show_keyframes(added.media.id)  # from the cache, at once
    assert again is not None and again.frames.count() == count and again.job is None
    again.close()
