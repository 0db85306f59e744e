"""The timeline and the map in one panel, and what both draw from.

``PlotsPanel`` holds the two as tabs (a dock of the main window). When the table's filter
changes, the panel reads the matching claims' times and places (``ClaimSearch.plotted``,
one statement) off the window's thread and hands both views the same ``PlotData``; a
panel hidden from view reads nothing until it is shown. A click on either view asks the
window to select the claim (``claim_chosen``); the window tells the panel which claim is
selected, so the three stay in step. The map's "only the claims in view" asks the window
to filter by the visible area (``area_changed``).

Uses ``ui.plots.plotting``, the two views, ``workbench.claims.search``; ``ui.tasks`` for
the reading.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget, QWidget

from ui.plots.map_view import MapPanel
from ui.plots.plotting import ClaimDescriber, Described, PlotData, describer
from ui.plots.timeline_view import TimelineView
from ui.tasks import TaskRunner
from workbench.base.errors import WorkbenchError
from workbench.claims.search import ClaimQuery, ClaimSearch, Plotted
from workbench.workspace import Workspace


class PlotsPanel(QTabWidget):
    """The timeline and the map of the claims the table shows."""

    claim_chosen = Signal(str)
    #: The map's visible area (south, west, north, east) to filter by, or None for none.
    area_changed = Signal(object)

    def __init__(
        self,
        load: Callable[[ClaimQuery], Plotted],
        runner: TaskRunner,
        describe: ClaimDescriber | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Timeline and map")
        self._load = load
        self._runner = runner
        self._read_claim = describe
        self._described: dict[str, Described | None] = {}
        self._describing: set[str] = set()
        self._query: ClaimQuery | None = None
        self._area: tuple[float, float, float, float] | None = None
        self._stale = False
        self._generation = 0
        self.data = PlotData.empty()
        known = self._known if describe is not None else None
        self.timeline = TimelineView(known)
        self.map = MapPanel(known)
        self.addTab(self.timeline, "&Timeline")
        self.addTab(self.map, "Ma&p")
        for view in (self.timeline, self.map.view):
            view.claim_chosen.connect(self.claim_chosen)
        self.map.area_changed.connect(self.area_changed)

    def _known(self, claim_id: str) -> Described | None:
        """A hovered claim as read already; else None, and it is read off the UI thread
        (once until the claims are read again), the views told when it is in."""
        if claim_id in self._described or claim_id in self._describing:
            return self._described.get(claim_id)
        assert self._read_claim is not None
        read, self._describing = self._read_claim, self._describing | {claim_id}
        self._runner.run_task(
            lambda: read(claim_id),
            lambda result=None, error=None: self._described_in(claim_id, result),
        )
        return None

    def _described_in(self, claim_id: str, described: Described | None) -> None:
        self._describing.discard(claim_id)
        self._described[claim_id] = described
        for view in (self.timeline, self.map.view):
            view.described(claim_id)

    def set_query(self, query: ClaimQuery, reread: bool = False) -> None:
        """The table shows ``query`` now: read its claims (at once if the panel shows);
        ``reread``: the claims changed, read them even when only the area moved."""
        # The map is read without its own area, so that panning shows what lies beyond;
        # the timeline shows the claims inside it, as the table does.
        self._area = query.area
        self.map.set_filtering(query.area is not None)
        unplaced = dataclasses.replace(query, area=None)
        if unplaced == self._query and not self._stale and not reread:
            self.timeline.set_data(self.data.within(self._area))  # only the area moved
            return
        self._query = unplaced
        self._stale = True
        if self.isVisible():
            self.reload()

    def invalidate(self) -> None:
        """Claims changed: read the same query again (when shown)."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        if self._query is None:
            return
        self._stale = False
        self._generation += 1
        generation, query = self._generation, self._query
        self._runner.run_task(
            lambda: self._load(query),
            lambda result=None, error=None: self._loaded(generation, result, error),
        )

    def _loaded(self, generation: int, result: Any, error: BaseException | None) -> None:
        if generation != self._generation:
            return  # a newer filter's reading is on its way
        if error is not None:
            message = str(error) if isinstance(error, WorkbenchError) else repr(error)
            self.map.say(f"Cannot read the claims: {message}")
            return
        self.show_data(PlotData.of(result))

    def show_data(self, data: PlotData) -> None:
        self._described.clear()
        self.data = data
        self.timeline.set_data(data.within(self._area))
        self.map.set_data(data)

    def set_selected(self, claim_id: str | None) -> None:
        self.timeline.set_selected(claim_id)
        self.map.view.set_selected(claim_id)

    def set_tiles(self, path: str) -> None:
        self.map.set_tiles(path)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()


class PlotsDock(QDockWidget):
    """The panel as a dock of the main window, with the actions that show each tab."""

    def __init__(
        self, window: QMainWindow, workspace: Workspace, search: ClaimSearch, runner: TaskRunner
    ) -> None:
        super().__init__("Timeline and map", window)
        self.setObjectName("plots")  # the window's saved layout names its docks
        self.panel = PlotsPanel(search.plotted, runner, describer(workspace))
        self.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self.hide()
        self.timeline_action = self._showing(window, "&Timeline", "Ctrl+Shift+T", 0)
        self.map_action = self._showing(window, "&Map", "Ctrl+Shift+M", 1)

    def _showing(self, window: QMainWindow, text: str, keys: str, tab: int) -> QAction:
        action = QAction(text, window)
        action.setShortcut(QKeySequence(keys))
        tip = f"The claims the table shows, on a {'time axis' if tab == 0 else 'map'}"
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({keys})")
        action.triggered.connect(lambda: self.show_tab(tab))
        return action

    def show_tab(self, tab: int) -> None:
        self.show()
        self.raise_()
        self.panel.setCurrentIndex(tab)
        self.panel.currentWidget().setFocus()
