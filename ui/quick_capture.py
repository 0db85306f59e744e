"""Quick capture: drop files on the window or on a claim's row; paste a screenshot, files or a
post URL.

``QuickCapture(window)`` installs itself (an event filter on the window, on the claims
table's viewport and on the read-only detail pane) and adds a window-wide Paste action. It
never stores anything itself: media go through the window's ``ingest_paths`` (the one
path for adding media), and bags, exports and post archives
(``workbench.exchange.importable``) through its ``import_paths``; both refuse while an
import is running. It knows the window as its parts do (``ui.window.parts``), so this
module does not import the window that builds it. A drop of both
kinds imports the archives first, then stores the media where the drop said.

- **Drop** local files or folders on a claim's row: they are attached to that claim; anywhere
  else on the window: to the selected claim (or to the library when none is selected).
  While dragging over the table, the row under the cursor is framed as the target and the
  status bar names its claim. Links from a browser (non-local URLs) are not taken.
- **Paste** (Ctrl+V, unless the cursor is in an editable text field, which keeps its own
  paste): a picture is saved as ``pasted-YYYYmmdd-HHMMSS.png`` (UTC) in a private temporary
  folder and imported; copied files are imported like a drop; an http(s) URL opens a new
  claim with the post URL filled in.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QObject, QPoint, QRect, Qt
from PySide6.QtGui import (
    QAction,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from ui.claims.claims_model import CLAIM_ID_ROLE, COL_TEXT
from ui.presentation import short
from workbench.exchange import importable

if TYPE_CHECKING:
    from ui.window.parts import WindowParts

NOTHING_TO_PASTE = "Nothing to paste: copy a picture, a file or a post URL"
IMPORT_RUNNING = "An import is running: wait for it or cancel it, then drop again"
#: How much of a claim's text the status bar shows while dragging over its row.
CLAIM_TEXT_SHOWN = 80


def local_paths(mime: QMimeData | None) -> list[str]:
    """The local files and folders a drag or the clipboard carries (links are left out)."""
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def split_imports(paths: list[str]) -> tuple[list[str], list[str]]:
    """(bags, exports and archives for import, media for ingest), each in drop order."""
    imports = [p for p in paths if importable(Path(p))]
    return imports, [p for p in paths if p not in imports]


def post_url(text: str) -> str | None:
    """``text`` if it is one http(s) URL with a host (a post's address), else None."""
    candidate = text.strip()
    if not candidate or any(c.isspace() for c in candidate):
        return None
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate


def _is_editable_text(widget: QWidget | None) -> bool:
    """A field where Ctrl+V means "paste text here" (read-only views do not count)."""
    if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return False


def _names(paths: list[str]) -> str:
    """``posts.csv`` or ``posts.csv and 2 more``."""
    first = Path(paths[0]).name or paths[0]
    return first + (f" and {len(paths) - 1} more" if len(paths) > 1 else "")


class _TempFolder:
    """A temporary folder made on first use; removed with the window or at exit."""

    def __init__(self) -> None:
        self._path: Path | None = None

    def path(self) -> Path:
        if self._path is None:
            self._path = Path(tempfile.mkdtemp(prefix="workbench-paste-"))
            atexit.register(self.remove)
        return self._path

    def remove(self) -> None:
        if self._path is not None:
            shutil.rmtree(self._path, ignore_errors=True)
            self._path = None
            atexit.unregister(self.remove)


class QuickCapture(QObject):
    """Drag-and-drop and paste for ``window``; everything ends in ``window.ingest_paths``."""

    def __init__(self, window: WindowParts) -> None:
        super().__init__(window)
        self._window = window
        self._view = window.claims_view
        self._viewport = window.claims_view.viewport()
        self._temp = _TempFolder()
        self._pasted: Path | None = None  # the screenshot being imported, removed after
        window.destroyed.connect(lambda _=None, temp=self._temp: temp.remove())
        window.ingest_finished.connect(self._ingest_finished)

        # The target row's frame: drawn over the table, never changing the selection.
        self.drop_target = QFrame(self._viewport)
        self.drop_target.setObjectName("dropTarget")
        self.drop_target.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.drop_target.setStyleSheet(
            "#dropTarget { border: 2px solid palette(highlight); border-radius: 3px; }"
        )
        self.drop_target.hide()
        self._target_claim: str | None = None

        for widget in self._drop_widgets():
            widget.setAcceptDrops(True)
            widget.installEventFilter(self)

        self.paste_action = QAction("&Paste picture, files or post URL", window)
        self.paste_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Paste))
        self.paste_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.paste_action.setStatusTip(
            "Import a copied picture or files (into the selected claim), "
            "or log a new claim from a copied post URL"
        )
        self.paste_action.triggered.connect(self.paste)
        window.addAction(self.paste_action)

    def _drop_widgets(self) -> list[QWidget]:
        widgets: list[QWidget] = [self._window, self._viewport]
        # A read-only text view (the detail pane) takes drops for itself and refuses files:
        # on the window, a drop there means the same as anywhere else.
        for view in self._window.findChildren(QTextEdit) + self._window.findChildren(
            QPlainTextEdit
        ):
            if view.isReadOnly():
                widgets += [view, view.viewport()]
        return widgets

    # -- drag and drop -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
            event, QDragMoveEvent
        ):
            self._drag_moved(watched, event)
            return True
        if kind == QEvent.Type.DragLeave:
            self._drag_ended()
            self._window.statusBar().clearMessage()
            return True
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            self._dropped(watched, event)
            return True
        return False

    def _target(self, watched: QObject, position: QPoint) -> tuple[QModelIndex | None, str]:
        """The row under the cursor (None: not on a row) and what a drop there does."""
        if watched is self._viewport:
            index = self._view.indexAt(position)
            if index.isValid():
                text = str(index.siblingAtColumn(COL_TEXT).data() or "")
                return index, f"Drop to attach to: {short(text, CLAIM_TEXT_SHOWN)}"
        selected = self._window.selected_claim_id()
        if selected is None:
            return None, "Drop to add to the library (no claim selected)"
        text = ""
        for row in self._view.selectionModel().selectedRows(COL_TEXT):
            text = str(row.data() or "")
        return None, f"Drop to attach to: {short(text, CLAIM_TEXT_SHOWN)}"

    def _drag_moved(self, watched: QObject, event: QDragMoveEvent) -> None:
        if not local_paths(event.mimeData()):
            self._drag_ended()
            event.ignore()
            return
        if self._window.ingest_running:
            self._drag_ended()
            self._window.statusBar().showMessage(IMPORT_RUNNING)
            event.ignore()
            return
        imports, media = split_imports(local_paths(event.mimeData()))
        index, message = self._target(watched, event.position().toPoint())
        if imports and not media:
            index, message = None, f"Drop to import {_names(imports)}"
        elif imports:
            message = f"Drop to import {_names(imports)}, then: {message[0].lower()}{message[1:]}"
        self._show_target(index)
        self._window.statusBar().showMessage(message)
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def _show_target(self, index: QModelIndex | None) -> None:
        if index is None:
            self._drag_ended()
            return
        model = self._view.model()
        first = self._view.visualRect(index.siblingAtColumn(0))
        last = self._view.visualRect(index.siblingAtColumn(model.columnCount() - 1))
        frame = first.united(last).adjusted(0, 0, -1, -1)
        self.drop_target.setGeometry(QRect(frame))
        self.drop_target.show()
        self.drop_target.raise_()
        self._target_claim = str(index.data(CLAIM_ID_ROLE))

    def _drag_ended(self) -> None:
        self.drop_target.hide()
        self._target_claim = None

    @property
    def target_claim_id(self) -> str | None:
        """The claim whose row is framed as the drop target while a drag is over it."""
        return self._target_claim

    def _dropped(self, watched: QObject, event: QDropEvent) -> None:
        self._drag_ended()
        paths = local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        index, _ = self._target(watched, event.position().toPoint())
        claim_id = (
            str(index.data(CLAIM_ID_ROLE))
            if index is not None
            else self._window.selected_claim_id()
        )
        imports, media = split_imports(paths)
        # Both refuse (and say why in the status bar) while an import runs.
        if imports:
            started = self._window.import_paths(
                imports, then_ingest=(media, claim_id) if media else None
            )
        else:
            started = self._window.ingest_paths(media, claim_id)
        if started:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            if index is not None and media:
                self._window.select_claim(claim_id)  # the pane shows the media arriving
        else:
            event.ignore()

    # -- paste ---------------------------------------------------------------------------

    def paste(self) -> bool:
        """Ctrl+V: import a copied picture or files, or log a claim from a post URL.

        Returns True if something was started. With the cursor in an editable text field
        it does nothing: the field pastes text itself.
        """
        if _is_editable_text(self._window.focusWidget()):
            return False
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            self._window.statusBar().showMessage(NOTHING_TO_PASTE)
            return False
        # A picture first: a browser's "copy image" also carries the picture's link.
        if mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                return self._paste_image(image)
        paths = local_paths(mime)
        if paths:
            imports, media = split_imports(paths)
            claim_id = self._window.selected_claim_id()
            if imports:
                then = (media, claim_id) if media else None
                return self._window.import_paths(imports, then_ingest=then)
            return self._window.ingest_paths(media, claim_id)
        links = [url.toString() for url in mime.urls()] if mime.hasUrls() else []
        for text in [*links, mime.text() if mime.hasText() else ""]:
            url = post_url(text)
            if url is not None:
                return self._paste_post_url(url)
        self._window.statusBar().showMessage(NOTHING_TO_PASTE)
        return False

    def _paste_image(self, image: QImage) -> bool:
        name = f"pasted-{datetime.now(UTC):%Y%m%d-%H%M%S}.png"
        # A folder per paste keeps the name as the analyst will see it, even twice a second.
        folder = Path(tempfile.mkdtemp(dir=self._temp.path()))
        path = folder / name
        if not image.save(str(path)):  # PNG, from the suffix
            shutil.rmtree(folder, ignore_errors=True)
            self._window.statusBar().showMessage("Cannot save the pasted picture for import")
            return False
        if not self._window.ingest_paths([str(path)], self._window.selected_claim_id()):
            shutil.rmtree(folder, ignore_errors=True)
            return False
        self._pasted = folder
        return True

    def _paste_post_url(self, url: str) -> bool:
        editor = self._window.new_claim()
        if editor is None:
            return False
        # The editor has no public way to prefill: setting the field's text runs its
        # textChanged handling (platform, handle, known source) exactly as a paste would.
        editor.url_edit.setText(url)
        return True

    def _ingest_finished(self, _outcome: object) -> None:
        """The import of a pasted picture is over: its stored copy is in the workspace."""
        folder, self._pasted = self._pasted, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
