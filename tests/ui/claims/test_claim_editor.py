"""The claim editor, driven through its widgets from the main window; assertions on the
domain's state (``workspace.claims``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from ui.claims.claim_editor import ClaimEditor
from ui.claims.editor_fields import platform_of
from ui.main_window import MainWindow
from workbench.base.errors import ValidationError
from workbench.claims.fields import is_right_to_left
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

NEARDUP = Path(__file__).resolve().parents[2] / "data" / "neardup"

ARABIC = "مقاتلو الدولة الإسلامية يسيطرون على حاجز في صروان"
SCREENSHOT = Path("/tmp/claim_editor.png")  # kept for a person to look at


def open_editor(qtbot: QtBot, window: MainWindow, claim_id: str | None) -> ClaimEditor:
    window.activateWindow()  # the shortcuts are the window's: it must have the keyboard
    qtbot.waitUntil(window.isActiveWindow)
    if claim_id is None:
        qtbot.keyClick(window.claims_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    else:
        window.select_claim(claim_id)
        qtbot.keyClick(window.claims_view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    editor = window.editor
    assert editor is not None
    qtbot.waitUntil(editor.isVisible)
    return editor


def retype(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Select everything in the field and type ``text`` over it, as a person would."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    if isinstance(widget, QPlainTextEdit) and not text.isascii():
        widget.insertPlainText(text)  # what an input method delivers: a committed string
    else:
        qtbot.keyClicks(widget, text)


def set_time(editor: ClaimEditor, which: str, local: datetime, offset_minutes: int) -> None:
    field = editor.posted if which == "posted" else editor.observed
    field.known.setChecked(True)
    field.edit.setDateTime(
        QDateTime(
            QDate(local.year, local.month, local.day),
            QTime(local.hour, local.minute),
            QTimeZone.utc(),
        )
    )
    field.zone.setCurrentIndex(field.zone.findData(offset_minutes))


def test_ctrl_n_opens_an_empty_editor_and_save_creates_the_claim(
    qtbot: QtBot, window: MainWindow, workspace: Workspace
) -> None:
    editor = open_editor(qtbot, window, None)
    assert editor.windowTitle() == "New claim"
    assert editor.focusWidget() is editor.text_edit
    qtbot.keyClicks(editor.text_edit, "Snipers and medics dispatched to northern Aleppo")
    editor.save_button.click()

    [claim] = workspace.claims.find(text="Snipers and medics")
    assert claim.status == "unconfirmed"
    assert claim.observed_at is not None  # "observed" starts as now for a new claim
    assert abs((datetime.now(UTC) - claim.observed_at).total_seconds()) < 120
    assert claim.posted_at is None
    assert not editor.isVisible()
    assert window.selected_claim_id() == claim.id
    assert claim.text in window.detail.text()
    assert window.claims_model.rowCount() == 4


def test_ctrl_n_logs_the_claim_in_the_case_shown_and_a_typed_case_is_created(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    sarwan = workspace.claims.create_case("Sarwan, June 2015")
    workspace.claims.update(sarwan_claims[0].id, case_id=sarwan.id)
    window.refresh_claims()
    window.case_list.setCurrentRow(1)  # the case, on the left
    assert window.filter_bar.query().case_id == sarwan.id

    editor = open_editor(qtbot, window, None)
    assert editor.case_combo.currentText() == sarwan.name
    qtbot.keyClicks(editor.text_edit, "Flag raised over the Sarwan checkpoint")
    editor.save_button.click()
    [claim] = workspace.claims.find(text="Flag raised")
    assert claim.case_id == sarwan.id
    assert window.claims_model.row_of(claim.id) is not None  # shown in the case's list

    editor = open_editor(qtbot, window, claim.id)
    retype(qtbot, editor.case_combo.lineEdit(), "Tal Rifaat")
    editor.save_button.click()
    assert not editor.isVisible()
    moved = workspace.claims.get(claim.id)
    assert moved.case_name == "Tal Rifaat"
    assert [c.name for c in workspace.claims.list_cases()] == ["Sarwan, June 2015", "Tal Rifaat"]
    window.undo_action.trigger()  # back to the first case; the new case stays
    assert workspace.claims.get(claim.id).case_id == sarwan.id


def test_a_new_claim_is_undone_and_redone_with_its_id(
    qtbot: QtBot, window: MainWindow, workspace: Workspace
) -> None:
    editor = open_editor(qtbot, window, None)
    qtbot.keyClicks(editor.text_edit, "Snipers and medics dispatched to northern Aleppo")
    qtbot.keyClicks(editor.tags_edit, "medics")
    editor.save_button.click()
    [claim] = workspace.claims.find(text="Snipers and medics")
    assert window.undo_action.text().startswith("&Undo New claim “Snipers and medics")

    window.undo_action.trigger()
    assert workspace.claims.find(text="Snipers and medics") == []
    assert window.claims_model.rowCount() == 3
    assert window.selected_claim_id() is None
    window.redo_action.trigger()
    [again] = workspace.claims.find(text="Snipers and medics")
    assert (again.id, again.tags) == (claim.id, ("medics",))
    assert window.claims_model.row_of(claim.id) is not None
    assert [e.action for e in workspace.claims.history(claim.id)] == [
        "create",
        "delete",
        "create",
    ]

    # Once it holds media, undoing its creation would unlink them: refused, claim kept.
    workspace.media.ingest([NEARDUP / "peppers.jpg"], claim_id=claim.id)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None)
    message = window.findChild(QMessageBox)
    assert message is not None and "media were attached" in message.text()
    message.close()
    assert workspace.claims.get(claim.id).media
    assert not window.undo_action.isEnabled()  # the refused step left the stack


def test_a_new_claim_without_text_is_refused_and_the_cursor_goes_to_the_text(
    qtbot: QtBot, window: MainWindow, workspace: Workspace
) -> None:
    editor = open_editor(qtbot, window, None)
    qtbot.keyClicks(editor.tags_edit, "convoy")
    editor.save_button.click()
    assert editor.isVisible()
    assert editor.problem.isVisibleTo(editor)
    assert editor.problem.text() == "Claim: must not be empty"
    assert editor.focusWidget() is editor.text_edit
    assert len(workspace.claims.find()) == 3


def test_editing_every_field(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    editor = open_editor(qtbot, window, checkpoint.id)
    assert editor.windowTitle() == "Edit claim"
    assert editor.source_combo.currentText() == "@group_feed (telegram) — F"

    retype(qtbot, editor.text_edit, "IS fighters hold a checkpoint in Sarwan")
    retype(qtbot, editor.summary_edit, "IS checkpoint in Sarwan")
    retype(qtbot, editor.language_edit, "ar")
    retype(qtbot, editor.original_edit, ARABIC)
    retype(qtbot, editor.translation_edit, "Islamic State fighters control a checkpoint")
    retype(qtbot, editor.notes_edit, "Flag burned at the end of the video.")
    QApplication.clipboard().setText("https://t.me/group_feed/4321")
    editor.url_edit.setFocus()
    editor.url_edit.paste()
    set_time(editor, "posted", datetime(2015, 6, 1, 14, 30), 180)  # 14:30 at UTC+03:00
    set_time(editor, "observed", datetime(2015, 6, 2, 9, 0), 0)
    retype(qtbot, editor.place_edit, "Sarwan checkpoint")
    retype(qtbot, editor.latitude_edit, "36.5113")
    retype(qtbot, editor.longitude_edit, "37.1352")
    retype(qtbot, editor.actors_edit, "IS, Jabhat al-Nusra")
    retype(qtbot, editor.tags_edit, "checkpoint, flag burning, video")
    editor.credibility_combo.setCurrentIndex(editor.credibility_combo.findData(2))
    assert editor.credibility_combo.currentText() == "2 — probably true"

    # Arabic reads right to left in its box.
    assert editor.original_edit.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert editor.original_edit.toPlainText() == ARABIC
    assert editor.url_platform.text() == "telegram"

    editor.grab().save(str(SCREENSHOT))
    editor.save_button.click()
    assert not editor.isVisible()

    claim = workspace.claims.get(checkpoint.id)
    assert claim.text == "IS fighters hold a checkpoint in Sarwan"
    assert claim.summary == "IS checkpoint in Sarwan"
    assert claim.original_language == "ar"
    assert claim.original_text == ARABIC
    assert claim.translation == "Islamic State fighters control a checkpoint"
    assert claim.notes == "Flag burned at the end of the video."
    assert claim.post_url == "https://t.me/group_feed/4321"
    assert claim.posted_at == datetime(2015, 6, 1, 11, 30, tzinfo=UTC)  # stored as UTC
    assert claim.posted_at.utcoffset() is not None
    assert claim.observed_at == datetime(2015, 6, 2, 9, 0, tzinfo=UTC)
    assert claim.place_name == "Sarwan checkpoint"
    assert (claim.latitude, claim.longitude) == (36.5113, 37.1352)
    assert claim.actors == ("IS", "Jabhat al-Nusra")
    assert claim.tags == ("checkpoint", "flag burning", "video")
    assert claim.credibility == 2
    assert claim.source is not None and claim.source.handle == "@group_feed"
    assert claim.version > checkpoint.version

    [update] = [e for e in workspace.claims.history(checkpoint.id) if e.action == "update"]
    assert update.actor == "tester"
    assert update.changes["original_text"][1] == ARABIC
    assert "source_id" not in update.changes  # unchanged fields are not sent
    assert "Jabhat al-Nusra" in window.detail.text()

    # Opening it again shows what was stored: the Arabic, still right to left.
    again = open_editor(qtbot, window, checkpoint.id)
    assert again.original_edit.toPlainText() == ARABIC
    assert again.summary_edit.text() == "IS checkpoint in Sarwan"
    assert again.original_edit.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert again.posted.value() == claim.posted_at
    again.save_button.click()  # nothing changed: nothing written
    assert workspace.claims.get(checkpoint.id).version == claim.version


def test_a_bad_value_names_its_field_and_focuses_it(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    editor = open_editor(qtbot, window, checkpoint.id)
    retype(qtbot, editor.latitude_edit, "95")
    retype(qtbot, editor.longitude_edit, "37.1")
    retype(qtbot, editor.notes_edit, "typed before the mistake")
    editor.save_button.click()

    assert editor.isVisible()
    assert editor.problem.text().startswith("Latitude: '95' is outside")
    assert editor.focusWidget() is editor.latitude_edit
    assert workspace.claims.get(checkpoint.id).version == checkpoint.version  # nothing saved

    retype(qtbot, editor.latitude_edit, "36.5")
    retype(qtbot, editor.url_edit, "t.me/no-scheme")
    editor.save_button.click()
    assert editor.problem.text().startswith("Post URL:")
    assert editor.focusWidget() is editor.url_edit
    assert workspace.claims.get(checkpoint.id).notes == ""


def test_a_claim_changed_behind_the_editor_is_not_overwritten(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    editor = open_editor(qtbot, window, checkpoint.id)
    retype(qtbot, editor.notes_edit, "my notes")
    # A colleague changes the claim meanwhile (another window, the command line, ...).
    workspace.claims.update(checkpoint.id, notes="colleague's notes")
    editor.save_button.click()

    assert editor.isVisible()  # the analyst's typing is still there
    assert editor.notes_edit.toPlainText() == "my notes"
    boxes = [b for b in editor.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert "changed by tester" in boxes[0].text()
    assert "Traceback" not in boxes[0].text()
    assert workspace.claims.get(checkpoint.id).notes == "colleague's notes"
    assert window.history.stack.count() == 0  # a refused save is nothing to undo

    [reload_button] = [b for b in boxes[0].buttons() if b.text() == "Reload"]
    reload_button.click()
    assert editor.notes_edit.toPlainText() == "colleague's notes"
    retype(qtbot, editor.notes_edit, "colleague's notes, and mine")
    editor.save_button.click()
    assert workspace.claims.get(checkpoint.id).notes == "colleague's notes, and mine"


def test_a_new_source_is_made_inline_from_a_pasted_url(
    qtbot: QtBot, window: MainWindow, workspace: Workspace
) -> None:
    editor = open_editor(qtbot, window, None)
    qtbot.keyClicks(editor.text_edit, "Third group column dispatched to northern Aleppo")
    qtbot.keyClicks(editor.url_edit, "https://x.com/third_group/status/61234")
    assert editor.url_platform.text() == "twitter"
    editor.source_combo.setCurrentIndex(editor.source_combo.findData("__new__"))
    assert editor.new_source.isVisibleTo(editor)
    assert editor.platform_combo.currentText() == "twitter"
    assert editor.handle_edit.text() == "@third_group"
    qtbot.keyClicks(editor.display_name_edit, "Third group media office")
    editor.reliability_combo.setCurrentIndex(editor.reliability_combo.findData("C"))
    editor.save_button.click()  # saving creates the source first

    [claim] = workspace.claims.find(text="Third group column")
    assert claim.source is not None
    assert (claim.source.platform, claim.source.handle) == ("twitter", "@third_group")
    assert claim.source.display_name == "Third group media office"
    assert claim.source.reliability == "C"

    # The next editor lists it, and a pasted post URL of that account picks it.
    second = open_editor(qtbot, window, None)
    labels = [second.source_combo.itemText(i) for i in range(second.source_combo.count())]
    assert "@third_group (twitter) — C" in labels
    second.url_edit.setText("https://twitter.com/third_group/status/7")
    assert second.source_combo.currentText() == "@third_group (twitter) — C"


def test_a_new_source_needs_a_handle(qtbot: QtBot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window, None)
    editor.source_combo.setCurrentIndex(editor.source_combo.findData("__new__"))
    editor.add_source_button.click()
    assert editor.problem.text() == "Source handle: must not be empty"
    assert editor.focusWidget() is editor.handle_edit


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://t.me/group_feed/123", ("telegram", "@group_feed")),
        ("https://t.me/s/group_feed/123", ("telegram", "@group_feed")),
        ("twitter.com/other_group/status/1", ("twitter", "@other_group")),
        ("https://mobile.twitter.com/other_group/status/1", ("twitter", "@other_group")),
        ("https://x.com/i/web/status/1", ("twitter", "")),
        ("https://www.facebook.com/SomePage/posts/1", ("facebook", "@SomePage")),
        ("https://m.facebook.com/watch/?v=1", ("facebook", "")),
        ("https://www.youtube.com/watch?v=abc", ("youtube", "")),
        ("https://www.youtube.com/@channel/videos", ("youtube", "@channel")),
        ("https://youtu.be/abc", ("youtube", "")),
        ("https://example.org/news/1", ("", "")),
        ("", ("", "")),
    ],
)
def test_platform_of_a_post_url(url: str, expected: tuple[str, str]) -> None:
    assert platform_of(url) == expected


def test_right_to_left_from_language_or_letters() -> None:
    assert is_right_to_left(ARABIC)
    assert is_right_to_left("", "ar")
    assert is_right_to_left("123 شاهد", "")
    assert not is_right_to_left("Sarwan", "en")


def test_sources_are_listed_and_created_by_the_service(
    workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    handles = [(s.platform, s.handle) for s in workspace.claims.list_sources()]
    assert handles == [
        ("telegram", "@group_feed"),
        ("twitter", "@other_group"),
        ("web", "newspaper"),
    ]
    made = workspace.claims.create_source("YouTube", "@channel", display_name="C", reliability="b")
    assert (made.platform, made.handle, made.reliability) == ("youtube", "@channel", "B")
    again = workspace.claims.create_source("youtube", "@channel")
    assert again.id == made.id  # one source per platform and handle
    assert len(workspace.claims.list_sources()) == 4
    with pytest.raises(ValidationError) as refused:
        workspace.claims.create_source("web", "  ")
    assert refused.value.field == "source handle"


def test_escape_asks_before_dropping_typed_changes_and_ctrl_s_saves(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    untouched = open_editor(qtbot, window, checkpoint.id)
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert not untouched.isVisible()

    editor = open_editor(qtbot, window, checkpoint.id)
    retype(qtbot, editor.place_edit, "Sarwan, north of Aleppo")
    qtbot.keyClick(editor.place_edit, Qt.Key.Key_Escape)
    [box] = [b for b in editor.findChildren(QMessageBox) if b.isVisible()]
    assert box.windowTitle() == "Discard changes?"
    [keep] = [b for b in box.buttons() if b.text() == "Keep editing"]
    keep.click()
    assert editor.isVisible()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)

    qtbot.keyClick(editor.place_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not editor.isVisible()
    assert workspace.claims.get(checkpoint.id).place_name == "Sarwan, north of Aleppo"

    third = open_editor(qtbot, window, checkpoint.id)
    retype(qtbot, third.place_edit, "typed by mistake")
    third.reject()
    [box] = [b for b in third.findChildren(QMessageBox) if b.isVisible()]
    [discard] = [b for b in box.buttons() if b.text() == "Discard changes"]
    discard.click()
    assert not third.isVisible()
    assert workspace.claims.get(checkpoint.id).place_name == "Sarwan, north of Aleppo"


def test_opening_a_claim_shows_what_is_stored_and_guesses_nothing(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    claim = workspace.claims.create(
        "Map-reading photo",
        post_url="https://t.me/group_feed/99",  # a known account, but no source chosen
        latitude=36.511349,
        longitude=37.135217,
    )
    window.refresh_claims()
    editor = open_editor(qtbot, window, claim.id)
    assert editor.source_combo.currentText() == "— no source —"
    assert editor.url_platform.text() == "telegram"
    assert editor.latitude_edit.text() == "36.511349"  # every digit, not a rounding
    assert not editor.has_changes()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
