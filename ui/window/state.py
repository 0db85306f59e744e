"""Where the analyst left the window: its geometry, toolbars, splitters and table columns.

``save_window_state(window)`` on close, ``restore_window_state(window)`` once the window is
built. Kept with ``QSettings`` (organization "claim-workbench", application "workbench"), or
in the INI file named by ``WORKBENCH_UI_STATE`` (tests, or a portable install).

Splitters and headers are named by their ``objectName`` if they have one, else by their
order among the window's splitters or headers, which is fixed by how the window is built.
Only horizontal headers are kept: a table's vertical header is its rows (data), not layout.
Restoring is forgiving: nothing saved is a no-op, and a value that is not what was saved
(corrupt, another Qt, another build of the window) is ignored, leaving that part as built.
With no geometry to restore (a first start, or one Qt refused), ``fit_to_screen`` opens the
window on most of the screen, or maximised, with the detail pane wide enough to read.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter, QTableView, QWidget

ORGANIZATION = "claim-workbench"
APPLICATION = "workbench"
#: Names an INI file to keep the state in instead of the platform's settings store.
STATE_FILE_ENV = "WORKBENCH_UI_STATE"
#: Bump when the window's layout changes so much that an older saved state would mislead
#: (e.g. other columns, or columns that became resizable): older states are then ignored.
#: 2: the cases list joined the main splitter; 3: the detail pane split; 4: a first start
#: fits the screen (a state kept from before would keep its squeezed detail pane).
STATE_VERSION = 4
#: A first start: the window's share of the screen, the detail pane's share of the window.
SCREEN_SHARE = 0.92
DETAIL_SHARE = 0.36
#: In widths of an "m" of the window's font (so a larger font asks for more): the detail
#: pane's content (the fields wrapped, a row of thumbnails, the seen-before table's three
#: columns) reads at this width; the cases list is happy with a little less than this.
DETAIL_EM = 34
SIDE_EM = 14
#: The claims table reads (the status chip, a date, a source, the claim's first words, the
#: media count) at this width; to give it that, the cases list narrows down to the least.
TABLE_EM = 36
SIDE_LEAST_EM = 8


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


def fit_to_screen(
    window: QMainWindow, splitter: QSplitter, then: Callable[[], None] | None = None
) -> None:
    """A first start: the window takes ``SCREEN_SHARE`` of the screen it opens on, centred;
    on a screen too narrow for that to leave the cases list ``SIDE_EM`` and the detail
    pane ``DETAIL_EM`` beside the claims table (whose filters need their width: a
    laptop's 1366 pixels), it opens maximised instead. ``splitter`` (the cases list, the
    claims table, the detail pane) is shared out by ``share_width`` when the window is
    shown, at the width it is shown at: a splitter's sizes set before then are scaled
    by its stretch factors, which starve the pane. ``then`` runs once the panes are laid
    out at that width (``fit_columns``, say)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    width, height = int(area.width() * SCREEN_SHARE), int(area.height() * SCREEN_SHARE)
    window.resize(width, height)
    window.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)
    if splitter.count() != 3:
        return
    em = window.fontMetrics().horizontalAdvance("m")
    if width - splitter.handleWidth() * 2 < (SIDE_EM + DETAIL_EM) * em + _least_widths(splitter)[1]:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)

    def share() -> None:
        maximised = window.windowState() & Qt.WindowState.WindowMaximized
        shown = (window.screen() or screen).availableGeometry().width() if maximised else 0
        share_width(splitter, shown or window.width(), em)
        if then is not None:
            QTimer.singleShot(0, window, then)  # once the splitter has laid its panes out

    window.installEventFilter(_OnFirstShow(window, share))


def _least_widths(splitter: QSplitter) -> list[int]:
    panes = (splitter.widget(n) for n in range(splitter.count()))
    return [pane.minimumSizeHint().width() for pane in panes if pane is not None]


