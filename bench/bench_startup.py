#!/usr/bin/env python3
"""Cold start: from a fresh process to a usable window, on an empty and on a big workspace.

Each start is a new Python process (imports included, as an analyst's double-click), timed
from just before it is spawned until the window has been shown and the event loop is idle
(a zero-delay timer fires after the first paint). The big workspace is made by
``bench/make_workspace.py`` (100,000 claims, 50,000 media, 100,000 hashes) and cached.

In the same run, the naive way: a window model that reads every claim's row at start
instead of the ids and the rows on screen (``ClaimSearch.rows`` over all ids).

Targets (from the issue): <= 1.5 s on an empty workspace, <= 3 s on the big one.
Run: ``.venv/bin/python bench/bench_startup.py [--claims N] [--media M]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe, load_average  # noqa: E402
from make_workspace import make_workspace  # noqa: E402

RUNS = 3
TARGETS = {"empty": 1.5, "big": 3.0}

#: The child: start the app as main.py does, report when the event loop is idle.
CHILD = """
import sys, time
spawned = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow
from workbench.settings import Settings
from workbench.workspace import Workspace
app = QApplication([])
workspace = Workspace.open(sys.argv[2], analyst="bench")
window = MainWindow(workspace, settings=Settings.load(sys.argv[3]))
window.show()
if sys.argv[4] == "naive":
    ids = window.search.ids(window.claims_model.query)
    rows = window.search.rows(ids)  # every row, as a model without paging would
def ready():
    print(f"{time.time() - spawned:.3f} {window.claims_model.rowCount()}", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
workspace.close()
"""


def start_once(folder: Path, settings: Path, mode: str) -> tuple[float, int]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WORKBENCH_UI_STATE": str(settings)}
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(spawned), str(folder), str(settings), mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    seconds, rows = done.stdout.split()[-2:]
    return float(seconds), int(rows)


def median_start(folder: Path, settings: Path, mode: str) -> tuple[float, int]:
    start_once(folder, settings, mode)  # warm the page cache: measure Python, not the disk
    runs = [start_once(folder, settings, mode) for _ in range(RUNS)]
    return statistics.median(r[0] for r in runs), runs[0][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--media", type=int, default=50_000)
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / "out" / "workspace-100k")
    args = parser.parse_args()
    print(f"machine: {describe()}; load average {load_average()} at start")
    big = make_workspace(args.cache, args.claims, args.media)
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty"
        settings = Path(tmp) / "settings.json"
        results = {
            "empty": median_start(empty, settings, "ours"),
            "big": median_start(big, settings, "ours"),
        }
        naive, _ = median_start(big, settings, "naive")
    print(f"\ncold start to a usable window (median of {RUNS}, offscreen)")
    print(f"{'workspace':44} {'seconds':>8} {'claims':>8}")
    print(f"{'empty':44} {results['empty'][0]:8.2f} {results['empty'][1]:8}")
    big_name = f"{args.claims:,} claims, {args.media:,} media"
    print(f"{big_name:44} {results['big'][0]:8.2f} {results['big'][1]:8}")
    print(f"{'same, naive (every row read at start)':44} {naive:8.2f}")
    print(f"ratio naive / ours on the big workspace: {naive / results['big'][0]:.1f}x")
    for name, limit in TARGETS.items():
        verdict = "MET" if results[name][0] <= limit else "MISSED"
        print(f"target {name} <= {limit} s: {results[name][0]:.2f} s  {verdict}")


if __name__ == "__main__":
    main()
