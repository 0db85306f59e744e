"""Where the analyst left the window: its geometry, toolbars, splitters and table columns.

``save_window_state(window)`` on close, ``restore_window_state(window)`` once the window is
built. Kept with ``QSettings`` (organization "claim-workbench", application "workbench"), or
in the INI file named by ``WORKBENCH_UI_STATE`` (tests, or a portable install).

Splitters and headers are named by their ``objectName`` if they have one, else by their
order among the window's splitters or headers, which is fixed by how the window is built.
Only horizontal headers are kept: a table's vertical header is its rows (data), not layout.
Restoring is forgiving: nothing saved is a no-op, and a value that is not what was saved
(corrupt, another Qt, another build of the window) is ignored, leaving that part as built.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

ORGANIZATION = "claim-workbench"
APPLICATION = "workbench"
#: Names an INI file to keep the state in instead of the platform's settings store.
STATE_FILE_ENV = "WORKBENCH_UI_STATE"
#: Bump when the window's layout changes so much that an older saved state would mislead
#: (e.g. other columns, or columns that became resizable): older states are then ignored.
STATE_VERSION = 3  # 2: the cases list joined the main splitter; 3: the detail pane split
#: A first start: the window's share of the screen, the detail pane's share of the window.
SCREEN_SHARE = 0.92
DETAIL_SHARE = 0.36
DETAIL_MIN = 440  # px: the claim's fields and the seen-before table without scrolling sideways
SIDE_MIN = 180  # px: the cases list


def settings() -> QSettings:
    path = os.environ.get(STATE_FILE_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def _splitters(window: QMainWindow) -> dict[str, QSplitter]:
    found = window.findChildren(QSplitter)
    return {s.objectName() or f"splitter{n}": s for n, s in enumerate(found)}


def _headers(window: QMainWindow) -> dict[str, QHeaderView]:
    found = [
        h for h in window.findChildren(QHeaderView) if h.orientation() == Qt.Orientation.Horizontal
    ]
    return {h.objectName() or f"header{n}": h for n, h in enumerate(found)}


def save_window_state(window: QMainWindow, key: str = "main") -> None:
    """Keep the window's geometry, toolbars and docks, splitters and column layout."""
    store = settings()
    store.remove(key)  # splitters or headers that are gone must not linger
    store.beginGroup(key)
    store.setValue("version", STATE_VERSION)
    store.setValue("geometry", window.saveGeometry())
    store.setValue("state", window.saveState(STATE_VERSION))
    for name, splitter in _splitters(window).items():
        store.setValue(f"splitters/{name}", splitter.saveState())
    for name, header in _headers(window).items():
        store.setValue(f"headers/{name}", header.saveState())
        store.setValue(f"header_sections/{name}", header.count())
    store.endGroup()
    store.sync()


def _bytes(value: object) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def fit_to_screen(window: QMainWindow, splitter: QSplitter) -> None:
    """A first start: the window takes ``SCREEN_SHARE`` of the screen it opens on,
    centred, and the main splitter gives the detail pane ``DETAIL_SHARE`` of it (at least
    ``DETAIL_MIN`` px: the claim's fields, a row of thumbnails, the seen-before table)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    width, height = int(area.width() * SCREEN_SHARE), int(area.height() * SCREEN_SHARE)
    window.resize(width, height)
    window.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)
    sizes = splitter.sizes()
    if len(sizes) == 3:  # cases | claims table | detail
        side = min(max(sizes[0], SIDE_MIN), width // 6)
        detail = max(DETAIL_MIN, int(width * DETAIL_SHARE))
        splitter.setSizes([side, max(width - side - detail, 200), detail])


def restore_window_state(window: QMainWindow, key: str = "main") -> bool:
    """Put the window back as ``save_window_state`` left it; anything unusable is skipped.
    False when nothing usable was saved (a first start: the caller lays it out). A saved
    geometry larger than today's screen is fitted onto it by Qt (``restoreGeometry``)."""
    store = settings()
    store.beginGroup(key)
    try:
        if _int(store.value("version")) != STATE_VERSION:
            return False  # nothing saved, or saved by a window laid out differently
        geometry = _bytes(store.value("geometry"))
        if geometry is None or not window.restoreGeometry(geometry):
            return False
        state = _bytes(store.value("state"))
        if state is not None:
            window.restoreState(state, STATE_VERSION)
        for name, splitter in _splitters(window).items():
            saved = _bytes(store.value(f"splitters/{name}"))
            if saved is not None:
                splitter.restoreState(saved)
        for name, header in _headers(window).items():
            saved = _bytes(store.value(f"headers/{name}"))
            # Qt restores a state with another number of columns and mangles the layout.
            if saved is not None and _int(store.value(f"header_sections/{name}")) == header.count():
                header.restoreState(saved)
        return True
    finally:
        store.endGroup()
