"""Where errors reach the analyst: a message, never a traceback.

Dialogs here are opened with ``open()`` (window-modal, not blocking the event loop), so an
import that ends while the analyst is elsewhere, or a test, is never stuck in a nested loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.base.errors import WorkbenchError
from workbench.library.views import IngestResult

log = logging.getLogger(__name__)


def error_message(error: BaseException) -> str:
    """The sentence to show: the domain's own words, or a plain note for a bug."""
    if isinstance(error, WorkbenchError):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
    kind = type(error).__name__
    return f"Something went wrong that the workbench did not expect ({kind}: {error})."


def confirm(
    parent: QWidget,
    title: str,
    text: str,
    action: str,
    on_confirm: Callable[[], None],
    keep: str = "Cancel",
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> QMessageBox:
    """Ask before something that cannot be taken back: ``action`` names the button that
    goes ahead (and calls ``on_confirm``), ``keep`` the one that leaves things as they are."""
    box = QMessageBox(icon, title, text, parent=parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    go = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(keep, QMessageBox.ButtonRole.RejectRole)
    go.clicked.connect(on_confirm)
    box.open()
    return box


def show_error(parent: QWidget, title: str, error: BaseException) -> QMessageBox:
    """Show ``error`` in a message box; unexpected errors are also logged with traceback."""
    if not isinstance(error, WorkbenchError | OSError):
        log.error("%s", title, exc_info=error)
    box = QMessageBox(QMessageBox.Icon.Warning, title, error_message(error), parent=parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class IngestReportDialog(QDialog):
    """The files an import refused, all in one list, with the reason for each."""

    def __init__(
        self, errors: Sequence[IngestResult], total: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Some files were not imported")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        stored = total - len(errors)
        intro = QLabel(
            f"{len(errors)} of {total} file(s) could not be imported"
            + (f"; the other {stored} were." if stored else ".")
        )
        intro.setWordWrap(True)
        self.files = QTreeWidget()
        self.files.setHeaderLabels(["File", "Reason", "Folder"])
        self.files.setRootIsDecorated(False)
        for result in errors:
            path = Path(result.path)
            item = QTreeWidgetItem([path.name, result.error or "refused", str(path.parent)])
            item.setToolTip(0, result.path)
            item.setToolTip(1, result.error or "")
            self.files.addTopLevelItem(item)
        for column in range(2):
            self.files.resizeColumnToContents(column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.files)
        layout.addWidget(buttons)
        self.resize(900, 360)

    def rows(self) -> list[tuple[str, str]]:
        """(full path, reason) per refused file, as listed."""
        rows = []
        for number in range(self.files.topLevelItemCount()):
            item = self.files.topLevelItem(number)
            if item is not None:
                rows.append((item.toolTip(0), item.text(1)))
        return rows
