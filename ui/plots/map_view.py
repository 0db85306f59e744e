"""The offline map: the claims with coordinates as points over the world, with no network.

The world is Natural Earth's 1:110m countries, shipped with the app
(``workbench.maps.layers.world``), drawn as one cached ``QPainterPath`` under a transform;
the analyst's own raster tiles (an MBTiles file chosen in Settings) are drawn under the
outlines when they cover the view, at the zoom level nearest the view's. Points are
coloured by verdict and drawn by precision: exact a solid dot, vicinity a dot in a ring,
locality a wide translucent disc, unknown a hollow ring. As on the timeline, each kind of
point goes to the painter in one call, so 10,000 claims pan and zoom at frame rate.

Mouse: wheel zooms at the pointer, drag pans, click selects the nearest claim, hover shows
it. Keys: ``+``/``-``, arrows, ``Home`` (every claim in view). "Only claims in view"
filters the table (and the timeline) by the visible area, following each pan and zoom.

Uses ``workbench.maps.layers`` and ``ui.plots.plots``.
"""

from __future__ import annotations

import contextlib
import math
from collections import OrderedDict
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QTransform,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.plots.plotting import (
    STATUS_ORDER,
    ClaimDescriber,
    PlotData,
    PlotView,
    sprite,
    stamp,
    status_colour,
)
from workbench.maps.layers import MBTiles, TilesError, area_of, world

TILE = 256
MIN_ZOOM, MAX_ZOOM = 0.0, 18.0
HIT_RADIUS = 8
PLACE_LABEL_ZOOM = 3.0
WORLD_ZOOM = 6.0  # the closest a fit goes without tiles
AREA_DELAY_MS = 350  # the filter follows the view once a pan or zoom has settled
TILE_CACHE = 256
SEA = QColor("#dfe9f2")
LAND = QColor("#f6f4ee")
BORDER = QColor("#9a9a9a")
HOLLOW = QColor("#ffffff")
#: How each precision is drawn: (dot diameter, ring diameter or 0, disc diameter or 0),
#: the widest first, so that the most precise points are drawn on top.
STYLES = {
    "locality": (5, 0, 26),
    "unknown": (0, 11, 0),
    "vicinity": (7, 15, 0),
    "exact": (8, 0, 0),
}
LEGEND = "● exact   ◉ vicinity   ⬤ locality (wide)   ○ unknown"


def _world_path() -> QPainterPath:
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    for country in world().countries:
        for ring in country.rings:
            path.moveTo(ring[0], ring[1])
            for i in range(2, len(ring), 2):
                path.lineTo(ring[i], ring[i + 1])
            path.closeSubpath()
    return path


