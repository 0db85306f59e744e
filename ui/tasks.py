"""Running work off the UI thread and getting its outcome back on it.

Shape borrowed from MusicBrainz Picard's ``run_task(func, next_func)``: ``func`` runs on a
``QThreadPool`` worker; when it returns or raises, ``next_func(result=..., error=...)`` is
called on the UI thread. The hand-back goes through a signal of the runner, an object that
lives on the UI thread, connected with ``Qt.QueuedConnection``: Qt copies the emission into
the UI thread's event queue, so ``next_func`` may touch widgets and no lock is needed.

Rules for ``func``: it must not touch widgets, and it reaches the UI only by emitting
signals of objects that live on the UI thread (queued, like the hand-back here).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class NextFunc(Protocol):
    """Called on the UI thread with exactly one of ``result`` and ``error`` meaningful."""

    def __call__(self, *, result: Any = None, error: BaseException | None = None) -> None: ...


class _Task(QRunnable):
    def __init__(self, task_id: int, func: Callable[[], Any], runner: TaskRunner) -> None:
        super().__init__()
        self._task_id = task_id
        self._func = func
        self._runner = runner
        self.setAutoDelete(True)

    def run(self) -> None:  # on a pool thread
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._func()
        except BaseException as exc:  # handed back to the UI thread, never lost
            error = exc
        try:
            self._runner._done.emit(self._task_id, result, error)
        except RuntimeError:  # the runner's window is gone: nobody is left to tell
            log.warning("task %d finished after its runner was deleted", self._task_id)


class TaskRunner(QObject):
    """Runs callables on a thread pool and calls their continuation on the UI thread.

    Create it on the UI thread (normally the window owns one). ``pool`` defaults to the
    global pool; tests may pass their own.
    """

    # (task id, result, error); emitted on a worker thread, delivered on this object's thread
    _done = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._ids = itertools.count(1)
        self._pending: dict[int, NextFunc | None] = {}
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def pending_count(self) -> int:
        """Tasks started whose continuation has not run yet."""
        return len(self._pending)

    def run_task(self, func: Callable[[], Any], next_func: NextFunc | None = None) -> int:
        """Start ``func`` on the pool; return a task id. ``next_func`` runs on the UI thread
        once ``func`` has finished. An error with no ``next_func`` is logged."""
        task_id = next(self._ids)
        self._pending[task_id] = next_func
        self._pool.start(_Task(task_id, func, self))
        return task_id

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until every task of the pool has finished (used on close)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object, object)
    def _deliver(self, task_id: int, result: Any, error: BaseException | None) -> None:
        next_func = self._pending.pop(task_id, None)
        if next_func is not None:
            next_func(result=result, error=error)
        elif error is not None:
            log.error("background task failed", exc_info=error)


class CancellableJob(QObject):
    """A piece of work the analyst can stop: ``work`` (in subclasses) runs on a pool
    thread and polls ``should_cancel``; ``cancel`` is safe from any thread. Create it on the
    UI thread, so that its signals are delivered there."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check (after the item in hand)."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def should_cancel(self) -> bool:
        return self._cancel.is_set()
