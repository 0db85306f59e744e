"""File ▸ Import… and dropped bags, exports and archives: the job, its progress strip and the
summary of what it did.

``ImportJob.work`` runs on a pool thread (see ``ui.tasks``) and hands each path to
``workbench.exchange.import_path``; its ``progress`` becomes the queued ``progressed``
signal and Cancel sets an event the import polls. The ``ImportOutcome`` it returns holds
one ``ImportSummary`` per path and the claims' opening words (read on the worker), which
``ImportSummaryDialog`` lists: refused, skipped (where, why), conflicts, added and merged.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.library.ingest import ProgressStrip
from ui.messages import error_message
from ui.tasks import CancellableJob
from workbench import exchange
from workbench.base.errors import Cancelled, WorkbenchError
from workbench.claims.search import ClaimSearch
from workbench.claims.views import ImportSummary
from workbench.workspace import Workspace

#: At most this many added or merged claims are named in the summary (the rest are counted).
NAMED_CLAIMS = 500
#: Groups with more entries than this start folded; problems always start open.
FOLDED_OVER = 20
READ_WHOLE = "Select a line to read it whole."
CLAIM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2
GROUPS = ("refused", "skipped", "conflicts", "added", "merged")
GROUP_TITLES = {
    "refused": "Refused",
    "skipped": "Skipped",
    "conflicts": "Conflicts",
    "added": "Added",
    "merged": "Merged (already here)",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def describe_summary(summary: ImportSummary) -> str:
    """``posts.csv: 12 added, 3 merged, 2 skipped; 4 media added`` (or why it was refused)."""
    name = Path(summary.path).name or summary.path
    if summary.refused is not None:
        return f"{name}: refused — {summary.refused}"
    parts = [f"{len(summary.added)} added", f"{len(summary.merged)} merged"]
    if summary.skipped:
        parts.append(f"{len(summary.skipped)} skipped")
    if summary.conflicts:
        parts.append(_plural(len(summary.conflicts), "conflict"))
    text = f"{name}: " + ", ".join(parts)
    if summary.media_added or summary.media_existing:
        text += f"; {summary.media_added} media added, {summary.media_existing} already stored"
    return text


@dataclasses.dataclass(frozen=True)
class ImportOutcome:
    """What an import of one or more paths did, and whether it was cut short."""

    summaries: tuple[ImportSummary, ...]
    #: claim id -> its opening words, for the added and merged claims named in the summary
    names: dict[str, str] = dataclasses.field(default_factory=dict)
    cancelled: bool = False
    #: Set when the import as a whole failed (a bug or an unreadable workspace).
    failure: str | None = None
    case: str | None = None  # the case posts were filed under

    @property
    def added(self) -> int:
        return sum(len(s.added) for s in self.summaries)

    @property
    def merged(self) -> int:
        return sum(len(s.merged) for s in self.summaries)

    @property
    def skipped(self) -> int:
        return sum(len(s.skipped) for s in self.summaries)

    @property
    def conflicts(self) -> int:
        return sum(len(s.conflicts) for s in self.summaries)

    @property
    def refused(self) -> tuple[ImportSummary, ...]:
        return tuple(s for s in self.summaries if s.refused is not None)

    @property
    def clean(self) -> bool:
        """Nothing for the analyst to read beyond the counts."""
        problems = self.refused or self.skipped or self.conflicts
        return not (problems or self.cancelled or self.failure)

    def summary(self) -> str:
        """The status bar's line: ``Imported posts.csv: 12 added, 3 merged``."""
        if self.failure is not None:
            return f"Import failed: {self.failure}"
        if not self.summaries:
            return "Import cancelled: nothing imported" if self.cancelled else "Nothing imported"
        if len(self.summaries) == 1 and not self.cancelled:
            [only] = self.summaries
            verb = "Import refused" if only.refused is not None else "Imported"
            return f"{verb} {describe_summary(only)}"
        text = (
            f"{self.added} added, {self.merged} merged, {self.skipped} skipped, "
            f"{_plural(self.conflicts, 'conflict')}, {len(self.refused)} refused"
        )
        files = _plural(len(self.summaries), "file")
        if self.cancelled:
            return f"Import cancelled after {files}: {text}"
        return f"Imported {files}: {text}"


