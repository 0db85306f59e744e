"""First run: offer the sample case when a workspace is empty, once.

``offer_sample_case`` asks "Load a sample case to see every feature?" when the workspace
has no claims and the settings say the sample was never offered; the question is asked
once, whatever the answer. ``load_sample_case`` (also right for a Help menu item) builds
the case on a pool thread through the ``TaskRunner`` — it takes a second or two: pictures
are drawn and go through the real ingest — behind a window-modal progress dialog, so no
import or edit starts meanwhile, and calls ``on_loaded(case_id, error)`` on the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog, QWidget

from ui.messages import show_error
from ui.tasks import TaskRunner
from workbench.sample import create_sample_case
from workbench.settings import SAMPLE_OFFERED, Settings, SettingsError
from workbench.workspace import Workspace

log = logging.getLogger(__name__)

SAMPLE_TITLE = "Sample case"
SAMPLE_QUESTION = "Load a sample case to see every feature?"
SAMPLE_DETAIL = (
    "It holds claims from the 2015 reporting on northern Aleppo: sources with graded "
    "reliability, verdicts with their reasons, and generated placeholder pictures, one of "
    "them seen before. It goes into a case of its own; delete it whenever you like."
)

#: Called on the UI thread once the sample is in: (case id, None) or (None, error).
OnLoaded = Callable[[str | None, BaseException | None], None]

_running: set[TaskRunner] = set()  # runners whose task has not reported back yet


class _Progress(QObject):
    """Carries progress from the pool thread to the dialog (a queued signal)."""

    advanced = Signal(int, int)


def workspace_is_empty(workspace: Workspace) -> bool:
    return not workspace.claims.find(limit=1)


def offer_sample_case(
    parent: QWidget,
    workspace: Workspace,
    settings: Settings,
    *,
    runner: TaskRunner | None = None,
    on_loaded: OnLoaded | None = None,
) -> bool:
    """Ask once, on an empty workspace, whether to load the sample case.

    Returns True when the analyst said yes and loading has started (``on_loaded`` tells
    when it is done); False when nothing was asked or the answer was no.
    """
    if settings.sample_offered or not workspace_is_empty(workspace):
        return False
    answer = QMessageBox.question(
        parent,
        SAMPLE_TITLE,
        f"{SAMPLE_QUESTION}\n\n{SAMPLE_DETAIL}",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    settings[SAMPLE_OFFERED] = True
    try:
        settings.save()
    except SettingsError as exc:  # asking again next time is the worst that happens
        log.warning("%s", exc)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    load_sample_case(parent, workspace, runner=runner, on_loaded=on_loaded)
    return True


def load_sample_case(
    parent: QWidget,
    workspace: Workspace,
    *,
    runner: TaskRunner | None = None,
    on_loaded: OnLoaded | None = None,
) -> QProgressDialog:
    """Build the sample case off the UI thread, behind a progress dialog; returns the
    dialog (it closes itself when done)."""
    task_runner = runner or TaskRunner(parent)
    _running.add(task_runner)
    dialog = QProgressDialog("Loading the sample case…", "", 0, 0, parent)
    dialog.setWindowTitle(SAMPLE_TITLE)
    dialog.setAccessibleName("Loading the sample case")
    dialog.setCancelButton(None)  # ingest cannot be half-undone
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    progress = _Progress(dialog)
    progress.advanced.connect(_show_progress(dialog), Qt.ConnectionType.QueuedConnection)
    dialog.show()

    def work() -> str:  # on a pool thread: no widgets here
        return create_sample_case(workspace, progress=progress.advanced.emit)

    def done(*, result: Any = None, error: BaseException | None = None) -> None:
        _running.discard(task_runner)
        dialog.close()
        dialog.deleteLater()
        if error is not None:
            show_error(parent, "Cannot load the sample case", error)
        elif isinstance(parent, QMainWindow):
            parent.statusBar().showMessage("Sample case loaded: select a claim to see it")
        if on_loaded is not None:
            on_loaded(None if error is not None else str(result), error)

    task_runner.run_task(work, done)
    return dialog


def _show_progress(dialog: QProgressDialog) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        dialog.setLabelText(f"Loading the sample case… {done} of {total} files")

    return show
