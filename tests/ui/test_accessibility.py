"""Every control a keyboard reaches has a name a screen reader can say."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QSlider,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ui.claims.claim_editor import ClaimEditor
from ui.library.compare_view import CompareView
from ui.library.media_viewer import MediaViewer
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog
from workbench.claims.views import ClaimView
from workbench.settings import Settings
from workbench.workspace import Workspace

NEARDUP = Path(__file__).resolve().parents[1] / "data" / "neardup"
CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QSlider,
    QTextEdit,
)


def unnamed_controls(top: QWidget) -> list[str]:
    """Controls shown in ``top`` that take focus but have no accessible name (their own,
    their text, or their label's through ``setBuddy``)."""
    unnamed = []
    for kind in CONTROLS:
        for widget in top.findChildren(kind):
            inner = widget.objectName().startswith("qt_")  # a spin box's own line edit
            if inner or not widget.isVisibleTo(top) or widget.focusPolicy() == 0:
                continue
            face = QAccessible.queryAccessibleInterface(widget)
            if face is None or not face.text(QAccessible.Text.Name):
                unnamed.append(f"{type(widget).__name__} in {type(widget.parent()).__name__}")
    return unnamed


@pytest.fixture
def media_pair(workspace: Workspace, sarwan_claims: list[ClaimView]) -> Iterator[list[str]]:
    results = workspace.media.ingest(
        [NEARDUP / "hopper.jpg", NEARDUP / "hopper.png"], claim_id=sarwan_claims[0].id
    )
    yield [r.media.id for r in results if r.media is not None]
    assert QThreadPool.globalInstance().waitForDone(10_000)  # pictures decoded for dialogs


def test_the_window_and_its_dialogs_name_every_control(
    qtbot: QtBot,
    window: MainWindow,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    media_pair: list[str],
    tmp_path: Path,
) -> None:
    window.select_claim(sarwan_claims[0].id)
    assert window.detail.seen_list.isVisible()
    assert unnamed_controls(window) == []
    left, right = media_pair
    dialogs: list[QWidget] = [
        ClaimEditor(workspace.claims, window.history, sarwan_claims[0].id, window),
        MediaViewer(workspace, left, window),
        CompareView(workspace, left, right, window),
        SettingsDialog(Settings.load(tmp_path / "s.json"), workspace.location.folder, window),
    ]
    for dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
        assert unnamed_controls(dialog) == [], type(dialog).__name__
        dialog.close()
