"""A colleague's instance on the same database: the window shows their changes within two
seconds (its change feed, polled off the UI thread), keeping the selection and the scroll
position, and an open editor keeps what was typed until its save meets the conflict.

On PostgreSQL when ``WORKBENCH_TEST_PG_URL`` is set, and on one SQLite file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ui.claims.claims_model import COL_STATUS, COL_TEXT
from ui.main_window import POLL_MS, MainWindow
from workbench.claims.views import ClaimView
from workbench.workspace import Location, Workspace

WITHIN_MS = 2000  # the promise


@pytest.fixture
def workspace(workspace_dir: Path) -> Iterator[Workspace]:
    """This analyst's instance ("tester"), on either backend (tests/conftest.py)."""
    ws = Workspace(Location.of(workspace_dir), analyst="tester")
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def colleague(workspace_dir: Path, workspace: Workspace) -> Iterator[Workspace]:
    """Alice's instance: another ``Workspace`` on the same database and media folder."""
    ws = Workspace(Location.of(workspace_dir), analyst="alice")
    try:
        yield ws
    finally:
        ws.close()


def cell(window: MainWindow, claim_id: str, column: int) -> object:
    model = window.claims_model
    row = model.row_of(claim_id)
    return None if row is None else model.index(row, column).data()


def test_polling_runs_every_second_and_stops_on_close(qtbot: QtBot, window: MainWindow) -> None:
    assert POLL_MS <= 1000
    assert window.poll_timer.isActive()
    window.close()
    assert not window.poll_timer.isActive()


def test_a_colleagues_edit_shows_without_losing_the_selection(
    qtbot: QtBot, window: MainWindow, colleague: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint, convoy, _ = sarwan_claims
    window.select_claim(convoy.id)

    colleague.claims.update(checkpoint.id, checkpoint.version, text="IS checkpoint at Sarwan")
    qtbot.waitUntil(
        lambda: cell(window, checkpoint.id, COL_TEXT) == "IS checkpoint at Sarwan",
        timeout=WITHIN_MS,
    )
    assert window.selected_claim_id() == convoy.id
    assert window._shown is not None and window._shown.id == convoy.id
    assert window.statusBar().currentMessage() == "Updated: 1 claim changed by others"


def test_the_selected_claim_is_read_again_when_a_colleague_decides_it(
    qtbot: QtBot, window: MainWindow, colleague: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    checkpoint = sarwan_claims[0]
    window.select_claim(checkpoint.id)
    assert window.verdict_actions["refuted"].isEnabled()

    colleague.claims.set_status(checkpoint.id, "refuted", "Flag burnt in 2013 footage")
    qtbot.waitUntil(
        lambda: window._shown is not None and window._shown.status == "refuted",
        timeout=WITHIN_MS,
    )
    assert cell(window, checkpoint.id, COL_STATUS) == "refuted"
    assert window.selected_claim_id() == checkpoint.id
    assert not window.verdict_actions["refuted"].isEnabled()  # the pane's claim, as it is


def test_new_claims_from_a_colleague_keep_selection_and_scroll(
    qtbot: QtBot, window: MainWindow, colleague: Workspace, workspace: Workspace
) -> None:
    for n in range(80):
        workspace.claims.create(f"Filler claim {n}")
    window.refresh_claims()
    middle = window.claims_model.claim_id(50)
    window.select_claim(middle)
    bar = window.claims_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    scrolled = bar.value()
    rows = window.claims_model.rowCount()

    colleague.claims.create("Alice's new claim")
    qtbot.waitUntil(lambda: window.claims_model.rowCount() == rows + 1, timeout=WITHIN_MS)
    assert window.selected_claim_id() == middle
    assert bar.value() == scrolled


def test_an_open_editor_keeps_its_text_and_its_save_names_the_colleague(
    qtbot: QtBot, window: MainWindow, colleague: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    convoy = sarwan_claims[1]
    window.select_claim(convoy.id)
    editor = window.edit_claim()
    assert editor is not None
    editor.text_edit.setPlainText("My wording of the convoy claim")

    colleague.claims.update(convoy.id, convoy.version, text="Alice's wording")
    qtbot.waitUntil(
        lambda: cell(window, convoy.id, COL_TEXT) == "Alice's wording", timeout=WITHIN_MS
    )
    assert editor.text_edit.toPlainText() == "My wording of the convoy claim"
    assert "the claim you are editing" in window.statusBar().currentMessage()

    assert not editor.save()
    boxes = [b for b in editor.findChildren(QMessageBox) if b.isVisible()]
    assert boxes, "the conflict is shown"
    message = boxes[-1].text()
    assert "changed by alice" in message
    assert "text → “Alice's wording”" in message
    assert colleague.claims.get(convoy.id).text == "Alice's wording"
    boxes[-1].close()
