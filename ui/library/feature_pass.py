"""The local-feature pass as the window runs it: in the background, with progress and Cancel.

After every import, and once when the window opens (a workspace from before local
features, or a pass a crash cut short), ``FeaturePass.start`` runs
``FeatureService.run_pass`` on a pool thread: the pictures and videos without local
features get them (a video: its featured frames), and each picture is looked up inside and
around the others. Asked again while it runs, it runs once more when done. Cancel stops
after the picture in hand, or inside a video (which the next pass does again); the rest
wait for the next start (nothing is lost: each picture and video is its own transaction).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from ui.library.ingest import ProgressStrip
from ui.tasks import CancellableJob, TaskRunner
from workbench.library.features import FeaturePassResult, FeatureService

log = logging.getLogger(__name__)


class FeaturePassJob(CancellableJob):
    #: (pictures done, pictures in the pass); emitted on the worker
    progressed = Signal(int, int)

    def __init__(self, features: FeatureService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._features = features

    def work(self) -> FeaturePassResult:  # on a pool thread: no widgets here
        return self._features.run_pass(
            progress=self.progressed.emit, should_cancel=self.should_cancel
        )


class FeatureProgress(ProgressStrip):
    def __init__(self) -> None:
        super().__init__(
            "Local features",
            "Stop now (a video in hand is done again); the rest are done next time",
        )

    def advance(self, done: int, total: int) -> None:
        self.step(done, total, f"Looking inside pictures and videos: {done} of {total}")


class FeaturePass(QObject):
    """Keeps the pass going; ``finished`` carries each pass's result (on the UI thread)."""

    finished = Signal(object)  # FeaturePassResult

    def __init__(
        self,
        features: FeatureService,
        runner: TaskRunner,
        strip: FeatureProgress,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._features = features
        self._runner = runner
        self._strip = strip
        self._job: FeaturePassJob | None = None
        self._again = False
        self._stopped = False
        strip.cancel_requested.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self) -> None:
        if self._stopped:
            return
        if self._job is not None:
            self._again = True
            return
        job = FeaturePassJob(self._features, self)
        job.progressed.connect(self._progressed)
        self._job, self._again = job, False
        self._runner.run_task(job.work, self._done)

    def cancel(self) -> None:
        self._again = False
        if self._job is not None:
            self._job.cancel()

    def stop(self) -> None:
        """For good (the window closes): cancel, and start no more."""
        self._stopped = True
        self.cancel()

    def _progressed(self, done: int, total: int) -> None:
        if done == 1 and self._job is not None and not self._job.cancel_requested:
            self._strip.begin(f"Looking inside pictures and videos: 0 of {total}")
        self._strip.advance(done, total)

    def _done(
        self, *, result: FeaturePassResult | None = None, error: BaseException | None = None
    ) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.deleteLater()
        self._strip.hide()
        if error is not None or result is None:
            log.error("the local-feature pass failed", exc_info=error)
            return
        self.finished.emit(result)
        if self._again and not result.cancelled:
            self.start()
