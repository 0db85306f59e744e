"""The window draws something a person can read (and leaves a picture to look at)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from workbench.views import ClaimView
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[1] / "data" / "neardup"
HOPPER_JPG, HOPPER_PNG, PEPPERS_JPG = DATA / "hopper.jpg", DATA / "hopper.png", DATA / "peppers.jpg"
SCREENSHOT = Path("/tmp/main_window.png")  # kept for a person to look at


def distinct_colours(image: QImage, step: int = 3) -> int:
    return len(
        {
            image.pixel(x, y)
            for y in range(0, image.height(), step)
            for x in range(0, image.width(), step)
        }
    )


def test_window_renders_claims_and_detail(
    qtbot: QtBot, workspace: Workspace, sarwan_claims: list[ClaimView], tmp_path: Path
) -> None:
    checkpoint, convoy, _ = sarwan_claims
    workspace.media.ingest([HOPPER_JPG, PEPPERS_JPG], claim_id=convoy.id)
    workspace.media.ingest([HOPPER_PNG], claim_id=checkpoint.id)
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.select_claim(checkpoint.id)
    window.statusBar().showMessage("2 added, 0 already stored, 1 refused; 1 seen before")
    qtbot.wait(50)  # let the layout settle and the thumbnails load

    image = window.grab().toImage()
    path = tmp_path / "main_window.png"
    assert image.save(str(path))
    shutil.copyfile(path, SCREENSHOT)

    assert (image.width(), image.height()) == (1280, 720)
    assert distinct_colours(image) > 50  # text, thumbnails, status colours: not blank
