"""One export off the UI thread (``ExportJob``: progress through a queued signal, Cancel
through the event the export polls) and the sentence that says what it wrote.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ui.tasks import CancellableJob
from workbench import exchange
from workbench.exchange import ExportDone
from workbench.exchange.formats import Publication
from workbench.exchange.scope import ExportScope
from workbench.workspace import Workspace


class ExportJob(CancellableJob):
    """One export: ``work`` runs on a pool thread; ``cancel`` is safe from any thread."""

    #: (steps done, steps in all) as the writer reports them; emitted on the worker
    progressed = Signal(int, int)

    def __init__(
        self,
        workspace: Workspace,
        fmt: str,
        scope: ExportScope,
        out: Path,
        parent: QObject | None = None,
        publication: Publication | None = None,
    ) -> None:
        super().__init__(parent)
        self.fmt, self.scope, self.out = fmt, scope, out
        self.publication = publication
        self._ws = workspace

    def work(self) -> ExportDone:  # on a pool thread: no widgets here
        # Looked up at call time, so a test can stand in for the writer.
        return exchange.export(
            self._ws,
            self.fmt,
            self.scope,
            self.out,
            progress=self.progressed.emit,
            should_cancel=self.should_cancel,
            publication=self.publication,
        )


def describe(done: ExportDone) -> str:
    claims = f"{done.claims} claim{'s' if done.claims != 1 else ''}"
    if done.format in ("bag", "pdf", "html") and done.originals:
        claims += f" and {done.originals} original{'s' if done.originals != 1 else ''}"
    text = f"Exported {claims} to {done.path}"
    if done.left_out:
        reasons = sorted({o.reason for o in done.left_out})
        text += f"; {len(done.left_out)} left out ({'; '.join(reasons)})"
    return text + "".join(f". Note: {w}" for w in done.warnings)
