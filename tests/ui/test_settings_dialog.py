"""The settings dialog edits and returns values; the first run offers the sample once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from ui import first_run
from ui.first_run import SAMPLE_QUESTION, offer_sample_case
from ui.settings_dialog import SettingsChoice, SettingsDialog, store_choice
from workbench.claims.views import ClaimView
from workbench.sample import CLAIMS, SAMPLE_CASE
from workbench.settings import (
    ANALYST,
    DUPLICATE_THRESHOLD,
    REVIEW_LANGUAGE,
    REVIEW_URL,
    Settings,
)
from workbench.workspace import SQLITE_FILE, Workspace

LOAD_TIMEOUT_MS = 60_000


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(tmp_path / "config" / "settings.json")


def make_dialog(qtbot: QtBot, settings: Settings, current: Path, **pickers: Any) -> SettingsDialog:
    dialog = SettingsDialog(settings, current, **pickers)
    qtbot.addWidget(dialog)
    return dialog


# -- the dialog -------------------------------------------------------------------------


def test_dialog_edits_and_returns_values(qtbot: QtBot, settings: Settings, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, settings, tmp_path / "ws")
    assert dialog.analyst_edit.text() == "tester"
    assert dialog.threshold_spin.value() == 10

    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.analyst_edit.selectAll()
    qtbot.keyClicks(dialog.analyst_edit, "Rania")
    dialog.threshold_spin.setFocus()
    dialog.threshold_spin.selectAll()
    qtbot.keyClicks(dialog.threshold_spin, "6")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.analyst_edit, Qt.Key.Key_Return)  # Enter = OK

    choice = dialog.choice()
    assert choice == SettingsChoice("Rania", 6, None, False)
    store_choice(settings, choice)
    again = Settings.load(settings.path)
    assert (again.analyst, again.duplicate_threshold) == ("Rania", 6)


def test_publication_url_is_checked_and_kept(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    """Where the desk publishes its reviews: a ClaimReview's url is built from it."""
    dialog = make_dialog(qtbot, settings, tmp_path / "ws")
    assert dialog.review_url_edit.text() == "" and dialog.review_language_edit.text() == "en"
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.review_url_edit.setText("desk.example.org/reviews")  # no scheme: refused, named
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and "Publication URL" in dialog.problem.text()
    dialog.review_url_edit.setText("https://desk.example.org/reviews/")
    dialog.review_language_edit.setText("fr")
    with qtbot.waitSignal(dialog.accepted):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    store_choice(settings, dialog.choice())
    again = Settings.load(settings.path)
    assert again[REVIEW_URL] == "https://desk.example.org/reviews/"
    assert again[REVIEW_LANGUAGE] == "fr"


def test_threshold_is_bounded_and_empty_name_means_default(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, settings, tmp_path / "ws")
    dialog.threshold_spin.setValue(99)
    dialog.analyst_edit.clear()
    assert dialog.choice().duplicate_threshold == 32
    assert dialog.choice().analyst == "tester"
    dialog.threshold_spin.setValue(10)
    store_choice(settings, dialog.choice())
    assert not settings.is_set(ANALYST)  # the machine's default keeps following it
    assert not settings.is_set(DUPLICATE_THRESHOLD)


def test_every_field_has_an_accessible_name(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, settings, tmp_path / "ws")
    for widget in (
        dialog.analyst_edit,
        dialog.threshold_spin,
        dialog.current_edit,
        dialog.recent_list,
        dialog.open_button,
        dialog.create_button,
    ):
        assert widget.accessibleName(), widget
        assert widget.focusPolicy() != Qt.FocusPolicy.NoFocus, widget


