"""The claims of the current filter on a time axis: when each was posted, and when what it
shows was observed, in two lanes, coloured by verdict.

Drawn in one ``paintEvent`` from numpy columns: the positions of every claim are computed
at once, and each verdict's dots go to the painter as one ``drawPoints`` call (round pen
caps), so 10,000 claims draw in a few milliseconds and a pan or zoom is a repaint. Within
a lane a claim keeps the same height (from its id), so dense days spread into a band
instead of one line.

Mouse: the wheel zooms at the pointer, a drag pans, a click selects the nearest claim, the
pointer resting on one shows its summary and pictures. Keys: ``+``/``-`` zoom, ``←``/``→``
pan, ``Home`` shows every claim. Uses ``ui.plots.plots`` (the shared data and colours) only.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QWidget

from ui.plots.plotting import (
    STATUS_ORDER,
    ClaimDescriber,
    PlotData,
    PlotView,
    sprite,
    stamp,
    status_colour,
)

AXIS_HEIGHT = 34
LANE_LABEL_WIDTH = 74
DOT = 7
HIT_RADIUS = 7
LANES = (("Posted", "posted"), ("Observed", "observed"))
#: Tick spacings tried, finest first: seconds, or months as negative numbers.
_STEPS = (
    60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400,
    -1, -3, -6, -12, -24, -60, -120,
)  # fmt: skip
MIN_SPAN_S = 600.0
MAX_SPAN_S = 200 * 365.25 * 86400


def _month_ticks(t0: float, t1: float, months: int) -> list[float]:
    start = datetime.fromtimestamp(max(t0, -62135596800 + 86400), UTC)
    index = (start.year * 12 + start.month - 1) // months * months
    ticks = []
    while True:
        year, month = divmod(index, 12)
        if not 1 <= year <= 9999:
            break
        t = datetime(year, month + 1, 1, tzinfo=UTC).timestamp()
        if t > t1:
            break
        if t >= t0:
            ticks.append(t)
        index += months
    return ticks


def ticks(t0: float, t1: float, width: float, least_px: float = 90) -> tuple[list[float], str]:
    """Tick times between ``t0`` and ``t1`` at least ``least_px`` apart over ``width``
    pixels, and the strftime format their labels need."""
    span = max(t1 - t0, 1.0)
    for step in _STEPS:
        seconds = step if step > 0 else -step * 30.44 * 86400
        if seconds / span * width >= least_px:
            break
    if step > 0:
        first = math.ceil(t0 / step) * step
        found = list(np.arange(first, t1 + 1, step, dtype=float))
        fmt = "%Y-%m-%d" if step >= 86400 else "%m-%d %H:%M"
        return found, fmt
    found = _month_ticks(t0, t1, -step)
    return found, "%Y" if -step >= 12 else "%Y-%m"


class TimelineView(PlotView):
    """The timeline. ``claim_chosen`` when the analyst clicks a claim."""

    def __init__(self, describe: ClaimDescriber | None = None, parent: QWidget | None = None):
        super().__init__(describe, parent)
        self.setAccessibleName("Timeline")
        self.setMinimumHeight(140)
        self._data = PlotData.empty()
        self._selected: str | None = None
        self._t0, self._t1 = 0.0, 1.0
        self._marks: dict[tuple[str, float], QPixmap] = {}
        self.fit()

    # -- data ----------------------------------------------------------------------------

    def set_data(self, data: PlotData) -> None:
        """Show these claims; the view fits them when it showed none before."""
        had = self._data.count
        self._data = data
        if not had:
            self.fit()
        self.update()

    def set_selected(self, claim_id: str | None) -> None:
        self._selected = claim_id
        self.update()

    @property
    def span(self) -> tuple[float, float]:
        return self._t0, self._t1

    def set_span(self, t0: float, t1: float) -> None:
        width = min(max(t1 - t0, MIN_SPAN_S), MAX_SPAN_S)
        middle = (t0 + t1) / 2
        self._t0, self._t1 = middle - width / 2, middle + width / 2
        self.update()

    def fit(self) -> None:
        """Every claim in view (the last 30 days when there are none)."""
        times = np.concatenate([self._data.posted, self._data.observed])
        times = times[np.isfinite(times)]
        if times.size:
            low, high = float(times.min()), float(times.max())
            margin = max((high - low) * 0.05, 3600.0)
            self.set_span(low - margin, high + margin)
        else:
            now = datetime.now(UTC).timestamp()
            self.set_span(now - 30 * 86400, now)

    # -- geometry ------------------------------------------------------------------------

    def _plot_rect(self) -> QRectF:
        return QRectF(
            LANE_LABEL_WIDTH, 0, self.width() - LANE_LABEL_WIDTH, self.height() - AXIS_HEIGHT
        )

    def _x(self, t: np.ndarray) -> np.ndarray:
        rect = self._plot_rect()
        return rect.left() + (t - self._t0) / (self._t1 - self._t0) * rect.width()

    def _time_at(self, x: float) -> float:
        rect = self._plot_rect()
        return self._t0 + (x - rect.left()) / max(rect.width(), 1.0) * (self._t1 - self._t0)

    def _lane(self, n: int) -> QRectF:
        rect = self._plot_rect()
        height = rect.height() / len(LANES)
        return QRectF(rect.left(), rect.top() + n * height, rect.width(), height)

    def _positions(self, lane: int) -> tuple[np.ndarray, np.ndarray]:
        """x and y of every claim in ``lane`` (NaN where its time is unknown)."""
        times = self._data.posted if LANES[lane][1] == "posted" else self._data.observed
        box = self._lane(lane)
        rows = max(int((box.height() - 2 * DOT) // (DOT - 1)), 1)
        y = box.top() + DOT + (self._data.jitter % rows) * (DOT - 1)
        return self._x(times), y

    def claim_at(self, x: float, y: float) -> str | None:
        """The id of the claim drawn nearest (x, y), within the hit radius."""
        best, best_d = None, float(HIT_RADIUS**2)
        for lane in range(len(LANES)):
            xs, ys = self._positions(lane)
            with np.errstate(invalid="ignore"):
                d = (xs - x) ** 2 + (ys - y) ** 2
            if not np.isfinite(d).any():
                continue
            i = int(np.nanargmin(d))
            if d[i] <= best_d:
                best, best_d = self._data.ids[i], float(d[i])
        return best

    # -- drawing -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        text = palette.text().color()
        faint = QColor(text)
        faint.setAlpha(40)
        plot = self._plot_rect()
        found, fmt = ticks(self._t0, self._t1, plot.width())
        painter.setPen(QPen(faint, 1))
        xs = self._x(np.asarray(found, dtype=float))
        for x in xs:
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(text)
        for x, t in zip(xs, found, strict=True):
            label = datetime.fromtimestamp(t, UTC).strftime(fmt)
            painter.drawText(
                QRectF(x - 60, plot.bottom() + 4, 120, 16), Qt.AlignmentFlag.AlignHCenter, label
            )
        years = {
            datetime.fromtimestamp(t, UTC).year for t in (self._t0, self._t1) if -6e10 < t < 2.5e11
        }
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 18, plot.width(), 16),
            Qt.AlignmentFlag.AlignRight,
            ("–".join(str(y) for y in sorted(years)) + " · " if "%Y" not in fmt else "") + "UTC",
        )
        for n, (label, _key) in enumerate(LANES):
            box = self._lane(n)
            painter.setPen(faint)
            painter.drawLine(QPointF(0, box.bottom()), QPointF(self.width(), box.bottom()))
            painter.setPen(text)
            painter.drawText(
                QRectF(6, box.top(), LANE_LABEL_WIDTH - 10, box.height()),
                Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        painter.setClipRect(plot)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ratio = self.devicePixelRatioF()
        for lane in range(len(LANES)):
            xs, ys = self._positions(lane)
            for status in STATUS_ORDER:
                mask = self._data.status == status
                if mask.any():
                    stamp(painter, self._mark(status, ratio), xs[mask], ys[mask])
        self._paint_selected(painter, text)
        if not self._data.count:
            painter.setPen(text)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No claims match the filter")
        painter.end()

    def _mark(self, status: str, ratio: float) -> QPixmap:
        key = (status, ratio)
        if key not in self._marks:
            colour = status_colour(status)

            def dot(painter: QPainter, centre: QPointF) -> None:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawEllipse(centre, DOT / 2, DOT / 2)

            self._marks[key] = sprite(DOT + 2, dot, ratio)
        return self._marks[key]

    def _paint_selected(self, painter: QPainter, colour: QColor) -> None:
        index = self._data.index_of(self._selected)
        if index is None:
            return
        points = []
        for lane in range(len(LANES)):
            xs, ys = self._positions(lane)
            if np.isfinite(xs[index]):
                points.append(QPointF(xs[index], ys[index]))
        painter.setPen(QPen(colour, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for point in points:
            painter.drawEllipse(point, DOT, DOT)
        if len(points) == 2:
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DashLine))
            painter.drawLine(points[0], points[1])

    # -- the analyst's hands -------------------------------------------------------------

    def zoom(self, factor: float, at: float | None = None) -> None:
        """Zoom in by ``factor`` (>1) or out (<1), keeping the time under ``at`` in place."""
        pivot = self._time_at(at) if at is not None else (self._t0 + self._t1) / 2
        width = min(max((self._t1 - self._t0) / factor, MIN_SPAN_S), MAX_SPAN_S)
        share = (pivot - self._t0) / (self._t1 - self._t0)
        self._t0 = pivot - share * width
        self._t1 = self._t0 + width
        self.update()

    def zoom_by(self, steps: float, at: QPointF | None = None) -> None:
        self.zoom(2.0**steps, at.x() if at is not None else None)

    def pan(self, dx: float, dy: float = 0.0) -> None:
        """Move the times ``dx`` pixels right (earlier times come into view)."""
        shift = dx / max(self._plot_rect().width(), 1.0) * (self._t1 - self._t0)
        self._t0 -= shift
        self._t1 -= shift
        self.update()