def share_width(splitter: QSplitter, width: int, em: int) -> None:
    """Share ``width`` out between the cases list, the claims table and the detail pane:
    the list ``SIDE_EM``, the pane ``DETAIL_EM`` or ``DETAIL_SHARE`` of the width, the table
    the rest; where that leaves the table less than ``TABLE_EM`` (a laptop at 150%), the
    list gives way first, down to ``SIDE_LEAST_EM``. No pane below its minimum."""
    side_min, table_min, detail_least = _least_widths(splitter)
    room = width - splitter.handleWidth() * 2
    side = SIDE_EM * em
    detail = max(DETAIL_EM * em, int(room * DETAIL_SHARE))
    short = max(TABLE_EM * em, table_min) - (room - side - detail)
    if short > 0:
        side -= min(short, side - SIDE_LEAST_EM * em)
        short = max(TABLE_EM * em, table_min) - (room - side - detail)
        detail -= max(min(short, detail - DETAIL_EM * em), 0)
    side = max(side, side_min)
    detail = max(min(detail, room - table_min - side), detail_least)
    splitter.setSizes([side, room - side - detail, detail])


def fit_columns(view: QTableView, least_em: dict[int, int], stretch_em: int) -> None:
    """A table narrower than its columns (a first start on a small screen): its fixed
    columns narrowed in proportion, none below its ``least_em``, so that the stretching
    column keeps ``stretch_em`` and the table does not open scrolled sideways with the
    claim's text out of sight. A table that fits is left alone."""
    header = view.horizontalHeader()
    em = view.fontMetrics().horizontalAdvance("m")
    room = view.viewport().width() - stretch_em * em
    fixed = sum(header.sectionSize(column) for column in least_em)
    if fixed <= room or fixed == 0:
        return
    for column, least in least_em.items():
        header.resizeSection(column, max(header.sectionSize(column) * room // fixed, least * em))


class _OnFirstShow(QObject):
    """Calls ``then`` once, when the window it watches is first shown (its size and frame
    known), then goes."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            watched.removeEventFilter(self)
            self.deleteLater()
            self._then()
        return False


def _onto_screen(window: QWidget) -> None:
    """Moves a restored window wholly onto its screen and, if still larger, shrinks it to
    the screen: Qt's own fitting of a restored geometry leaves a window a title bar lower,
    so one that filled the screen ends past its bottom. A maximised window is the
    platform's to place."""
    screen = window.screen()
    if screen is None or window.windowState() & (
        Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
    ):
        return
    area, frame, inner = screen.availableGeometry(), window.frameGeometry(), window.geometry()
    width, height = min(frame.width(), area.width()), min(frame.height(), area.height())
    x = min(max(frame.x(), area.x()), area.x() + area.width() - width)
    y = min(max(frame.y(), area.y()), area.y() + area.height() - height)
    if (width, height) != (frame.width(), frame.height()):
        window.resize(
            inner.width() - frame.width() + width, inner.height() - frame.height() + height
        )
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)  # a window's position is its frame's


def restore_window_state(window: QMainWindow, key: str = "main") -> bool:
    """Put the window back as ``save_window_state`` left it; anything unusable is skipped.

    Returns whether its geometry came back. False: nothing was saved (a first start), or
    Qt refused the saved geometry: ``restoreGeometry`` fits a window larger than today's
    screen onto it, but drops one saved on a screen more than a quarter wider or narrower
    (a laptop taken off its desk's monitor). The caller then lays the window out for this
    screen (``fit_to_screen``, which also sets the main splitter); the columns, the sort
    order and the other splitters are restored either way."""
    store = settings()
    store.beginGroup(key)
    try:
        if _int(store.value("version")) != STATE_VERSION:
            return False  # nothing saved, or saved by a window laid out differently
        geometry = _bytes(store.value("geometry"))
        restored = geometry is not None and window.restoreGeometry(geometry)
        if restored:
            window.installEventFilter(_OnFirstShow(window, lambda: _onto_screen(window)))
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
        return restored
    finally:
        store.endGroup()
