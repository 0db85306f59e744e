"""The progress of opening a workspace whose picture index must be read from the database
(a first open of a big library on this workstation: a million pictures take about four
minutes; later opens map the snapshot and take seconds).

Opening runs before the window exists, on the UI thread: the dialog appears only once it
has taken ``SHOW_AFTER_MS``, and Qt's events are processed at each report so it paints
and its Cancel answers. Cancel stops the opening (``OpenCancelled``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QProgressDialog

SHOW_AFTER_MS = 800
STEPS = 1000


class OpenCancelled(Exception):
    """The analyst cancelled opening the workspace."""


def open_progress(folder: str) -> tuple[QProgressDialog, Callable[[int, int], None]]:
    """A dialog (not shown yet) and the ``progress(done, total)`` callback that drives it."""
    dialog = QProgressDialog(
        f"Reading the picture index of {folder}\n(the first time on this workstation)…",
        "Cancel",
        0,
        STEPS,
    )
    dialog.setWindowTitle("Opening the workspace")
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progress(done: int, total: int) -> None:
        dialog.setValue(min(STEPS, done * STEPS // total) if total else STEPS)
        QCoreApplication.processEvents()
        if dialog.wasCanceled():
            raise OpenCancelled("opening cancelled")

    return dialog, progress
