"""Known-fakes lists in the window: taken in from File ▸ Known-fakes lists…, an import of a
copy warns and names the list, the detail pane says so for that picture, our own list is
written, and a removed list flags nothing more."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.workbench.library.test_known_fakes import desk_a_list
from tests.workbench.library.test_video_features import video_path
from ui.main_window import MainWindow
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

__all__ = ["desk_a_list", "video_path"]  # the fixtures, shared
DATA = Path(__file__).resolve().parents[2] / "data"


def test_a_list_is_taken_in_flags_a_copy_and_is_removed(
    qtbot: QtBot,
    window: MainWindow,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    desk_a_list: Path,
    tmp_path: Path,
) -> None:
    dialog = window.show_known_lists()
    assert "No lists yet" in dialog.message.text()
    assert dialog.take_in(desk_a_list, "Desk A — قائمة")
    assert dialog.table.topLevelItemCount() == 1 and "Took in" in dialog.message.text()
    dialog.grab().save("/tmp/known_lists.png")
    dialog.close()

    convoy = sarwan_claims[1]
    with qtbot.waitSignal(window.ingest_finished, timeout=30_000) as blocker:
        window.ingest_paths([str(DATA / "neardup" / "hopper.png")], convoy.id)
    assert len(blocker.args[0].known) == 1
    assert "1 on a known-fakes list" in window.statusBar().currentMessage()
    box = window.known_warning
    assert isinstance(box, QMessageBox) and "hopper.png" in box.informativeText()
    assert "on the known-fakes list of Desk A: refuted" in box.informativeText()
    box.close()
    window.select_claim(convoy.id)
    assert "on the known-fakes list of Desk A" in window.detail.text()

    dialog = window.show_known_lists()
    dialog.table.setCurrentItem(dialog.table.topLevelItem(0))
    assert dialog.write_ours(tmp_path / "ours.csv")  # the sample desk has refuted claims
    assert "refuted claims" in dialog.message.text()
    assert dialog.remove(confirm=False) and dialog.table.topLevelItemCount() == 0
    dialog.close()
    window.select_claim(convoy.id)
    assert "known-fakes" not in window.detail.text()
