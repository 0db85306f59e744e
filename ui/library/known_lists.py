"""Known-fakes lists in the window: File ▸ Known-fakes lists… and the warning after an
import.

The dialog lists the lists taken in (name, desk, hashes, when, by whom); Take in… reads
another desk's CSV under a name (bad rows are skipped and named); Remove drops a list
whole, after asking; Write ours… writes the hashes of this desk's refuted claims for
others (``workbench.library.known_fakes``). Imports and exports of lists are short and done on the
UI thread. After an ingest, files that met a listed hash are named in a warning, each with
what the other desk said.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.messages import show_error
from ui.presentation import format_time
from workbench.base.bidi import reveal
from workbench.base.errors import WorkbenchError
from workbench.exchange.scope import ExportScope, gather
from workbench.library.views import IngestResult
from workbench.workspace import Workspace

NAME_ROLE = Qt.ItemDataRole.UserRole


def warn_known(parent: QWidget, results: Sequence[IngestResult]) -> QMessageBox:
    """Name the files that met a known-fakes list (window-modal, not blocking)."""
    lines = []
    for r in results:
        name = reveal(Path(r.path).name)
        lines += [f"{name}: {k.sentence()}" for k in r.known]
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "On a known-fakes list",
        f"{len(results)} of the files just imported match pictures other desks have listed "
        "as fakes.",
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setInformativeText("\n".join(lines[:10]) + ("\n…" if len(lines) > 10 else ""))
    box.setDetailedText("\n".join(lines))
    box.open()
    return box


class KnownListsDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Known-fakes lists")
        self.setAccessibleName("Known-fakes lists")
        self._ws = workspace
        intro = QLabel(
            "Lists of perceptual hashes other desks share (never their files). A picture that "
            "matches one is flagged at import and in the detail pane. Lists are kept apart "
            "from this workspace's media."
        )
        intro.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["List", "Desk", "Hashes", "Taken in", "By", "From"])
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Known-fakes lists taken in")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.take_in_button = QPushButton("&Take in…")
        self.remove_button = QPushButton("&Remove")
        self.write_button = QPushButton("&Write ours…")
        self.write_button.setToolTip("The hashes of this desk's refuted claims, for other desks")
        row = QHBoxLayout()
        for button in (self.take_in_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.write_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(760, 380)
        self.take_in_button.clicked.connect(lambda: self.take_in())
        self.remove_button.clicked.connect(lambda: self.remove())
        self.write_button.clicked.connect(lambda: self.write_ours())
        self.table.currentItemChanged.connect(lambda *_: self._enable())
        self.refresh()

    def refresh(self) -> None:
        self.table.clear()
        try:
            lists = self._ws.known.lists()
        except WorkbenchError as exc:
            show_error(self, "Cannot read the lists", exc)
            return
        for k in lists:
            item = QTreeWidgetItem(
                [
                    reveal(k.name),
                    reveal(k.desk),
                    f"{k.entries:,}",
                    format_time(k.imported_at),
                    reveal(k.imported_by),
                    k.source,
                ]
            )
            item.setData(0, NAME_ROLE, k.name)
            self.table.addTopLevelItem(item)
        for column in range(5):
            self.table.resizeColumnToContents(column)
        if not lists:
            self.message.setText("No lists yet: Take in… reads a desk's CSV list.")
        self._enable()

    def chosen(self) -> str | None:
        item = self.table.currentItem()
        return None if item is None else str(item.data(0, NAME_ROLE))

    def take_in(self, path: Path | None = None, name: str | None = None) -> bool:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Take in a known-fakes list", "", "CSV list (*.csv);;All files (*)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        if name is None:
            name, ok = QInputDialog.getText(self, "Name the list", "Name:", text=path.stem)
            if not ok:
                return False
        try:
            done = self._ws.known.take_in(path, name)
        except WorkbenchError as exc:
            show_error(self, "The list was not taken in", exc)
            return False
        text = f"Took in {done.entries:,} hashes as “{reveal(done.name)}”."
        if done.skipped:
            text += f" {done.skipped} bad rows skipped: " + "; ".join(done.errors[:3])
        self.message.setText(text)
        self.refresh()
        return True

    def remove(self, confirm: bool = True) -> bool:
        name = self.chosen()
        if name is None:
            return False
        if confirm:
            asked = QMessageBox.question(
                self, "Remove the list", f"Remove the list “{reveal(name)}” and its hashes?"
            )
            if asked != QMessageBox.StandardButton.Yes:
                return False
        try:
            gone = self._ws.known.remove(name)
        except WorkbenchError as exc:
            show_error(self, "The list was not removed", exc)
            return False
        self.message.setText(f"Removed “{reveal(gone.name)}” ({gone.entries:,} hashes).")
        self.refresh()
        return True

    def write_ours(self, path: Path | None = None) -> bool:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Write this desk's list", "known-fakes.csv", "CSV list (*.csv)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        try:
            export = gather(self._ws, ExportScope(statuses=("refuted",)))
            rows, items = self._ws.known.write_list(export.claims, path, self._ws.analyst)
        except (WorkbenchError, OSError) as exc:
            show_error(self, "The list was not written", exc)
            return False
        self.message.setText(
            f"Wrote {rows:,} hashes of {items:,} pictures and frames of "
            f"{len(export.claims)} refuted claims to {path}"
        )
        return True

    def _enable(self) -> None:
        self.remove_button.setEnabled(self.table.currentItem() is not None)
