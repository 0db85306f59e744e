"""Verdicts, undo/redo and the audit trail, driven from the main window's keys and
buttons; assertions on the domain's state and its audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from ui.claims.audit_view import AuditDialog, audit_rows, format_value
from ui.claims.verdict import VerdictDialog
from ui.main_window import MainWindow
from workbench.base.errors import ValidationError
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

CTRL = Qt.KeyboardModifier.ControlModifier
SCREENSHOT = Path("/tmp/audit_trail.png")  # kept for a person to look at


def press(
    qtbot: QtBot, window: MainWindow, key: Qt.Key, modifiers: Qt.KeyboardModifier = CTRL
) -> None:
    qtbot.keyClick(window.claims_view, key, modifiers)


def verdict_dialog(qtbot: QtBot, parent: QWidget) -> VerdictDialog:
    qtbot.waitUntil(lambda: parent.findChild(VerdictDialog) is not None)
    dialog = parent.findChild(VerdictDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def status_changes(workspace: Workspace, claim_id: str) -> list[tuple[str, str]]:
    return [
        (e.changes["status"][0], e.changes["status"][1])
        for e in workspace.claims.history(claim_id)
        if e.action == "status" and "status" in e.changes
    ]


def test_confirming_needs_a_rationale_and_undo_redo_restore_it(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    window.select_claim(checkpoint.id)
    press(qtbot, window, Qt.Key.Key_2)  # Ctrl+2: confirmed
    dialog = verdict_dialog(qtbot, window)

    # Empty or blank: refused by the dialog (OK disabled, Enter ignored)...
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.rationale_edit, "   ")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.rationale_edit, Qt.Key.Key_Return, CTRL)
    dialog.accept()
    assert dialog.isVisible()
    assert workspace.claims.get(checkpoint.id).status == "unconfirmed"
    # ...and by the service, whatever the window does.
    with pytest.raises(ValidationError) as refused:
        workspace.claims.set_status(checkpoint.id, "confirmed", "  ")
    assert refused.value.field == "rationale"

    rationale = "Geolocated: minaret and water tower match imagery of Sarwan"
    qtbot.keyClicks(dialog.rationale_edit, rationale)
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()

    claim = workspace.claims.get(checkpoint.id)
    assert (claim.status, claim.rationale, claim.decided_by) == ("confirmed", rationale, "tester")
    assert claim.decided_at is not None
    assert status_changes(workspace, checkpoint.id) == [("unconfirmed", "confirmed")]
    detail = window.detail.text()
    assert "confirmed" in detail and "decided by tester at" in detail
    assert window.undo_action.isEnabled()
    assert window.undo_action.text().startswith("&Undo Mark")

    press(qtbot, window, Qt.Key.Key_Z)  # Ctrl+Z
    claim = workspace.claims.get(checkpoint.id)
    assert (claim.status, claim.rationale) == ("unconfirmed", "")
    assert status_changes(workspace, checkpoint.id) == [
        ("unconfirmed", "confirmed"),
        ("confirmed", "unconfirmed"),
    ]
    assert window.selected_claim_id() == checkpoint.id
    assert "decided by" not in window.detail.text()
    assert window.claims_model.data(window.claims_model.index(0, 0)) == "unconfirmed"

    press(qtbot, window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo
    claim = workspace.claims.get(checkpoint.id)
    assert (claim.status, claim.rationale) == ("confirmed", rationale)
    assert len(status_changes(workspace, checkpoint.id)) == 3


def test_undoing_a_refutation_restores_the_confirmation_and_its_rationale(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    convoy = sarwan_claims[1]  # confirmed, with a rationale
    window.select_claim(convoy.id)
    press(qtbot, window, Qt.Key.Key_3)  # Ctrl+3: refuted
    dialog = verdict_dialog(qtbot, window)
    assert dialog.rationale() == ""  # a new verdict starts from nothing
    qtbot.keyClicks(dialog.rationale_edit, "The convoy video was posted in 2014")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.rationale_edit, Qt.Key.Key_Return, CTRL)  # Ctrl+Enter: OK
    assert workspace.claims.get(convoy.id).status == "refuted"

    window.undo_action.trigger()
    claim = workspace.claims.get(convoy.id)
    assert claim.status == "confirmed"
    assert claim.rationale == convoy.rationale  # the service needs one: the old one is back


def test_unconfirmed_needs_no_dialog(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    beheadings = sarwan_claims[2]  # refuted
    window.select_claim(beheadings.id)
    assert not window.verdict_actions["refuted"].isEnabled()  # already refuted
    press(qtbot, window, Qt.Key.Key_1)
    assert window.findChild(VerdictDialog) is None
    assert workspace.claims.get(beheadings.id).status == "unconfirmed"
    window.undo_action.trigger()
    claim = workspace.claims.get(beheadings.id)
    assert (claim.status, claim.rationale) == ("refuted", beheadings.rationale)


def test_field_edits_undo_and_redo_through_the_service(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    window.select_claim(checkpoint.id)
    editor = window.edit_claim()
    assert editor is not None
    editor.tags_edit.setText("checkpoint")
    editor.latitude_edit.setText("36.51")
    editor.longitude_edit.setText("37.13")
    editor.save_button.click()
    edited = workspace.claims.get(checkpoint.id)
    assert edited.tags == ("checkpoint",) and edited.latitude == 36.51

    window.undo_action.trigger()
    claim = workspace.claims.get(checkpoint.id)
    assert claim.tags == checkpoint.tags
    assert (claim.latitude, claim.longitude) == (None, None)
    window.redo_action.trigger()
    claim = workspace.claims.get(checkpoint.id)
    assert claim.tags == ("checkpoint",) and claim.longitude == 37.13
    actions = [e.action for e in workspace.claims.history(checkpoint.id)]
    assert actions == ["create", "update", "update", "update"]  # each one audited


def test_verdict_from_the_editor_then_save_is_no_conflict(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    window.select_claim(checkpoint.id)
    editor = window.edit_claim()
    assert editor is not None
    editor.notes_edit.setPlainText("checked against 2013 imagery")
    editor.verdict_buttons["refuted"].click()
    dialog = verdict_dialog(qtbot, editor)
    qtbot.keyClicks(dialog.rationale_edit, "Flag burning filmed in 2013 in Raqqa")
    dialog.ok_button.click()
    assert workspace.claims.get(checkpoint.id).status == "refuted"
    assert "refuted" in editor.status_label.text()
    assert "decided by tester" in editor.decision_label.text()

    editor.save_button.click()  # the editor knows the verdict's new version
    claim = workspace.claims.get(checkpoint.id)
    assert (claim.status, claim.notes) == ("refuted", "checked against 2013 imagery")
    assert window.history.stack.count() == 2
    window.undo_action.trigger()
    window.undo_action.trigger()
    claim = workspace.claims.get(checkpoint.id)
    assert (claim.status, claim.notes) == ("unconfirmed", "")


def test_undo_after_a_colleague_changed_the_claim_is_refused(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    window.select_claim(checkpoint.id)
    window.decide_selected("unconfirmed")  # already unconfirmed: nothing to do
    assert window.history.stack.count() == 0
    dialog = window.decide_selected("refuted")
    assert dialog is not None
    dialog.rationale_edit.setPlainText("Old footage")
    dialog.ok_button.click()
    workspace.claims.set_status(checkpoint.id, "confirmed", "A colleague's verdict")

    window.undo_action.trigger()
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert [b.windowTitle() for b in boxes] == ["Cannot undo"]
    assert "changed by tester" in boxes[0].text()
    claim = workspace.claims.get(checkpoint.id)
    assert (claim.status, claim.rationale) == ("confirmed", "A colleague's verdict")
    assert window.history.stack.count() == 0  # the refused step is dropped


def test_the_audit_trail_lists_every_change(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    window.select_claim(checkpoint.id)
    dialog = window.decide_selected("confirmed")
    assert dialog is not None
    dialog.rationale_edit.setPlainText("Two independent videos")
    dialog.ok_button.click()
    window.undo_action.trigger()

    press(qtbot, window, Qt.Key.Key_H)  # Ctrl+H
    audit = window.audit_dialog
    assert isinstance(audit, AuditDialog) and audit.isVisible()
    rows = audit.rows()
    fields = [(r[2], r[3], r[4], r[5]) for r in rows]
    assert ("create", "text", "—", checkpoint.text) in fields
    assert ("create", "source", "—", "@group_feed (telegram) — F") in fields
    assert ("status", "status", "unconfirmed", "confirmed") in fields
    assert ("status", "rationale", "—", "Two independent videos") in fields
    assert ("status", "status", "confirmed", "unconfirmed") in fields
    assert all(r[1] == "tester" for r in rows)
    assert audit.entries.topLevelItemCount() == len(rows)
    audit.grab().save(str(SCREENSHOT))
    # Read-only: nothing in it edits, and closing leaves the trail as it was.
    assert audit.entries.editTriggers() == audit.entries.EditTrigger.NoEditTriggers
    before = len(workspace.claims.history(checkpoint.id))
    audit.reject()
    assert len(workspace.claims.history(checkpoint.id)) == before

    # One click away: the toolbar carries the same action.
    assert window.audit_action in window.toolbar.actions()


def test_audit_values_read_as_an_analyst_would(workspace: Workspace) -> None:
    assert format_value(None) == "—"
    assert format_value(["IS", "YPG"]) == "IS, YPG"
    assert format_value("2015-06-01T11:30:00+00:00") == "2015-06-01 11:30 UTC"
    claim = workspace.claims.create("A claim", tags=["a"])
    workspace.claims.update(claim.id, tags=["a", "b"], notes="n")
    rows = audit_rows(workspace.claims.history(claim.id))
    assert ("update", "tags", "a", "a, b") in [r[2:] for r in rows]


def test_claim_actions_follow_the_selection(
    window: MainWindow, sarwan_claims: list[ClaimView]
) -> None:
    window.select_claim(None)
    assert not window.edit_claim_action.isEnabled()
    assert not window.audit_action.isEnabled()
    assert not any(a.isEnabled() for a in window.verdict_actions.values())
    assert window.new_claim_action.isEnabled()
    window.select_claim(sarwan_claims[1].id)  # confirmed
    assert window.edit_claim_action.isEnabled()
    enabled = {s: a.isEnabled() for s, a in window.verdict_actions.items()}
    assert enabled == {"unconfirmed": True, "confirmed": False, "refuted": True}
    shortcuts = {a.shortcut().toString() for a in window.verdict_actions.values()}
    assert shortcuts == {"Ctrl+1", "Ctrl+2", "Ctrl+3"}
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:3] == ["&File", "&Edit", "&Claim"]


def test_a_verdict_on_a_claim_changed_meanwhile_is_refused_then_works_on_the_fresh_one(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    window.select_claim(checkpoint.id)
    workspace.claims.update(checkpoint.id, notes="a colleague's note")  # not yet on screen
    press(qtbot, window, Qt.Key.Key_3)
    dialog = verdict_dialog(qtbot, window)
    qtbot.keyClicks(dialog.rationale_edit, "Old footage")
    dialog.ok_button.click()

    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert [b.windowTitle() for b in boxes] == ["The verdict was not saved"]
    assert workspace.claims.get(checkpoint.id).status == "unconfirmed"
    assert "a colleague's note" in window.detail.text()  # re-read after the refusal
    boxes[0].close()

    second = window.decide_selected("refuted")
    assert second is not None
    second.rationale_edit.setPlainText("Old footage")
    second.ok_button.click()
    claim = workspace.claims.get(checkpoint.id)
    assert (claim.status, claim.notes) == ("refuted", "a colleague's note")
