"""Saved filters on the left of the window: save the filter bar's query, apply it with a
click, rename and delete it; driven through the window's widgets and keys."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from ui.claims.filter_bar import FilterBar
from ui.main_window import MainWindow
from workbench.claims.search import ClaimQuery, ClaimSearch
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

CTRL = Qt.KeyboardModifier.ControlModifier
D = TypeVar("D", bound=QDialog)


def shown_texts(window: MainWindow) -> set[str]:
    model = window.claims_model
    return {row.text for r in range(model.rowCount()) if (row := model.row(r)) is not None}


def shown_dialog(qtbot: QtBot, window: MainWindow, kind: type[D]) -> D:
    """The one dialog of ``kind`` on screen (closed ones may await deletion)."""

    def shown() -> list[D]:
        return [d for d in window.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    return shown()[0]


def click_filter(qtbot: QtBot, window: MainWindow, name: str) -> None:
    view = window.saved_filters
    [item] = [view.item(r) for r in range(view.count()) if view.item(r).text() == name]
    rect = view.visualItemRect(item)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_save_apply_rename_and_delete_a_filter(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    convoy = sarwan_claims[1]
    assert window.saved_filters.filters() == []  # only the hint, which cannot be picked
    bar = window.filter_bar
    qtbot.keyClicks(bar.search, "northern")
    bar.status.setCurrentIndex(bar.status.findData("confirmed"))
    assert shown_texts(window) == {convoy.text}

    window.claims_view.setFocus()
    qtbot.keyClick(window.claims_view, Qt.Key.Key_S, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = shown_dialog(qtbot, window, QInputDialog)
    dialog.setTextValue("Confirmed in the north")
    dialog.accept()
    [saved] = workspace.saved_filters.list()
    assert saved.name == "Confirmed in the north"
    assert saved.query == ClaimQuery(text="northern", status="confirmed")
    assert [f.name for f in window.saved_filters.filters()] == [saved.name]
    assert window.saved_filters.current_filter() == saved  # it is what the table shows

    bar.clear()
    assert window.saved_filters.current_filter() is None
    assert len(shown_texts(window)) == 3
    click_filter(qtbot, window, saved.name)
    assert (bar.search.text(), bar.status.currentData()) == ("northern", "confirmed")
    assert shown_texts(window) == {convoy.text}

    window.saved_filters.setFocus()
    qtbot.keyClick(window.saved_filters, Qt.Key.Key_F2)
    rename = shown_dialog(qtbot, window, QInputDialog)
    assert rename.textValue() == saved.name
    rename.setTextValue("North, confirmed")
    rename.accept()
    assert [f.name for f in workspace.saved_filters.list()] == ["North, confirmed"]

    window.saved_filters.setCurrentRow(0)
    qtbot.keyClick(window.saved_filters, Qt.Key.Key_Delete)
    box = shown_dialog(qtbot, window, QMessageBox)
    assert "North, confirmed" in box.text()
    [delete] = [b for b in box.buttons() if b.text() == "Delete"]
    delete.click()
    assert workspace.saved_filters.list() == []
    assert window.saved_filters.filters() == []
    assert shown_texts(window) == {convoy.text}  # deleting a filter leaves the table be


def test_a_filter_naming_a_case_that_is_gone_says_so(
    qtbot: QtBot, window: MainWindow, workspace: Workspace, sarwan_claims: list[ClaimView]
) -> None:
    workspace.saved_filters.save(
        "Old case, refuted", ClaimQuery(status="refuted", case_id=str(uuid.uuid4()))
    )
    window.refresh_claims()
    click_filter(qtbot, window, "Old case, refuted")
    assert window.filter_bar.status.currentData() == "refuted"
    assert window.filter_bar.case.currentData() is None
    assert "its case is no longer in this workspace" in window.statusBar().currentMessage()
    assert shown_texts(window) == {sarwan_claims[2].text}


def test_the_filter_bar_shows_any_query_it_can_make(
    qtbot: QtBot, sarwan_claims: list[ClaimView], workspace: Workspace
) -> None:
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_facets(ClaimSearch(workspace).facets())
    source = sarwan_claims[0].source
    assert source is not None
    query = ClaimQuery(
        text="Sarwan checkpoint",
        status="unconfirmed",
        source_id=source.id,
        actor="IS",
        tag="flag burning",
        posted_from=datetime(2015, 6, 1, tzinfo=UTC),
        posted_to=datetime(2015, 6, 3, tzinfo=UTC),  # exclusive: "until 2015-06-02"
        has_seen_before=True,
    )
    with qtbot.assertNotEmitted(bar.changed):
        assert bar.set_query(query) == []
    assert bar.posted_to.date() == QDate(2015, 6, 2)
    assert bar.query() == query
    assert bar.set_query(ClaimQuery()) == []
    assert bar.query() == ClaimQuery()
