"""The checklist in the window: Ctrl+K opens it on the shown claim, a state or a note is
saved as it is made and undone with Ctrl+Z, the detail pane counts the steps done, and a
verdict with open steps names them before it is given."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.claims.checklist_dialog import ChecklistDialog
from ui.claims.verdict import VerdictDialog
from ui.main_window import MainWindow
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

CTRL = Qt.KeyboardModifier.ControlModifier
SCREENSHOT = Path("/tmp/checklist.png")  # kept for a person to look at


def states(workspace: Workspace, claim_id: str) -> dict[str, tuple[str, str]]:
    return {c.step: (c.state, c.note) for c in workspace.checklist.of(claim_id)}


def test_the_checklist_is_worked_through_and_undone(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    window.select_claim(checkpoint.id)
    assert "Checklist (0 of 5 done)" in window.detail.text()
    qtbot.keyClick(window.claims_view, Qt.Key.Key_K, CTRL)
    qtbot.waitUntil(lambda: window.checklist_dialog is not None)
    dialog = window.checklist_dialog
    assert isinstance(dialog, ChecklistDialog) and dialog.table.rowCount() == 5

    box = dialog.state_box("place_located")
    box.setCurrentIndex(box.findData("done"))
    box.activated.emit(box.currentIndex())
    assert states(workspace, checkpoint.id)["place_located"] == ("done", "")
    qtbot.waitUntil(lambda: "1 of 5 steps done" in dialog.heading.text())
    field = dialog.note_field("place_located")
    field.setText("المئذنة matches the 2014 Street View 🕌")
    field.editingFinished.emit()
    assert states(workspace, checkpoint.id)["place_located"][1].startswith("المئذنة")
    qtbot.waitUntil(lambda: dialog.note_field("place_located").text().startswith("المئذنة"))
    assert "Checklist (1 of 5 done)" in window.detail.text()
    window.resize(1366, 768)
    qtbot.wait(100)  # the table lays out its cell widgets
    dialog.grab().save(str(SCREENSHOT))

    window.undo_action.trigger()  # the note
    assert states(workspace, checkpoint.id)["place_located"] == ("done", "")
    window.undo_action.trigger()  # the state
    assert states(workspace, checkpoint.id)["place_located"] == ("not_done", "")
    qtbot.waitUntil(lambda: dialog.state_box("place_located").currentData() == "not_done")
    window.redo_action.trigger()
    assert states(workspace, checkpoint.id)["place_located"][0] == "done"


def test_a_verdict_with_open_steps_names_them(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    for step in ("source_identified", "earliest_copy_found", "place_located"):
        workspace.checklist.set(checkpoint.id, step, "done")
    workspace.checklist.set(checkpoint.id, "time_established", "not_applicable")
    window.select_claim(checkpoint.id)
    qtbot.keyClick(window.claims_view, Qt.Key.Key_3, CTRL)  # refuted
    qtbot.waitUntil(lambda: window.findChild(VerdictDialog) is not None)
    dialog = window.findChild(VerdictDialog)
    assert dialog is not None and dialog.open_steps.isVisibleTo(dialog)
    assert "1 checklist step is still open" in dialog.open_steps.text()
    assert "Independent corroboration" in dialog.open_steps.text()
    assert dialog.ok_button.text() == "Mark refuted anyway"
    dialog.reject()

    workspace.checklist.set(checkpoint.id, "independent_corroboration", "done")
    window.select_claim(checkpoint.id)
    qtbot.keyClick(window.claims_view, Qt.Key.Key_3, CTRL)
    qtbot.waitUntil(lambda: window.findChildren(VerdictDialog)[-1] is not dialog)
    fresh = window.findChildren(VerdictDialog)[-1]
    assert not fresh.open_steps.isVisibleTo(fresh) and fresh.ok_button.text() == "Mark refuted"


def test_the_desk_sets_its_own_steps_in_settings(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    dialog = window.open_settings()
    qtbot.waitExposed(dialog)
    assert dialog.steps_edit.toPlainText() == ""
    dialog.steps_edit.setPlainText("Weather matches the day\n\n  الظلال تطابق الساعة  \n")
    dialog.resize(dialog.sizeHint())
    dialog.grab().save("/tmp/settings_steps.png")
    dialog.accept()
    assert workspace.checklist.desk_steps() == ["Weather matches the day", "الظلال تطابق الساعة"]
    window.select_claim(sarwan_claims[0].id)
    assert "Checklist (0 of 7 done)" in window.detail.text()
    assert "Weather matches the day" in window.detail.text()