def test_recent_workspace_chosen_by_double_click_or_enter(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    current, older, oldest = tmp_path / "now", tmp_path / "older", tmp_path / "oldest"
    for folder in (oldest, older, current):
        settings.remember_workspace(folder)
    dialog = make_dialog(qtbot, settings, current)
    texts = [dialog.recent_list.item(i).text() for i in range(dialog.recent_list.count())]
    assert texts == [f"{current}  (open now)", str(older), str(oldest)]
    assert dialog.current_edit.text() == str(current)

    dialog.show()
    qtbot.waitExposed(dialog)
    item = dialog.recent_list.item(2)
    rect = dialog.recent_list.visualItemRect(item)
    viewport = dialog.recent_list.viewport()
    with qtbot.waitSignal(dialog.accepted):
        # QTest's double-click is only the second press: an item view wants the first too.
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.choice().workspace == oldest
    assert dialog.choice().create_workspace is False

    keyboard = make_dialog(qtbot, settings, current)
    keyboard.show()
    qtbot.waitExposed(keyboard)
    keyboard.recent_list.setFocus()
    keyboard.recent_list.setCurrentRow(1)
    with qtbot.waitSignal(keyboard.accepted):
        qtbot.keyClick(keyboard.recent_list, Qt.Key.Key_Return)
    assert keyboard.choice().workspace == older


def test_choosing_the_open_workspace_changes_nothing(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    settings.remember_workspace(tmp_path / "now")
    dialog = make_dialog(qtbot, settings, tmp_path / "now")
    dialog.recent_list.itemActivated.emit(dialog.recent_list.item(0))
    assert dialog.choice().workspace is None


def test_open_another_and_create_new(qtbot: QtBot, settings: Settings, tmp_path: Path) -> None:
    existing = tmp_path / "desk"
    existing.mkdir()
    (existing / SQLITE_FILE).write_bytes(b"")
    asked: list[str] = []

    def pick_existing(_parent: QWidget, caption: str, _start: str) -> str:
        asked.append(caption)
        return str(existing)

    def pick_new(_parent: QWidget, caption: str, _start: str) -> str:
        asked.append(caption)
        return str(tmp_path / "fresh")

    dialog = make_dialog(
        qtbot, settings, tmp_path / "ws", pick_existing=pick_existing, pick_new=pick_new
    )
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.choice().workspace == existing
    assert dialog.choice().create_workspace is False
    assert "Will open" in dialog.chosen_label.text()

    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.choice().workspace == tmp_path / "fresh"
    assert dialog.choice().create_workspace is True
    assert len(asked) == 2


def test_create_new_refuses_a_folder_with_things_in_it(
    qtbot: QtBot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("x")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **_: warned.append(args[1]))
    dialog = make_dialog(qtbot, settings, tmp_path / "ws", pick_new=lambda *_: str(busy))
    dialog.choose_new()
    assert warned == ["Choose a new folder"]
    assert dialog.choice().workspace is None


def test_cancelled_picker_changes_nothing(qtbot: QtBot, settings: Settings, tmp_path: Path) -> None:
    dialog = make_dialog(
        qtbot, settings, tmp_path / "ws", pick_existing=lambda *_: "", pick_new=lambda *_: ""
    )
    dialog.choose_existing()
    dialog.choose_new()
    assert dialog.choice().workspace is None


# -- the first run ------------------------------------------------------------------------


class Asked:
    def __init__(self, answer: QMessageBox.StandardButton) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, _parent: QWidget, _title: str, text: str, *_: Any) -> Any:
        self.questions.append(text)
        return self.answer


def test_first_run_loads_the_sample_when_asked(
    qtbot: QtBot,
    workspace: Workspace,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = Asked(QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "question", asked)
    window = QMainWindow()
    qtbot.addWidget(window)
    loaded: list[tuple[str | None, BaseException | None]] = []

    assert offer_sample_case(
        window, workspace, settings, on_loaded=lambda c, e: loaded.append((c, e))
    )
    qtbot.waitUntil(lambda: bool(loaded), timeout=LOAD_TIMEOUT_MS)

    assert len(asked.questions) == 1 and SAMPLE_QUESTION in asked.questions[0]
    case_id, error = loaded[0]
    assert error is None and case_id is not None
    assert [c.text for c in workspace.claims.find(case_id=case_id)] == [c.text for c in CLAIMS]
    assert workspace.claims.get(workspace.claims.find()[0].id).case_name == SAMPLE_CASE
    assert Settings.load(settings.path).sample_offered  # saved: not asked again
    assert not first_run._running


def test_first_run_declined_is_not_asked_again(
    qtbot: QtBot, workspace: Workspace, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = Asked(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", asked)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert not offer_sample_case(parent, workspace, settings)
    assert not offer_sample_case(parent, workspace, Settings.load(settings.path))
    assert len(asked.questions) == 1
    assert workspace.claims.find() == []


def test_first_run_does_not_ask_when_the_workspace_has_claims(
    qtbot: QtBot,
    workspace: Workspace,
    sarwan_claims: list[ClaimView],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = Asked(QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "question", asked)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert not offer_sample_case(parent, workspace, settings)
    assert asked.questions == []
    assert not settings.sample_offered  # an empty workspace later may still be offered it
    assert len(workspace.claims.find()) == len(sarwan_claims)
