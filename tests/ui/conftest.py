"""Fixtures for the window's tests: a fresh workspace, real test files, no leaked threads.

Run headless: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q tests/ui``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: How long a test's background work may take to wind down once the test is over.
GRACE_MS = 5000


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A fresh SQLite workspace (the window's tests need no second backend)."""
    ws = Workspace.open(tmp_path / "ws", analyst="tester")
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def sarwan_claims(workspace: Workspace) -> list[ClaimView]:
    """Three claims from the 2015 northern Aleppo reporting, one of each status."""
    checkpoint = workspace.claims.create(
        "IS fighters hold checkpoint in Sarwan",
        source=("telegram", "@group_feed"),
        posted_at="2015-06-01",
        place_name="Sarwan",
        actors=["IS"],
        tags=["checkpoint", "flag burning"],
    )
    convoy = workspace.claims.create(
        "Convoy of reinforcements heading to northern Aleppo",
        source=("twitter", "@other_group"),
        posted_at="2015-06-02T09:30:00+03:00",
    )
    workspace.claims.set_status(
        convoy.id, "confirmed", "Same convoy filmed from two angles by independent accounts"
    )
    beheadings = workspace.claims.create(
        "Spokesman says several people were beheaded in captured villages",
        source=("web", "newspaper"),
    )
    workspace.claims.set_status(beheadings.id, "refuted", "Photo predates the event (2013)")
    return [workspace.claims.get(c.id) for c in (checkpoint, convoy, beheadings)]


@pytest.fixture(autouse=True)
def private_ui_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows save their layout: never into the developer's own settings."""
    monkeypatch.setenv("WORKBENCH_UI_STATE", str(tmp_path / "ui-state.ini"))


@pytest.fixture(autouse=True)
def no_leaked_pool_tasks() -> Iterator[None]:
    """Fail a test that leaves Qt pool work running behind it (threads: tests/conftest.py)."""
    yield
    pool = QThreadPool.globalInstance()
    if not pool.waitForDone(GRACE_MS) or pool.activeThreadCount():
        pytest.fail(f"{pool.activeThreadCount()} Qt pool task(s) still running")


@pytest.fixture
def window(qtbot: QtBot, workspace: Workspace, sarwan_claims: list[ClaimView]) -> MainWindow:
    """The main window over ``sarwan_claims``, shown and active (it has the keyboard).
    Modules that need another window define their own ``window``."""
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win
