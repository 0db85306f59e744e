"""Relations in the window: Ctrl+R relates the shown claim to one found by searching, the
detail pane lists it with the other claim's verdict chip, a click there selects that
claim (clearing a filter that hides it), ✕ removes it, and undo/redo walk it all back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from ui.claims.detail_html import claim_html
from ui.claims.relate_dialog import RelateDialog
from ui.main_window import MainWindow
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

CTRL = Qt.KeyboardModifier.ControlModifier
SCREENSHOT = Path("/tmp/relations.png")  # kept for a person to look at


def relate_dialog(qtbot: QtBot, window: MainWindow) -> RelateDialog:
    qtbot.waitUntil(lambda: window.relate_dialog is not None)
    dialog = window.relate_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_relate_by_search_then_jump_remove_and_undo(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, beheadings = sarwan_claims
    window.select_claim(checkpoint.id)
    qtbot.keyClick(window.claims_view, Qt.Key.Key_R, CTRL)
    dialog = relate_dialog(qtbot, window)
    ids = [dialog.found.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.found.count())]
    assert checkpoint.id not in ids and set(ids) == {convoy.id, beheadings.id}

    qtbot.keyClicks(dialog.query, "beheaded")
    qtbot.waitUntil(lambda: dialog.found.count() == 1)
    assert dialog.chosen_id() == beheadings.id and dialog.ok.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData("contradicts"))
    dialog.note.insert("شهود عيان ينفون 🛑")  # keyClicks types ASCII only
    dialog.grab().save(str(SCREENSHOT))
    qtbot.keyClick(dialog.found, Qt.Key.Key_Return)  # Enter on the list relates them
    qtbot.waitUntil(lambda: window.relate_dialog is None)

    [rel] = workspace.relations.of(checkpoint.id)
    assert (rel.claim_id, rel.kind, rel.note) == (
        beheadings.id,
        "contradicts",
        "شهود عيان ينفون 🛑",
    )
    shown = window.detail.text()
    assert "Related claims (1)" in shown and "contradicts" in shown and "refuted" in shown
    assert "شهود عيان ينفون" in shown

    # The other claim's link selects it, even when the filter hides it.
    window.filter_bar.search.setText("checkpoint")
    window.apply_filters()
    assert window.claims_model.row_of(beheadings.id) is None
    window.detail._follow(QUrl(f"claim:{beheadings.id}"))
    assert window.selected_claim_id() == beheadings.id
    assert "Related claims (1)" in window.detail.text()  # seen from the other side

    window.detail._follow(QUrl(f"unrelate:{checkpoint.id}"))  # ✕
    assert workspace.relations.of(beheadings.id) == []
    window.undo_action.trigger()  # the relation is back
    assert [r.kind for r in workspace.relations.of(beheadings.id)] == ["contradicts"]
    window.undo_action.trigger()  # before it was made
    assert workspace.relations.of(beheadings.id) == []
    window.redo_action.trigger()
    assert workspace.relations.of(checkpoint.id)[0].note == "شهود عيان ينفون 🛑"
    actions = [e.action for e in workspace.claims.history(checkpoint.id)]
    assert actions.count("relate") == 3 and actions.count("unrelate") == 2


def test_relating_again_replaces_and_undo_restores_the_old_kind(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, _ = sarwan_claims
    workspace.relations.relate(convoy.id, checkpoint.id, "corroborates", "same day")
    window.select_claim(checkpoint.id)
    window.relate_action.trigger()
    dialog = relate_dialog(qtbot, window)
    dialog.choose(convoy.id, "same_event")
    dialog.ok.click()
    assert workspace.relations.of(checkpoint.id)[0].kind == "same_event"
    window.undo_action.trigger()
    [back] = workspace.relations.of(checkpoint.id)
    assert (back.kind, back.note, back.direction) == ("corroborates", "same day", "incoming")


def test_the_relation_list_is_escaped_and_fenced() -> None:
    from datetime import UTC, datetime

    from workbench.claims.relations import Related

    evil = Related(
        "duplicate_of",
        "c1",
        "<b>x</b>\u202e",
        "incoming",
        "refuted",
        "صورة قديمة <script>",
        datetime.now(UTC),
        "a",
    )
    claim = ClaimView(
        "c0",
        None,
        None,
        "t",
        "",
        "",
        "",
        None,
        "",
        None,
        None,
        "",
        None,
        None,
        (),
        (),
        "unconfirmed",
        None,
        "",
        "",
        None,
        "",
        datetime.now(UTC),
        datetime.now(UTC),
        1,
    )
    html = claim_html(claim, (evil,))
    assert "<script>" not in html and "&lt;b&gt;" in html and "has duplicate" in html
    assert "href='claim:c1'" in html and "href='unrelate:c1'" in html


def test_a_finding_is_set_from_the_detail_pane_and_undone(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    data = Path(__file__).resolve().parents[2] / "data" / "neardup"
    convoy = sarwan_claims[1]
    [added] = workspace.media.ingest([data / "hopper.jpg"], claim_id=convoy.id)
    assert added.media is not None
    media_id = added.media.id
    window.select_claim(convoy.id)
    pane = window.detail
    assert pane.finding.isVisibleTo(pane) and pane.finding.currentData() == ""
    assert not pane.finding_note.isEnabled()  # no finding: nothing to note yet

    pane.finding.setCurrentIndex(pane.finding.findData("DecontextualizedContent"))
    pane.finding.activated.emit(pane.finding.currentIndex())  # what a click does
    assert workspace.media.get(media_id).finding.category == "DecontextualizedContent"
    assert pane.finding_note.isEnabled() and pane.finding.currentData() == "DecontextualizedContent"
    pane.finding_note.setText("first posted in 2013 — ‏حمص")
    pane.finding_note.editingFinished.emit()
    found = workspace.media.get(media_id).finding
    assert found is not None and found.note == "first posted in 2013 — ‏حمص"
    assert "Finding: Decontextualized" in pane.text()
    assert "First seen 2015-06-02 06:30 UTC, @other_group" in pane.text()
    assert pane.media_strip.item(0).text().startswith("⚑ ")
    window.resize(1366, 768)
    window.grab().save("/tmp/finding.png")

    window.undo_action.trigger()  # the note
    assert workspace.media.get(media_id).finding.note == ""
    window.undo_action.trigger()  # the finding
    assert workspace.media.get(media_id).finding is None
    assert pane.finding.currentData() == ""
    window.redo_action.trigger()
    assert workspace.media.get(media_id).finding.category == "DecontextualizedContent"
