"""The window comes back as the analyst left it: size, splitter, columns and sort order."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QSplitter
from pytestqt.qtbot import QtBot

from ui.claims.claims_model import COL_POSTED, COL_SOURCE
from ui.main_window import MainWindow
from ui.window.state import STATE_FILE_ENV, restore_window_state, save_window_state
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace


@pytest.fixture
def state_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ui-state.ini"
    monkeypatch.setenv(STATE_FILE_ENV, str(path))
    return path


def new_window(qtbot: QtBot, workspace: Workspace) -> MainWindow:
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    # The offscreen screen is 800×800 and Qt fits a restored geometry on the screen: let
    # the window be small enough for the sizes below to come back exactly.
    window.setMinimumSize(400, 300)
    # A first start on that screen opens maximised (too narrow for the panes at 92%):
    # these tests size the window themselves, as an analyst would after un-maximising it.
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)  # a first start's columns are fitted just after it is shown
    return window


def splitter_of(window: MainWindow) -> QSplitter:
    splitter = window.claims_view.parentWidget()
    while not isinstance(splitter, QSplitter):
        assert splitter is not None, "the claims table is not in a splitter"
        splitter = splitter.parentWidget()
    return splitter


def test_state_round_trip(
    qtbot: QtBot, workspace: Workspace, sarwan_claims: list[ClaimView], state_file: Path
) -> None:
    first = new_window(qtbot, workspace)
    first.resize(720, 560)
    splitter = splitter_of(first)
    splitter.setSizes([460, 250])
    header = first.claims_view.horizontalHeader()
    header.setSectionResizeMode(COL_SOURCE, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(COL_SOURCE, 234)
    first.claims_view.sortByColumn(COL_POSTED, Qt.SortOrder.DescendingOrder)
    qtbot.wait(10)
    sizes = splitter.sizes()
    save_window_state(first)
    first.close()
    assert state_file.exists()

    second = new_window(qtbot, workspace)  # a new window restores the saved layout itself
    qtbot.wait(10)
    assert second.size().toTuple() == (720, 560)
    assert splitter_of(second).sizes() == sizes
    restored = second.claims_view.horizontalHeader()
    assert restored.sectionSize(COL_SOURCE) == 234
    assert restored.sortIndicatorSection() == COL_POSTED
    assert restored.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    # the table is sorted that way, not only marked so
    model = second.claims_view.model()
    posted = [model.index(r, COL_POSTED).data() or "" for r in range(model.rowCount())]
    assert posted == sorted(posted, reverse=True)


def test_restoring_with_nothing_saved_changes_nothing(
    qtbot: QtBot, workspace: Workspace, state_file: Path
) -> None:
    window = new_window(qtbot, workspace)
    before = (window.saveGeometry(), splitter_of(window).sizes())
    restore_window_state(window)
    assert (window.saveGeometry(), splitter_of(window).sizes()) == before
    assert not state_file.exists()


def test_a_corrupt_state_is_ignored(qtbot: QtBot, workspace: Workspace, state_file: Path) -> None:
    window = new_window(qtbot, workspace)
    save_window_state(window)
    store = QSettings(str(state_file), QSettings.Format.IniFormat)
    store.setValue("main/geometry", "not a geometry")
    store.setValue("main/state", b"\x00garbage")
    for name in store.allKeys():
        if "/splitters/" in name or "/headers/" in name:
            store.setValue(name, b"\x01\x02\x03")
    store.sync()
    before = (window.saveGeometry(), splitter_of(window).sizes())
    restore_window_state(window)
    assert (window.saveGeometry(), splitter_of(window).sizes()) == before
    assert window.claims_view.horizontalHeader().count() == 5


def test_a_state_saved_under_another_key_is_not_used(
    qtbot: QtBot, workspace: Workspace, state_file: Path
) -> None:
    window = new_window(qtbot, workspace)
    window.resize(700, 500)
    save_window_state(window, key="compare")
    window.resize(760, 540)
    restore_window_state(window)  # key "main": nothing saved
    assert window.size().toTuple() == (760, 540)
    restore_window_state(window, key="compare")
    assert window.size().toTuple() == (700, 500)
