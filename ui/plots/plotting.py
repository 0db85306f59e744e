"""What the timeline and the map share: the claims they draw (``PlotData``, numpy columns
from ``ClaimSearch.plotted``), the hover's description, the marks stamped once a pixel,
and the analyst's hands (``PlotView``: wheel, drag, click, hover, keys).

Uses ``workbench.claims.search``, ``workbench.maps.layers`` and the table's colours.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from ui.presentation import STATUS_COLOURS, format_time, short
from workbench.base.errors import WorkbenchError
from workbench.claims.search import Plotted
from workbench.maps.layers import project
from workbench.workspace import Workspace

STATUS_ORDER = ("unconfirmed", "confirmed", "refuted")  # refuted drawn last, on top
TOOLTIP_THUMBNAILS = 3


def status_colour(status: str) -> QColor:
    return STATUS_COLOURS.get(status, STATUS_COLOURS["unconfirmed"])


def sprite(size: int, draw: Callable[[QPainter, QPointF], None], ratio: float = 1.0) -> QPixmap:
    """A mark drawn once (antialiased, ``size`` logical pixels square, centred), to be
    stamped at many points by ``stamp``."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(painter, QPointF(size / 2, size / 2))
    painter.end()
    return pixmap


def stamp(painter: QPainter, mark: QPixmap, xs: np.ndarray, ys: np.ndarray) -> int:
    """Draw ``mark`` centred on each finite (x, y), once a whole pixel: a thousand claims
    on one spot at a world's zoom cost one stamp. Returns the stamps drawn.

    One ``drawPixmap`` a stamp: antialiased wide points (``drawPoints`` with a round pen)
    are stroked one by one and cost ten times as much (bench/bench_plots.py)."""
    half = round(mark.width() / mark.devicePixelRatio() / 2)
    device = painter.device()
    width, height = device.width() + 2 * half, device.height() + 2 * half
    with np.errstate(invalid="ignore"):
        px, py = np.round(xs) + half, np.round(ys) + half  # from the stamp's corner
        shown = (px >= 0) & (px < width) & (py >= 0) & (py < height)  # NaN: never
    spots = np.unique(px[shown].astype(np.int64) * height + py[shown].astype(np.int64))
    for x, y in zip((spots // height).tolist(), (spots % height).tolist(), strict=True):
        painter.drawPixmap(x - 2 * half, y - 2 * half, mark)
    return len(spots)


@dataclasses.dataclass(frozen=True)
class Described:
    """What a hover shows of a claim."""

    title: str
    status: str
    when: str
    thumbnails: tuple[Path, ...] = ()


#: A claim id -> its description (the window reads the claim).
ClaimDescriber = Callable[[str], Described | None]


def describer(workspace: Workspace) -> ClaimDescriber:
    """Reads a claim for a hover: its summary (or text), verdict, time and thumbnails."""

    def describe(claim_id: str) -> Described | None:
        try:
            claim = workspace.claims.get(claim_id)
            pictures = tuple(
                p for m in claim.media if (p := workspace.media.thumbnail_path(m.sha256))
            )
        except WorkbenchError:
            return None  # removed meanwhile: no hover
        when = f"posted {format_time(claim.posted_at)}" if claim.posted_at else "time unknown"
        if claim.observed_at:
            when += f", observed {format_time(claim.observed_at)}"
        return Described(claim.summary or short(claim.text, 90), claim.status, when, pictures)

    return describe


def tooltip_html(described: Described | None) -> str:
    if described is None:
        return ""
    pictures = "".join(
        f'<img src="{html.escape(p.as_uri())}" height="72"> '
        for p in described.thumbnails[:TOOLTIP_THUMBNAILS]
    )
    return (
        f"<b>{html.escape(described.title)}</b><br>"
        f"{html.escape(described.status)} · {html.escape(described.when)}"
        + (f"<br>{pictures}" if pictures else "")
    )


class PlotView(QWidget):
    """What the timeline and the map share: the analyst's hands. The wheel zooms at the
    pointer, a drag pans, a click chooses the nearest claim (``claim_chosen``), the pointer
    resting on one shows it; ``+``/``-`` zoom, the arrows pan, Home shows every claim.
    Subclasses say what those mean: ``claim_at``, ``pan``, ``zoom_by``, ``fit``."""

    claim_chosen = Signal(str)
    KEY_STEP = 60.0  # pixels an arrow key pans

    def __init__(self, describe: ClaimDescriber | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self._describe = describe
        self._drag: tuple[QPointF, QPointF] | None = None  # (where it began, last seen)
        self._dragged = False
        self._hover: tuple[str, QPoint] | None = None  # the claim under the pointer, where

    def claim_at(self, x: float, y: float) -> str | None:
        raise NotImplementedError

    def pan(self, dx: float, dy: float = 0.0) -> None:
        raise NotImplementedError

    def zoom_by(self, steps: float, at: QPointF | None = None) -> None:
        """Zoom in ``steps`` (out when negative), keeping what is under ``at`` in place."""
        raise NotImplementedError

    def fit(self) -> None:
        raise NotImplementedError

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120
        if notches:
            self.zoom_by(notches / 2, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = (event.position(), event.position())
            self._dragged = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag is not None:
            start, last = self._drag
            self._dragged = self._dragged or (pos - start).manhattanLength() > 3
            self.pan(pos.x() - last.x(), pos.y() - last.y())
            self._drag = (start, pos)
            return
        found = self.claim_at(pos.x(), pos.y())
        self._hover = None if found is None else (found, event.globalPosition().toPoint())
        self._show_hover()

    def described(self, claim_id: str) -> None:
        """``claim_id`` has been read for a hover: show it if the pointer is still on it."""
        if self._hover is not None and self._hover[0] == claim_id:
            self._show_hover()

    def _show_hover(self) -> None:
        text = ""
        if self._hover is not None and self._describe is not None:
            text = tooltip_html(self._describe(self._hover[0]))  # "" until it is read
        if text and self._hover is not None:
            QToolTip.showText(self._hover[1], text, self)
        else:
            QToolTip.hideText()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None and not self._dragged:
            found = self.claim_at(event.position().x(), event.position().y())
            if found is not None:
                self.claim_chosen.emit(found)
        self._drag = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, step = event.key(), self.KEY_STEP
        moves = {
            Qt.Key.Key_Left: (step, 0.0),
            Qt.Key.Key_Right: (-step, 0.0),
            Qt.Key.Key_Up: (0.0, step),
            Qt.Key.Key_Down: (0.0, -step),
        }
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(-1)
        elif key in moves:
            self.pan(*moves[Qt.Key(key)])
        elif key == Qt.Key.Key_Home:
            self.fit()
        else:
            super().keyPressEvent(event)


@dataclasses.dataclass(frozen=True)
class PlotData:
    """The claims both views draw, as numpy columns (one row a claim)."""

    ids: list[str]
    status: np.ndarray  # str
    posted: np.ndarray  # UTC seconds, NaN unknown
    observed: np.ndarray
    latitude: np.ndarray  # degrees, NaN without coordinates
    longitude: np.ndarray
    precision: np.ndarray  # str: "" without coordinates
    x: np.ndarray  # Web Mercator world units, NaN without coordinates
    y: np.ndarray
    jitter: np.ndarray  # a small whole number from each id, the same every time
    _index: dict[str, int] = dataclasses.field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, plotted: Plotted) -> PlotData:
        lat = np.asarray(plotted.latitude, dtype=float)
        lon = np.asarray(plotted.longitude, dtype=float)
        x, y = project(lon, lat)
        return cls(
            ids=list(plotted.ids),
            status=np.asarray(plotted.status, dtype=object),
            posted=np.asarray(plotted.posted, dtype=float),
            observed=np.asarray(plotted.observed, dtype=float),
            latitude=lat,
            longitude=lon,
            precision=np.asarray(plotted.precision, dtype=object),
            x=x,
            y=y,
            jitter=np.asarray([int(i[:8], 16) for i in plotted.ids], dtype=np.int64),
            _index={claim_id: n for n, claim_id in enumerate(plotted.ids)},
        )

    @classmethod
    def empty(cls) -> PlotData:
        return cls.of(Plotted([], [], [], [], [], [], []))

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def placed(self) -> int:
        return int(np.isfinite(self.x).sum())

    def index_of(self, claim_id: str | None) -> int | None:
        return None if claim_id is None else self._index.get(claim_id)

    def within(self, area: tuple[float, float, float, float] | None) -> PlotData:
        """The claims inside ``area`` (south, west, north, east), as the search means it."""
        if area is None:
            return self
        south, west, north, east = area
        lat, lon = self.latitude, self.longitude
        with np.errstate(invalid="ignore"):
            across = (lon >= west) | (lon <= east) if west > east else (lon >= west) & (lon <= east)
            keep = np.flatnonzero((lat >= south) & (lat <= north) & across)
        columns = {
            f.name: getattr(self, f.name)[keep]
            for f in dataclasses.fields(self)
            if f.name not in ("ids", "_index")
        }
        ids = [self.ids[i] for i in keep]
        return PlotData(ids=ids, **columns, _index={c: n for n, c in enumerate(ids)})
