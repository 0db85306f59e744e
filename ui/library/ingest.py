"""One media import as the window sees it: the job, its progress strip and its outcome.

``IngestJob.work`` runs on a pool thread (see ``ui.tasks``) and calls the media service;
the service's ``progress`` callback becomes the queued ``progressed`` signal and Cancel
sets an event the service polls through ``should_cancel``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ui.tasks import CancellableJob
from workbench.library.ingest import MediaService
from workbench.library.views import IngestResult, IngestStatus


@dataclasses.dataclass(frozen=True)
class IngestOutcome:
    """What an import did, file by file, and whether it was cut short."""

    results: tuple[IngestResult, ...]
    cancelled: bool = False
    #: Set when the import as a whole failed (e.g. the claim was removed meanwhile).
    failure: str | None = None

    def count(self, status: IngestStatus) -> int:
        return sum(r.status is status for r in self.results)

    @property
    def errors(self) -> tuple[IngestResult, ...]:
        return tuple(r for r in self.results if r.status is IngestStatus.ERROR)

    @property
    def seen_before(self) -> int:
        return sum(bool(r.near_duplicates) for r in self.results)

    @property
    def known(self) -> tuple[IngestResult, ...]:
        """The files that met a hash on a known-fakes list."""
        return tuple(r for r in self.results if r.known)

    def summary(self) -> str:
        """``3 added, 1 already stored, 1 refused; 2 seen before`` for the status bar."""
        if self.failure is not None:
            return f"Import failed: {self.failure}"
        if not self.results:
            return "Import cancelled: nothing imported" if self.cancelled else "No files found"
        text = (
            f"{self.count(IngestStatus.ADDED)} added, "
            f"{self.count(IngestStatus.EXISTS)} already stored, "
            f"{self.count(IngestStatus.ERROR)} refused; "
            f"{self.seen_before} seen before"
        )
        if self.known:
            text += f"; {len(self.known)} on a known-fakes list"
        if self.cancelled:
            return f"Import cancelled after {len(self.results)} file(s): {text}"
        return text


class IngestJob(CancellableJob):
    """Create on the UI thread; hand ``work`` to the task runner."""

    #: (files done, files in the batch, the result for the last file); emitted on the worker
    progressed = Signal(int, int, object)

    def __init__(
        self,
        media: MediaService,
        paths: Sequence[str],
        claim_id: str | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = tuple(paths)
        self.claim_id = claim_id
        self._media = media

    def work(self) -> IngestOutcome:  # on a pool thread: no widgets here
        results = self._media.ingest(
            self.paths,
            claim_id=self.claim_id,
            progress=self._report,
            should_cancel=self.should_cancel,
        )
        return IngestOutcome(tuple(results), cancelled=self.should_cancel())

    def _report(self, done: int, total: int, result: IngestResult) -> None:
        self.progressed.emit(done, total, result)


class ProgressStrip(QWidget):
    """Status-bar strip: what is running, a progress bar and a Cancel button."""

    cancel_requested = Signal()

    def __init__(self, what: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(True)
        self.bar.setAccessibleName(f"{what} progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName(f"Cancel the {what.lower()}")
        self.cancel_button.setToolTip(tip)
        self.cancel_button.clicked.connect(self._on_cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)

    def begin(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setRange(0, 0)  # busy until the first step is done
        self.cancel_button.setEnabled(True)
        self.show()

    def step(self, done: int, total: int, text: str) -> None:
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        else:
            self.bar.setRange(0, 0)
        if self.cancel_button.isEnabled():  # else keep saying "Cancelling…"
            self.label.setText(text)

    def _on_cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling…")
        self.cancel_requested.emit()


class IngestProgress(ProgressStrip):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Import", "Stop after the file being stored now", parent)

    def start(self, file_count: int) -> None:
        self.begin(f"Importing {file_count} item(s)…")

    def advance(self, done: int, total: int, result: IngestResult) -> None:
        self.step(done, max(total, 1), f"Imported {done} of {total}: {Path(result.path).name}")
