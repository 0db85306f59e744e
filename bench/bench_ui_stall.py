#!/usr/bin/env python3
"""Does the window stay responsive during a big ingest?

Starts the real main window (offscreen) on a fresh workspace, ingests 1,000 generated
photos through ``MainWindow.ingest_paths`` (the path a drop or File ▸ Add media takes), and
measures the event loop: a 10 ms timer records the gap between its ticks; a gap much longer
than 10 ms is a stall the analyst would feel. In the same run, the naive way (calling the
service on the UI thread, as a careless window would) is measured for contrast.

Target (from the issue): the UI thread never stalls more than 100 ms.
Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_stall.py [N]``.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from machine import describe, load_average  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.main_window import MainWindow  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402

TICK_MS = 10
TARGET_STALL_MS = 100.0


def make_photos(folder: Path, count: int) -> list[Path]:
    """Distinct 1600x1200 JPEGs (about 2 MP): each a random smooth scene plus grain, so no
    two are near duplicates (a batch of look-alikes would measure matching, not the UI)."""
    rng = np.random.default_rng(7)
    paths = []
    for i in range(count):
        scene = rng.uniform(0, 255, size=(6, 8, 3)).astype(np.uint8)
        picture = Image.fromarray(scene).resize((1600, 1200), Image.Resampling.BICUBIC)
        grain = rng.normal(0, 12, size=(1200, 1600, 1))
        pixels = np.clip(np.asarray(picture, dtype=np.float32) + grain, 0, 255)
        path = folder / f"photo_{i:04d}.jpg"
        Image.fromarray(pixels.astype(np.uint8)).save(path, quality=85)
        paths.append(path)
    return paths


class StallMeter:
    """The longest gap between ticks of a fast timer on the UI thread."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.gaps.append(self.clock.nsecsElapsed() / 1e6)
        self.clock.restart()

    def stop(self) -> tuple[float, float]:
        self.timer.stop()
        self._tick()  # the time since the last tick counts too
        gaps = self.gaps or [0.0]
        return max(gaps), float(np.percentile(gaps, 99))

    def worst(self, n: int = 5) -> str:
        at = np.cumsum(self.gaps)
        top = sorted(range(len(self.gaps)), key=lambda i: -self.gaps[i])[:n]
        return ", ".join(f"{self.gaps[i]:.0f} ms at {at[i] / 1000:.1f} s" for i in sorted(top))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    app = QApplication.instance() or QApplication([])
    print(f"machine: {describe()}; load average {load_average()} at start")
    with tempfile.TemporaryDirectory() as tmp:
        photos = make_photos(Path(tmp), count)
        meter = StallMeter()

        ws = Workspace.open(Path(tmp) / "ws", analyst="bench")
        window = MainWindow(ws)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        gc.freeze()  # as main.py does once the window is up
        loop = QEventLoop()
        window.ingest_finished.connect(lambda _outcome: loop.quit())
        meter.start()
        t0 = time.perf_counter()
        window.ingest_paths([str(p) for p in photos], None)
        loop.exec()
        ours_s = time.perf_counter() - t0
        ours_max, ours_p99 = meter.stop()
        worst = meter.worst()
        window.close()
        window.deleteLater()
        app.processEvents()
        ws.close()

        naive_n = min(count, 100)
        ws = Workspace.open(Path(tmp) / "ws-naive", analyst="bench")

        def naive_ingest() -> None:  # on the UI thread, as a careless window would
            ws.media.ingest(photos[:naive_n])
            QTimer.singleShot(3 * TICK_MS, loop.quit)

        meter.start()
        QTimer.singleShot(0, naive_ingest)
        loop.exec()
        naive_max, _ = meter.stop()
        ws.close()

    print(f"ingest of {count} distinct photos (1600x1200 JPEG) through MainWindow.ingest_paths")
    print(f"{'':34} {'longest stall':>14} {'p99 gap':>9}")
    print(
        f"{'ours (worker thread)':34} {ours_max:11.0f} ms {ours_p99:6.0f} ms   "
        f"({count / ours_s:.0f} images/s, {ours_s:.1f} s)"
    )
    print(f"{f'naive ({naive_n} files on the UI thread)':34} {naive_max:11.0f} ms")
    print(f"ours, worst gaps: {worst}")
    verdict = "MET" if ours_max <= TARGET_STALL_MS else "MISSED"
    print(f"target longest stall <= {TARGET_STALL_MS:.0f} ms: {ours_max:.0f} ms  {verdict}")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # skip PySide's teardown at interpreter exit: nothing is left to save