class MapView(PlotView):
    """The map itself. ``claim_chosen`` on a click, ``view_changed`` after a pan or zoom."""

    view_changed = Signal()

    _WORLD: QPainterPath | None = None

    def __init__(self, describe: ClaimDescriber | None = None, parent: QWidget | None = None):
        super().__init__(describe, parent)
        self.setAccessibleName("Map")
        self.setMinimumSize(240, 160)
        self._data = PlotData.empty()
        self._selected: str | None = None
        self._centre = (0.5, 0.42)  # world units; a little north of the equator
        self._zoom = 1.0
        self._tiles: MBTiles | None = None
        self._pixmaps: OrderedDict[tuple[int, int, int], QPixmap | None] = OrderedDict()
        self._marks: dict[tuple[str, str, float], QPixmap] = {}

    # -- data ----------------------------------------------------------------------------

    def set_data(self, data: PlotData) -> None:
        had = self._data.placed
        self._data = data
        if not had and data.placed:
            self.fit()
        self.update()

    def set_selected(self, claim_id: str | None) -> None:
        self._selected = claim_id
        self.update()

    def set_tiles(self, tiles: MBTiles | None) -> None:
        if self._tiles is not None:
            self._tiles.close()
        self._tiles = tiles
        self._pixmaps.clear()
        self.update()

    @property
    def tiles(self) -> MBTiles | None:
        return self._tiles

    # -- the view ------------------------------------------------------------------------

    def _scale(self) -> float:
        """Pixels a world unit."""
        return TILE * 2.0**self._zoom

    def _least_zoom(self) -> float:
        """The zoom at which the world fills the widget's width."""
        return max(MIN_ZOOM, math.log2(max(self.width(), 1) / TILE))

    def transform(self) -> QTransform:
        """World units to this widget's pixels."""
        s = self._scale()
        cx, cy = self._centre
        return QTransform(s, 0, 0, s, self.width() / 2 - cx * s, self.height() / 2 - cy * s)

    def visible(self) -> tuple[float, float, float, float]:
        """The view's (left, top, right, bottom) in world units."""
        s = self._scale()
        cx, cy = self._centre
        half_w, half_h = self.width() / 2 / s, self.height() / 2 / s
        return cx - half_w, cy - half_h, cx + half_w, cy + half_h

    def area(self) -> tuple[float, float, float, float]:
        """The visible (south, west, north, east) in degrees."""
        return area_of(*self.visible())  # type: ignore[return-value]

    @property
    def zoom_level(self) -> float:
        return self._zoom

    def set_view(self, centre: tuple[float, float], zoom: float) -> None:
        self._zoom = min(max(zoom, self._least_zoom()), MAX_ZOOM)
        half_h = self.height() / 2 / self._scale()
        x = min(max(centre[0], 0.0), 1.0)
        y = min(max(centre[1], min(half_h, 0.5)), max(1.0 - half_h, 0.5))
        self._centre = (x, y)
        self.update()
        self.view_changed.emit()

    def fit(self) -> None:
        """Every claim with coordinates in view (the world when there is none)."""
        xs, ys = self._data.x, self._data.y
        ok = np.isfinite(xs)
        if not ok.any():
            self.set_view((0.5, 0.42), self._least_zoom())
            return
        left, right = float(xs[ok].min()), float(xs[ok].max())
        top, bottom = float(ys[ok].min()), float(ys[ok].max())
        span = max(right - left, bottom - top, 1e-4) * 1.3
        zoom = math.log2(min(self.width(), self.height()) / TILE / span)
        # Natural Earth's 1:110m outline says little closer in than a region.
        closest = float(self._tiles.max_zoom) if self._tiles is not None else WORLD_ZOOM
        self.set_view(((left + right) / 2, (top + bottom) / 2), min(zoom, closest))

    def zoom_by(self, steps: float, at: QPointF | None = None) -> None:
        """Zoom in ``steps`` levels (out when negative), keeping the point under ``at``."""
        at = at if at is not None else QPointF(self.width() / 2, self.height() / 2)
        before, _ok = self.transform().inverted()
        world_at = before.map(at)
        self._zoom = min(max(self._zoom + steps, self._least_zoom()), MAX_ZOOM)
        s = self._scale()
        centre = (
            world_at.x() - (at.x() - self.width() / 2) / s,
            world_at.y() - (at.y() - self.height() / 2) / s,
        )
        self.set_view(centre, self._zoom)

    def pan(self, dx: float, dy: float = 0.0) -> None:
        s = self._scale()
        self.set_view((self._centre[0] - dx / s, self._centre[1] - dy / s), self._zoom)

    def _screen(self) -> tuple[np.ndarray, np.ndarray]:
        t = self.transform()
        return self._data.x * t.m11() + t.dx(), self._data.y * t.m22() + t.dy()

    def claim_at(self, x: float, y: float) -> str | None:
        sx, sy = self._screen()
        with np.errstate(invalid="ignore"):
            d = (sx - x) ** 2 + (sy - y) ** 2
        if not np.isfinite(d).any():
            return None
        i = int(np.nanargmin(d))
        return self._data.ids[i] if d[i] <= HIT_RADIUS**2 else None

    # -- drawing -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), SEA)
        tiled = self._paint_tiles(painter)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.save()
        painter.setTransform(self.transform())
        pen = QPen(BORDER, 0.8)
        pen.setCosmetic(True)  # a pixel wide at every zoom
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush if tiled else LAND)
        if MapView._WORLD is None:  # at the first paint, not when the window opens
            MapView._WORLD = _world_path()
        painter.drawPath(MapView._WORLD)
        painter.restore()
        if self._zoom >= PLACE_LABEL_ZOOM:
            self._paint_places(painter)
        self._paint_points(painter)
        self._paint_selected(painter)
        painter.end()

    def _paint_tiles(self, painter: QPainter) -> bool:
        tiles = self._tiles
        if tiles is None:
            return False
        z = int(min(max(round(self._zoom), tiles.min_zoom), tiles.max_zoom))
        n = 1 << z
        left, top, right, bottom = self.visible()
        t = self.transform()
        size = t.m11() / n  # a tile's side in pixels
        drawn = False
        for ty in range(max(0, int(top * n)), min(n, int(bottom * n) + 1)):
            for tx in range(max(0, int(left * n)), min(n, int(right * n) + 1)):
                pixmap = self._tile(z, tx, ty)
                if pixmap is None:
                    continue
                target = QRectF(tx / n * t.m11() + t.dx(), ty / n * t.m22() + t.dy(), size, size)
                painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
                drawn = True
        return drawn

    def _tile(self, z: int, x: int, y: int) -> QPixmap | None:
        key = (z, x, y)
        if key in self._pixmaps:
            self._pixmaps.move_to_end(key)
            return self._pixmaps[key]
        pixmap: QPixmap | None = None
        assert self._tiles is not None
        with contextlib.suppress(Exception):  # a broken tile is left blank, not fatal
            data = self._tiles.tile(z, x, y)
            if data is not None:
                pixmap = QPixmap()
                if not pixmap.loadFromData(data):
                    pixmap = None
        self._pixmaps[key] = pixmap
        while len(self._pixmaps) > TILE_CACHE:
            self._pixmaps.popitem(last=False)
        return pixmap

    def _paint_places(self, painter: QPainter) -> None:
        t = self.transform()
        painter.setPen(QColor("#555555"))
        font = painter.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 6))
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        taken: list[QRectF] = []  # a name that would overlap one drawn already is left out
        for place in world().places:
            x, y = place.x * t.m11() + t.dx(), place.y * t.m22() + t.dy()
            if not (0 <= x <= self.width() and 0 <= y <= self.height()):
                continue
            label = metrics.boundingRect(place.name).translated(x + 4, y - 3)
            if any(label.intersects(other) for other in taken):
                continue
            taken.append(label)
            painter.drawEllipse(QPointF(x, y), 1.5, 1.5)
            painter.drawText(QPointF(x + 4, y - 3), place.name)

    def _paint_points(self, painter: QPainter) -> None:
        sx, sy = self._screen()
        ratio = self.devicePixelRatioF()
        for precision in STYLES:
            of_kind = self._data.precision == precision
            for status in STATUS_ORDER:
                mask = of_kind & (self._data.status == status)
                if mask.any():
                    stamp(painter, self._mark(precision, status, ratio), sx[mask], sy[mask])

    def _mark(self, precision: str, status: str, ratio: float) -> QPixmap:
        key = (precision, status, ratio)
        if key in self._marks:
            return self._marks[key]
        dot, ring, disc = STYLES[precision]
        colour = status_colour(status)

        def draw(painter: QPainter, centre: QPointF) -> None:
            painter.setPen(Qt.PenStyle.NoPen)
            faint = QColor(colour)
            faint.setAlpha(60)
            for size, fill in ((disc, faint), (ring, colour), (ring - 4, HOLLOW), (dot, colour)):
                if size > 0:
                    painter.setBrush(fill)
                    painter.drawEllipse(centre, size / 2, size / 2)

        self._marks[key] = sprite(max(dot, ring, disc) + 2, draw, ratio)
        return self._marks[key]

    def _paint_selected(self, painter: QPainter) -> None:
        index = self._data.index_of(self._selected)
        if index is None or not np.isfinite(self._data.x[index]):
            return
        sx, sy = self._screen()
        painter.setPen(QPen(self.palette().text().color(), 2.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QPointF(sx[index], sy[index]), 11, 11)

    # -- the analyst's hands -------------------------------------------------------------

    def resizeEvent(self, event: object) -> None:
        self.set_view(self._centre, self._zoom)


class MapPanel(QWidget):
    """The map with its controls: the area filter, fit, the counts and the legend."""

    area_changed = Signal(object)

    def __init__(self, describe: ClaimDescriber | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = MapView(describe)
        self.in_view = QCheckBox("&Only claims in view")
        self.in_view.setToolTip("Filter the table and the timeline by the map's visible area")
        self.in_view.toggled.connect(self._area_wanted)
        self.fit_button = QPushButton("&Fit")
        self.fit_button.setToolTip("Show every claim with coordinates (Home)")
        self.fit_button.clicked.connect(self.view.fit)
        self.counts = QLabel()
        self.counts.setAccessibleName("Claims on the map")
        self.message = QLabel()
        self.message.setStyleSheet("color: #b3261e")
        self.message.setWordWrap(True)
        self.message.hide()
        legend = QLabel(LEGEND)
        legend.setStyleSheet("color: gray")
        self.attribution = QLabel("World: Natural Earth (public domain)")
        self.attribution.setStyleSheet("color: gray")
        controls = QHBoxLayout()
        controls.setContentsMargins(4, 2, 4, 0)
        controls.addWidget(self.in_view)
        controls.addWidget(self.fit_button)
        controls.addWidget(self.counts, 1)
        controls.addWidget(legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.attribution)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AREA_DELAY_MS)
        self._timer.timeout.connect(self._area_wanted)
        self.view.view_changed.connect(self._view_moved)
        self.setFocusProxy(self.view)

    def set_data(self, data: PlotData) -> None:
        self.view.set_data(data)
        left_out = data.count - data.placed
        self.counts.setText(
            f"{data.placed} claim{'s' if data.placed != 1 else ''} on the map"
            + (f", {left_out} without coordinates" if left_out else "")
        )

    def set_tiles(self, path: str) -> None:
        """Draw the MBTiles file at ``path`` under the outlines ("" for none)."""
        shown = self.view.tiles
        if shown is not None and path and shown.path == Path(path):
            return  # the same file: its tiles stay cached
        self.say("")
        tiles = None
        if path:
            try:
                tiles = MBTiles(Path(path))
            except TilesError as exc:
                self.say(f"The map tiles are not drawn: {exc}")
        self.view.set_tiles(tiles)
        credit = "World: Natural Earth (public domain)"
        if tiles is not None:
            credit += f" · tiles: {tiles.name}" + (
                f" ({tiles.attribution})" if tiles.attribution else ""
            )
        self.attribution.setText(credit)

    def set_filtering(self, on: bool) -> None:
        """Show whether the table is filtered by the map's area (without asking again)."""
        self.in_view.blockSignals(True)
        self.in_view.setChecked(on)
        self.in_view.blockSignals(False)

    def say(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def _view_moved(self) -> None:
        if self.in_view.isChecked():
            self._timer.start()

    def _area_wanted(self) -> None:
        self.area_changed.emit(self.view.area() if self.in_view.isChecked() else None)
