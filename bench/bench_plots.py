#!/usr/bin/env python3
"""The timeline and the map of 10,000 claims: first draw, and pan/zoom frames.

A generated workspace of 10,000 claims (``make_workspace``: 80% with coordinates in
northern Syria and a precision, 95% with a posted time, 30% with an observed time). For
each view:

- **first draw**: from the filter to pixels: ``ClaimSearch.plotted`` (one statement),
  ``PlotData.of`` (the numpy columns, the projection) and the first paint.
- **frames**: 60 repaints after a pan or a zoom (alternating), each rendered into an
  image the widget's size (``QWidget.render``), median and 95th percentile.

In the same run, the naive way: the same frames drawn one ``drawEllipse`` a claim from a
Python loop (what a first version would do), for the ratio.

Targets (issue 16): first draw <= 500 ms; pan/zoom frames <= 50 ms.
Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_plots.py [--claims N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import PySide6  # noqa: E402
from machine import describe, load_average  # noqa: E402
from make_workspace import make_workspace  # noqa: E402
from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from ui.plots.map_view import MapView  # noqa: E402
from ui.plots.plotting import PlotData, status_colour  # noqa: E402
from ui.plots.timeline_view import LANES, TimelineView  # noqa: E402
from workbench.claims.search import ClaimQuery, ClaimSearch  # noqa: E402
from workbench.workspace import Location, Workspace  # noqa: E402

FRAMES = 60
SIZE = (1340, 300)  # the dock across a 1366x768 screen
FIRST_TARGET_MS, FRAME_TARGET_MS = 500.0, 50.0


def render(widget: QWidget, image: QImage) -> float:
    start = time.perf_counter()
    widget.render(image)
    return (time.perf_counter() - start) * 1000


def frames(widget: QWidget, move: object, image: QImage) -> list[float]:
    times = []
    for n in range(FRAMES):
        move(n)  # type: ignore[operator]
        times.append(render(widget, image))
    return times


def naive_points(widget: QWidget, xs: np.ndarray, ys: np.ndarray, status: np.ndarray) -> float:
    """One frame the naive way: a Python loop, one ellipse a claim."""
    image = QImage(widget.width(), widget.height(), QImage.Format.Format_ARGB32_Premultiplied)
    start = time.perf_counter()
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for x, y, s in zip(xs, ys, status, strict=True):
        if np.isfinite(x):
            painter.setBrush(status_colour(s))
            painter.setPen(status_colour(s))
            painter.drawEllipse(QPointF(x, y), 3.5, 3.5)
    painter.end()
    return (time.perf_counter() - start) * 1000


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--out-dir", default=os.path.join(tempfile.gettempdir(), "bench-plots"))
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    folder = make_workspace(args.out_dir, args.claims, args.claims // 2, quiet=True)
    ws = Workspace(Location.of(folder), analyst="bench")
    search = ClaimSearch(ws)
    print(
        describe(f"PySide6 {PySide6.__version__}", f"numpy {np.__version__}"),
        f"load {load_average()}",
    )
    rows = []
    try:
        for name, make in (("timeline", TimelineView), ("map", MapView)):
            view = make()
            view.resize(*SIZE)
            view.show()
            app.processEvents()
            image = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
            start = time.perf_counter()
            data = PlotData.of(search.plotted(ClaimQuery()))
            view.set_data(data)
            first = (time.perf_counter() - start) * 1000 + render(view, image)
            fitted = render(view, image)  # every claim in view: the naive way's frame
            if isinstance(view, TimelineView):
                moves = lambda n, v=view: v.zoom(1.3) if n % 2 else v.pan(37)  # noqa: E731
                xs, ys = view._positions(0)
                xs2, ys2 = view._positions(len(LANES) - 1)
                naive = naive_points(
                    view,
                    np.concatenate([xs, xs2]),
                    np.concatenate([ys, ys2]),
                    np.concatenate([data.status, data.status]),
                )
            else:
                moves = lambda n, v=view: v.zoom_by(0.25) if n % 2 else v.pan(23, 11)  # noqa: E731
                xs, ys = view._screen()
                naive = naive_points(view, xs, ys, data.status)
            times = frames(view, moves, image)
            median, high = statistics.median(times), p95(times)
            rows.append((name, data.count, data.placed, first, fitted, median, high, naive))
            view.close()
    finally:
        ws.close()
    heads = ("claims", "placed", "first draw", "all in view", "frame p50", "p95", "naive")
    print(f"{'view':<9}" + "".join(f"{h:>12}" for h in heads) + "   ratio")
    for name, count, placed, first, fitted, median, high, naive in rows:
        figures = "".join(f"{v:>10.1f}ms" for v in (first, fitted, median, high, naive))
        print(f"{name:<9}{count:>12}{placed:>12}{figures}  {naive / fitted:>5.1f}x")
        ok = first <= FIRST_TARGET_MS and high <= FRAME_TARGET_MS
        verdict = "met" if ok else "NOT met"
        print(
            f"  first draw <= {FIRST_TARGET_MS:.0f} ms, frames <= {FRAME_TARGET_MS:.0f} ms:",
            verdict,
        )


if __name__ == "__main__":
    main()
