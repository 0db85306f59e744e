"""The Qt binding itself: a long session must not wear it out.

PySide6 6.12.0 on Python 3.11 gives back ``None`` from methods that return nothing without
taking a reference to it (harmless from Python 3.12, where ``None`` is immortal): after some
tens of thousands of such calls (a map's outline, a day of repaints) CPython frees ``None``
and the process dies ("none_dealloc"). The lock keeps that version out; this test runs the
calls in a child process, so a binding with the fault fails here instead of in a session.
"""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = """
import sys
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv)
path = QPainterPath()
for i in range(100_000):
    path.lineTo(float(i), 1.0)
image = QImage(64, 64, QImage.Format.Format_ARGB32)
painter = QPainter(image)
painter.setPen(QPen(QColor("red"), 2))
for i in range(100_000):
    painter.drawLine(QPointF(0, 0), QPointF(4, 4))
painter.end()
print("calls done", path.elementCount())
"""


def test_a_hundred_thousand_calls_that_return_nothing_leave_the_process_alive() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CALLS], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "calls done 100001" in done.stdout
