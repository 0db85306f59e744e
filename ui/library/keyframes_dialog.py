"""A video's keyframes, for a reverse image search (the media strip's Keyframes…).

The keyframes (``workbench.library.keyframes``: the first frame, one after each cut, one every
10 s in a long shot) are written off the UI thread into the workspace's cache
(``cache/keyframes/<sha256>/``, kept: a second look costs nothing), with a progress bar
and Cancel. Each is shown as a thumbnail with its time; clicking one (or Enter) copies the
picture to the clipboard, ready to paste into a reverse image search in the browser;
Save all… copies the JPEGs and their index to a folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon, QImage
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.messages import show_error
from ui.tasks import CancellableJob, TaskRunner
from workbench.base.errors import Cancelled, WorkbenchError
from workbench.library.keyframes import INDEX, Keyframe, write_keyframes
from workbench.library.views import MediaView
from workbench.workspace import Workspace

PATH_ROLE = Qt.ItemDataRole.UserRole
THUMB = 160


class KeyframeJob(CancellableJob):
    """Writes the keyframes on a pool thread; ``reached`` gives the time (ms) written up to."""

    reached = Signal(int)

    def __init__(self, video: Path, out: Path, about: dict[str, object]) -> None:
        super().__init__()
        self.video, self.out, self.about = video, out, about

    def work(self) -> list[Keyframe]:
        return write_keyframes(
            self.video,
            self.out,
            about=self.about,
            progress=self.reached.emit,
            should_cancel=self.should_cancel,
        )


def cached(out: Path) -> list[Keyframe] | None:
    """The keyframes a finished earlier run left in ``out`` (None: none, or unfinished)."""
    try:
        index = json.loads((out / INDEX).read_text("utf-8"))
        frames = [Keyframe(int(k["t_ms"]), out / str(k["file"])) for k in index["keyframes"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return frames if all(k.path.is_file() for k in frames) else None


class KeyframesDialog(QDialog):
    def __init__(
        self,
        workspace: Workspace,
        media: MediaView,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Keyframes of {media.original_name or media.sha256[:12]}")
        self.setAccessibleName("Keyframes")
        self._ws, self.media, self._runner = workspace, media, runner
        self.out = workspace.location.cache_dir / "keyframes" / media.sha256
        self.job: KeyframeJob | None = None
        self._closed = False  # a run finishing after the dialog closed touches nothing
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, max(1, (media.duration_ms or 0) // 1000))
        self.progress.setFormat("%v of %m s")
        self.frames = QListWidget()
        self.frames.setViewMode(QListView.ViewMode.IconMode)
        self.frames.setIconSize(QSize(THUMB, THUMB))
        self.frames.setGridSize(QSize(THUMB + 16, THUMB + 28))
        self.frames.setResizeMode(QListView.ResizeMode.Adjust)
        self.frames.setMovement(QListView.Movement.Static)
        self.frames.setAccessibleName("Keyframes: click one to copy it")
        self.frames.itemClicked.connect(self.copy)
        self.frames.itemActivated.connect(self.copy)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button = QPushButton("&Save all…")
        self.save_button.clicked.connect(self.save_all)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.frames, 1)
        layout.addWidget(buttons)
        self.resize(900, 560)
        known = cached(self.out)
        if known is not None:
            self._show(known)
        else:
            self.start()

    def start(self) -> None:
        self.status.setText("Finding the keyframes: the first frame, each cut, one every 10 s…")
        self.progress.show()
        self.cancel_button.show()
        self.save_button.setEnabled(False)
        about: dict[str, object] = {"sha256": self.media.sha256, "name": self.media.original_name}
        job = KeyframeJob(self._ws.media.original_path(self.media.sha256), self.out, about)
        job.reached.connect(self._reached)
        self.job = job
        self._runner.run_task(job.work, self._finished)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _reached(self, t_ms: int) -> None:
        if not self._closed:
            self.progress.setValue(t_ms // 1000)

    def _finished(self, *, result: object = None, error: BaseException | None = None) -> None:
        self.job = None
        if self._closed:
            return
        self.progress.hide()
        self.cancel_button.hide()
        if isinstance(error, Cancelled):
            self.status.setText("Cancelled: no keyframes kept.")
            return
        if error is not None:
            self.status.setText("The keyframes could not be made.")
            if isinstance(error, WorkbenchError | OSError):
                show_error(self, "No keyframes", error)
                return
            raise error
        assert isinstance(result, list)
        self._show(result)

    def _show(self, frames: list[Keyframe]) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.frames.clear()
        for k in frames:
            item = QListWidgetItem(QIcon(str(k.path)), f"{k.t_ms / 1000:.1f} s")
            item.setData(PATH_ROLE, str(k.path))
            item.setToolTip(f"{k.path.name}: click to copy it for a reverse image search")
            self.frames.addItem(item)
        self.status.setText(
            f"{len(frames)} keyframes. Click one to copy it, then paste it into a reverse "
            "image search in your browser."
        )
        self.save_button.setEnabled(bool(frames))

    def copy(self, item: QListWidgetItem) -> None:
        path = str(item.data(PATH_ROLE))
        image = QImage(path)
        if image.isNull():
            show_error(self, "Cannot copy the keyframe", OSError(f"{path} cannot be read"))
            return
        QGuiApplication.clipboard().setImage(image)
        self.status.setText(f"Copied the keyframe at {item.text()}: paste it into the search.")

    def save_all(self, folder: str | None = None) -> Path | None:
        """Copy the keyframes and their index into a folder the analyst picks."""
        chosen = folder or QFileDialog.getExistingDirectory(self, "Save the keyframes into")
        if not chosen:
            return None
        target = Path(chosen)
        try:
            for i in range(self.frames.count()):
                shutil.copy2(str(self.frames.item(i).data(PATH_ROLE)), target)
            shutil.copy2(self.out / INDEX, target)
        except OSError as exc:
            show_error(self, "The keyframes were not saved", exc)
            return None
        self.status.setText(f"Saved {self.frames.count()} keyframes to {target}")
        return target

    def done(self, result: int) -> None:
        self.cancel()  # a run still going stops at its next frame
        self._closed = True
        super().done(result)