class ImportJob(CancellableJob):
    """Create on the UI thread; hand ``work`` to the task runner."""

    #: (what is being read, steps done, steps in all); emitted on the worker
    progressed = Signal(str, int, int)

    def __init__(
        self,
        workspace: Workspace,
        paths: Sequence[str],
        case: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = tuple(paths)
        self.case = case
        self._ws = workspace

    def work(self) -> ImportOutcome:  # on a pool thread: no widgets here
        summaries: list[ImportSummary] = []
        cancelled = False
        for number, path in enumerate(self.paths, 1):
            if self.should_cancel():
                cancelled = True
                break
            label = Path(path).name or path
            if len(self.paths) > 1:
                label = f"{label} ({number} of {len(self.paths)})"
            self.progressed.emit(label, 0, 0)
            try:
                # Looked up at call time, so a test can stand in for the reader.
                summary = exchange.import_path(
                    self._ws,
                    Path(path),
                    case=self.case,
                    progress=functools.partial(self._report, label),
                    should_cancel=self.should_cancel,
                )
            except Cancelled:
                cancelled = True
                break
            except (WorkbenchError, OSError) as exc:  # this file is refused, the rest go on
                summary = ImportSummary(path, "unknown", refused=error_message(exc))
            summaries.append(summary)
        return ImportOutcome(
            tuple(summaries), self._names(summaries), cancelled=cancelled, case=self.case
        )

    def _report(self, label: str, done: int, total: int) -> None:
        self.progressed.emit(label, done, total)

    def _names(self, summaries: Sequence[ImportSummary]) -> dict[str, str]:
        ids = [i for s in summaries for i in (*s.added, *s.merged)][:NAMED_CLAIMS]
        try:
            return {row.id: row.text for row in ClaimSearch(self._ws).rows(ids)}
        except WorkbenchError:  # the names are a courtesy: the ids still show
            return {}


class ImportProgress(ProgressStrip):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Import", "Stop the import; what is not finished is not kept", parent)

    def start(self, paths: Sequence[str]) -> None:
        first = Path(paths[0]).name if paths else ""
        more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
        self.begin(f"Importing {first}{more}…")

    def advance(self, label: str, done: int, total: int) -> None:
        self.step(done, total, f"Importing {label}…")


class ImportSummaryDialog(QDialog):
    """What an import added, merged, skipped (where, why), left in conflict and refused.

    Double-clicking an added or merged claim emits ``claim_chosen`` with its id.
    """

    claim_chosen = Signal(str)

    def __init__(self, outcome: ImportOutcome, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.outcome = outcome
        problems = bool(outcome.refused or outcome.skipped or outcome.conflicts)
        if outcome.refused and len(outcome.refused) == len(outcome.summaries):
            title = "Import refused"
        elif outcome.cancelled:
            title = "Import cancelled"
        else:
            title = "Import finished with notes" if problems else "Import finished"
        self.setWindowTitle(title)

        lines = [describe_summary(s) for s in outcome.summaries]
        if outcome.cancelled:
            lines.append("Cancelled: the file being read when you cancelled was not imported.")
        if outcome.case and any(s.format not in ("bag", "json") for s in outcome.summaries):
            lines.append(f"New claims from posts were filed under the case “{outcome.case}”.")
        self.intro = QLabel("\n".join(lines) or "Nothing was imported.")
        self.intro.setWordWrap(True)
        self.intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.intro.setAccessibleName("Import summary")

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("What the import did")
        self.tree.setHeaderLabels(["Item", "Why"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)  # thousands of skipped lines stay quick
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self._fill()
        self.tree.itemActivated.connect(self._activated)
        self.tree.setColumnWidth(0, 340)
        # The line in hand, whole: long reasons and record names are elided in the list.
        self.detail = QLabel(READ_WHOLE)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("The selected line, whole")
        self.detail.setMinimumHeight(3 * self.detail.fontMetrics().lineSpacing())
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.tree.currentItemChanged.connect(self._show_whole)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        layout.addWidget(buttons)
        self.resize(860, 440)

    def _fill(self) -> None:
        several = len(self.outcome.summaries) > 1
        named = self.outcome.names
        for group in GROUPS:
            rows: list[tuple[str, str, str | None]] = []  # (item, why, claim id)
            for summary in self.outcome.summaries:
                prefix = f"{Path(summary.path).name}: " if several else ""
                if group == "refused" and summary.refused is not None:
                    rows.append((summary.path, summary.refused, None))
                elif group in ("skipped", "conflicts"):
                    issues = summary.skipped if group == "skipped" else summary.conflicts
                    rows += [(prefix + i.where, i.message, None) for i in issues]
                elif group in ("added", "merged"):
                    ids = summary.added if group == "added" else summary.merged
                    rows += [(prefix + named.get(i, f"claim {i}"), "", i) for i in ids]
            if not rows:
                continue
            head = QTreeWidgetItem([f"{GROUP_TITLES[group]} ({len(rows)})", ""])
            head.setData(0, GROUP_ROLE, group)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFirstColumnSpanned(True)
            for item_text, why, claim_id in rows:
                child = QTreeWidgetItem([item_text, why])
                child.setToolTip(0, item_text)
                child.setToolTip(1, why)
                if claim_id is not None:
                    child.setData(0, CLAIM_ID_ROLE, claim_id)
                    child.setToolTip(0, f"{item_text}\nDouble-click to show this claim")
                head.addChild(child)
            self.tree.addTopLevelItem(head)
            problem = group in ("refused", "skipped", "conflicts")
            head.setExpanded(problem or len(rows) <= FOLDED_OVER)

    def rows(self, group: str) -> list[tuple[str, str]]:
        """(item, why) for each entry listed under ``group`` (one of ``GROUPS``)."""
        for number in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(number)
            if head is not None and head.data(0, GROUP_ROLE) == group:
                children = (head.child(i) for i in range(head.childCount()))
                return [(c.text(0), c.text(1)) for c in children if c is not None]
        return []

    def _show_whole(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        if item is None or item.parent() is None:
            self.detail.setText(READ_WHOLE)
            return
        text, why = item.text(0), item.text(1)
        if item.data(0, CLAIM_ID_ROLE):
            why = "Double-click or press Enter to show this claim in the window."
        self.detail.setText(f"{text}\n{why}" if why else text)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        claim_id = item.data(0, CLAIM_ID_ROLE)
        if claim_id:
            self.claim_chosen.emit(str(claim_id))
