"""Opening a workspace whose index is read from the database shows its progress, and
Cancel stops the opening."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.open_progress import STEPS, OpenCancelled, open_progress
from workbench.library import index_store
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[1] / "data"


def test_the_dialog_follows_the_reading_and_cancel_stops_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace.open(tmp_path / "ws", analyst="t")
    ws.media.ingest([DATA / "skimage" / "coffee.png", DATA / "skimage" / "chelsea.png"])
    ws.close()
    monkeypatch.setattr(index_store, "CHUNK", 10)  # a report every ten rows
    dialog, progress = open_progress(str(tmp_path / "ws"))
    qtbot.addWidget(dialog)
    seen: list[int] = []

    def watching(done: int, total: int) -> None:
        progress(done, total)
        seen.append(dialog.value())

    Workspace.open(tmp_path / "ws", analyst="t", progress=watching).close()
    assert len(seen) > 5 and seen == sorted(seen) and seen[-1] == STEPS
    assert "picture index" in dialog.labelText()

    dialog.cancel()
    with pytest.raises(OpenCancelled):
        Workspace.open(tmp_path / "ws", analyst="t", progress=progress)
