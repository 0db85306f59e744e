"""Help ▸ About names the app's version, the workspace's schema, and Qt's and the libraries'."""

from __future__ import annotations

import pytest
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from storage.db import head_revision
from ui.main_window import MainWindow


def test_about_names_versions_and_the_schema(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []

    def about(parent: QWidget, title: str, text: str) -> None:
        shown.append((title, text))

    monkeypatch.setattr(QMessageBox, "about", about)
    [action] = [a for a in window.menuBar().actions() if a.text() == "&Help"]
    [entry] = [a for a in action.menu().actions() if a.text() == "&About Claim workbench"]
    entry.trigger()
    [(title, text)] = shown
    assert title == "About Claim workbench"
    assert f"writes database schema {head_revision()}" in text
    assert f": schema {head_revision()}" in text  # the open workspace, up to date
    assert f"Qt {qVersion()}" in text and "Python 3." in text and "SQLAlchemy" in text
