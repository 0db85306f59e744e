"""Events in the window: Ctrl+J opens them, a new event holds the shown claim, claims are
grouped by source or actor with their verdicts, put in and taken out (undoable), a
double-click shows a claim in the window, and Report… opens the export on the event."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.claims.event_view import EventsDialog
from ui.main_window import MainWindow
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

CTRL = Qt.KeyboardModifier.ControlModifier
SCREENSHOT = Path("/tmp/events.png")  # kept for a person to look at


def groups(dialog: EventsDialog) -> dict[str, list[str]]:
    out = {}
    for i in range(dialog.claims.topLevelItemCount()):
        top = dialog.claims.topLevelItem(i)
        out[top.text(0)] = [top.child(j).text(0) for j in range(top.childCount())]
    return out


def test_an_event_is_made_filled_grouped_and_reported(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, beheadings = sarwan_claims
    window.select_claim(checkpoint.id)
    qtbot.keyClick(window.claims_view, Qt.Key.Key_J, CTRL)
    qtbot.waitUntil(lambda: window.events_dialog is not None)
    dialog = window.events_dialog
    assert dialog is not None and "No events yet" in dialog.header.text()
    new = dialog.new_event()
    assert not new.ok.isEnabled()
    new.name.setText("صوران — Sarwan, June 2015")
    new.place.setText("Sarwan")
    new.actors.setText("IS, Jaysh al-Fatah")
    new.accept()
    [event] = workspace.events.all()
    assert event.claim_ids == (checkpoint.id,) and event.actors == ("IS", "Jaysh al-Fatah")
    assert "Sarwan" in dialog.header.text() and "1 claims: 1 unconfirmed" in dialog.header.text()

    for claim in (convoy, beheadings):  # shown in the window, then put in the event
        window.select_claim(claim.id)
        dialog.shown = workspace.claims.get(claim.id)
        dialog.refresh()
        dialog.add_button.click()
    assert set(workspace.events.get(event.id).claim_ids) == {c.id for c in sarwan_claims}
    assert groups(dialog) == {
        "@group_feed (telegram)": ["unconfirmed"],
        "@other_group (twitter)": ["confirmed"],
        "newspaper (web)": ["refuted"],
    }
    dialog.grouping.setCurrentIndex(dialog.grouping.findData("actor"))
    assert groups(dialog) == {"IS": ["unconfirmed"], "(no actor)": ["confirmed", "refuted"]}
    window.resize(1366, 768)
    qtbot.wait(100)  # the layout follows the new header
    dialog.grab().save(str(SCREENSHOT))

    window.undo_action.trigger()  # the last claim put in comes out again
    assert beheadings.id not in workspace.events.get(event.id).claim_ids
    window.redo_action.trigger()
    assert beheadings.id in workspace.events.get(event.id).claim_ids

    top = dialog.claims.topLevelItem(1)  # (no actor): convoy, beheadings
    dialog.claims.setCurrentItem(top.child(1))
    dialog.remove_button.click()
    assert beheadings.id not in workspace.events.get(event.id).claim_ids
    dialog.claims.setCurrentItem(dialog.claims.topLevelItem(0).child(0))
    dialog.claims.itemActivated.emit(dialog.claims.currentItem(), 0)
    assert window.selected_claim_id() == checkpoint.id

    dialog.report_button.click()
    export = window.export_dialog
    assert "Events" in window.detail.text() and "Sarwan, June 2015" in window.detail.text()
    assert export is not None and export.only_event.isChecked()
    assert export.scope().event_ids == (event.id,)
    export.close()


def test_making_and_removing_an_event_is_undone_with_its_claims(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, _ = sarwan_claims
    window.select_claim(checkpoint.id)
    dialog = window.show_events()
    assert dialog is not None
    made = dialog.make_event("Sarwan, June 2015", place="Sarwan", actors=["IS"])
    assert made is not None and made.claim_ids == (checkpoint.id,)
    workspace.events.add_claims(made.id, [convoy.id])
    assert window.undo_action.text() == "&Undo Make event “Sarwan, June 2015”"
    window.undo_action.trigger()
    assert workspace.events.all() == [] and dialog.events.count() == 0
    window.redo_action.trigger()
    [again] = workspace.events.all()
    assert again.id == made.id and again.claim_ids == (checkpoint.id,)

    workspace.events.add_claims(made.id, [convoy.id])
    dialog.refresh(choose=made.id)
    dialog.delete_event()
    assert workspace.events.all() == []
    window.undo_action.trigger()  # made again with every claim it held, and its facts
    [back] = workspace.events.all()
    assert (back.id, back.place, back.actors) == (made.id, "Sarwan", ("IS",))
    assert set(back.claim_ids) == {checkpoint.id, convoy.id}
    assert window.selected_claim_id() == checkpoint.id
