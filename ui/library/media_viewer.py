"""The media viewer: one stored picture upright, its facts, and what it was seen as before.

``open_media_viewer(workspace, media_id, parent)`` is the entry point for the main window.
The facts and the "seen before" list are a few short reads, done at once; the picture is
decoded on a worker thread (``TaskRunner``) because an original may be a 50 MP photo, and
it arrives already scaled to ``VIEW_SIDE`` by the domain. Double-clicking a "seen before"
row opens the compare view on the two pictures.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.image_convert import PictureView, add_zoom_buttons, format_bytes, to_qimage
from ui.library.compare_view import open_compare_view
from ui.library.seen_before import SeenBeforeList, load_seen_before
from ui.messages import error_message, show_error
from ui.presentation import format_time
from ui.tasks import TaskRunner
from workbench.base.bidi import reveal
from workbench.base.errors import WorkbenchError
from workbench.library.shown import media_picture
from workbench.library.views import MediaView
from workbench.media.pictures import VIEW_SIDE
from workbench.workspace import Workspace

log = logging.getLogger(__name__)

FROM_WIDTH = 320  # pixels of a source path shown before it is shortened
ORIENTATIONS = {
    1: "normal",
    2: "mirrored left-right",
    3: "upside down (turned 180°)",
    4: "mirrored top-bottom",
    5: "mirrored and turned 90° counter-clockwise",
    6: "turned 90° clockwise for display",
    7: "mirrored and turned 90° clockwise",
    8: "turned 90° counter-clockwise for display",
}


def open_media_viewer(
    workspace: Workspace, media_id: str, parent: QWidget | None = None
) -> MediaViewer | None:
    """Open a viewer window on ``media_id`` (non-modal, deleted when closed).

    Returns None, after telling the analyst why, if the media cannot be read.
    """
    try:
        viewer = MediaViewer(workspace, media_id, parent)
    except WorkbenchError as exc:
        if parent is not None:
            show_error(parent, "Cannot open this media", exc)
        else:
            log.warning("cannot open media %s: %s", media_id, exc)
        return None
    viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    viewer.show()
    return viewer


def orientation_text(orientation: int | None) -> str:
    if orientation is None:
        return "not recorded"
    return f"{orientation} — {ORIENTATIONS.get(orientation, 'unknown value')}"


def camera_text(media: MediaView) -> str:
    make, model = media.camera_make or "", media.camera_model or ""
    return model if make and model.startswith(make) else f"{make} {model}".strip()


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class MediaViewer(QDialog):
    """One stored media: the picture (zoom, pan), its facts, and its near duplicates."""

    #: The picture is on screen (or its error message is): for tests and the main window.
    picture_loaded = Signal()

    def __init__(
        self,
        workspace: Workspace,
        media_id: str,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._runner = runner or TaskRunner(self)
        self.media = workspace.media.get(media_id)  # raises NotFoundError before any widget
        self.seen_before = load_seen_before(workspace, media_id)
        self.compare_views: list[QWidget] = []
        self.picture_error: str | None = None
        self.picture_size = QSize()

        self.setWindowTitle(f"{reveal(self.media.original_name)} — media viewer")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.view = PictureView()
        self.view.view_changed.connect(self._show_zoom)
        self.facts: dict[str, QLabel] = {}

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_picture_pane())
        splitter.addWidget(self._build_side_pane())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._build_shortcuts()
        self.resize(1200, 760)
        splitter.setSizes([720, 480])
        self._load_picture()

    # -- building ------------------------------------------------------------------------

    def _build_picture_pane(self) -> QWidget:
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        self.zoom_label = add_zoom_buttons(bar, lambda: self.view, "Actual pixels (Ctrl+1)")
        bar.addStretch(1)
        hint = QLabel("Drag to pan · Ctrl+wheel to zoom")
        hint.setStyleSheet("color: gray")
        bar.addWidget(hint)
        pane = QWidget()
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        return pane

    def _build_side_pane(self) -> QWidget:
        tabs = QTabWidget()
        tabs.addTab(self._build_facts(), "Details")
        tabs.addTab(self._build_all_tags(), f"All metadata ({len(self.media.exif)})")
        return tabs

    def _build_facts(self) -> QWidget:
        m = self.media
        page = QWidget()
        layout = QVBoxLayout(page)

        title = QLabel(reveal(m.original_name))
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        title.setWordWrap(True)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(title)

        camera = QFormLayout()
        has_exif = any(
            value is not None
            for value in (
                m.capture_time,
                m.camera_make,
                m.camera_model,
                m.gps_latitude,
                m.software,
                m.orientation,
            )
        )
        if m.kind == "image" and not has_exif:
            # Screenshots, re-encodes and most social-media copies carry none: say so once.
            self._fact(camera, "EXIF", "none in this file")
        elif m.kind == "image":
            self._fact(camera, "Taken", m.capture_time or "not recorded")
            self._fact(camera, "Camera", camera_text(m) or "not recorded")
            if m.gps_latitude is not None and m.gps_longitude is not None:
                gps = f"{m.gps_latitude:.5f}, {m.gps_longitude:.5f}"
            else:
                gps = "not recorded"
            self._fact(camera, "GPS", gps)
            self._fact(camera, "Software", m.software or "not recorded")
            self._fact(camera, "Orientation", orientation_text(m.orientation))
        else:
            self._fact(camera, "Recorded", m.capture_time or "not recorded")
            duration = f"{m.duration_ms / 1000:.1f} s" if m.duration_ms else "unknown"
            self._fact(camera, "Duration", duration)
            self._fact(camera, "Shown", "the first frame (as hashed), at thumbnail size")
        layout.addWidget(self._section("Camera" if m.kind == "image" else "Video"))
        layout.addLayout(camera)

        file_facts = QFormLayout()
        self._fact(file_facts, "Added by", reveal(m.acquired_by))
        self._fact(file_facts, "Added", format_time(m.acquired_at))
        if m.acquired_from:
            # A long path would widen the pane: shown shortened in the middle, whole on hover.
            self._fact(file_facts, "From", m.acquired_from)
            source = self.facts["From"]
            source.setWordWrap(False)
            source.setToolTip(m.acquired_from)
            source.setText(
                source.fontMetrics().elidedText(
                    m.acquired_from, Qt.TextElideMode.ElideMiddle, FROM_WIDTH
                )
            )
        self._fact(file_facts, "Size", f"{format_bytes(m.byte_size)} ({m.byte_size:,} bytes)")
        if m.width and m.height:
            self._fact(file_facts, "Dimensions", f"{m.width} × {m.height} pixels")
        self._fact(file_facts, "Type", m.mime)
        layout.addWidget(self._section("File"))
        layout.addLayout(file_facts)

        sha_row = QHBoxLayout()
        # A read-only field, not a label: all 64 digits selectable without widening the pane.
        self.sha_field = QLineEdit(m.sha256)
        self.sha_field.setReadOnly(True)
        self.sha_field.setAccessibleName("SHA-256")
        self.sha_field.setFrame(False)
        self.sha_field.setCursorPosition(0)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(self.sha_field.font().pointSizeF() * 0.85)
        self.sha_field.setFont(mono)
        self.sha_field.setToolTip("SHA-256 of the original file's bytes")
        self.copy_sha_button = QPushButton("Copy")
        self.copy_sha_button.setToolTip("Copy the SHA-256 to the clipboard")
        self.copy_sha_button.clicked.connect(self.copy_sha256)
        caption = QLabel("SHA-256")
        caption.setStyleSheet("color: gray")
        sha_row.addWidget(caption)
        sha_row.addStretch(1)
        sha_row.addWidget(self.copy_sha_button)
        layout.addLayout(sha_row)
        layout.addWidget(self.sha_field)

        count = len(self.seen_before)
        layout.addWidget(self._section(f"Seen before ({count})" if count else "Not seen before"))
        self.duplicates = self._build_duplicates()
        if count:
            layout.addWidget(self.duplicates, 1)
            compare_row = QHBoxLayout()
            hint = QLabel("Double-click a row to compare the two pictures.")
            hint.setStyleSheet("color: gray")
            compare_row.addWidget(hint, 1)
            self.compare_button = QPushButton("Compare…")
            self.compare_button.clicked.connect(self.duplicates.compare_current)
            compare_row.addWidget(self.compare_button)
            layout.addLayout(compare_row)
        else:
            self.duplicates.hide()
            note = QLabel("Nothing in this workspace resembles this picture.")
            note.setStyleSheet("color: gray")
            layout.addWidget(note)
            layout.addStretch(1)
        return page

    def _section(self, text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>")
        label.setContentsMargins(0, 8, 0, 2)
        return label

    def _fact(self, form: QFormLayout, name: str, value: str) -> None:
        label = _selectable(value)
        self.facts[name] = label
        caption = QLabel(name)
        caption.setStyleSheet("color: gray")
        form.addRow(caption, label)

    def _build_duplicates(self) -> SeenBeforeList:
        tree = SeenBeforeList()
        tree.show_entries(self.seen_before, None)
        tree.compare_requested.connect(self.compare_with)
        return tree

    def _build_all_tags(self) -> QWidget:
        tree = QTreeWidget()
        tree.setHeaderLabels(["Tag", "Value"])
        tree.setRootIsDecorated(False)
        tree.setAlternatingRowColors(True)
        for name, value in sorted(self.media.exif.items()):
            item = QTreeWidgetItem([name, value])
            item.setToolTip(1, value)
            tree.addTopLevelItem(item)
        tree.resizeColumnToContents(0)
        return tree

    def _build_shortcuts(self) -> None:
        for keys, slot in (
            ((QKeySequence.StandardKey.ZoomIn, "Ctrl+=", "Ctrl++"), self.view.zoom_in),
            ((QKeySequence.StandardKey.ZoomOut, "Ctrl+-"), self.view.zoom_out),
            (("Ctrl+0",), self.view.fit_to_window),
            (("Ctrl+1",), self.view.actual_pixels),
        ):
            action = QAction(self)
            sequences: list[QKeySequence] = []
            for key in keys:
                sequences.extend(
                    QKeySequence.keyBindings(key)
                    if isinstance(key, QKeySequence.StandardKey)
                    else [QKeySequence(key)]
                )
            action.setShortcuts(list(dict.fromkeys(sequences)))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # -- the picture ---------------------------------------------------------------------

    def _load_picture(self) -> None:
        self.view.show_message("Loading the picture…")
        media, service = self.media, self._ws.media

        def work() -> Any:  # worker thread: decode, turn upright, scale, convert
            return to_qimage(media_picture(service, media, VIEW_SIDE))

        self._runner.run_task(work, self._picture_done)

    def _picture_done(self, *, result: Any = None, error: BaseException | None = None) -> None:
        if error is not None or result is None:
            self.picture_error = error_message(error or RuntimeError("no picture"))
            self.view.show_message(f"Cannot show this picture: {self.picture_error}")
        else:
            self.view.set_picture(result)
            self.picture_size = result.size()
            if self.media.kind == "video":
                self.view.setToolTip("The video's first frame (its thumbnail)")
        self._show_zoom()
        self.picture_loaded.emit()

    @property
    def is_loaded(self) -> bool:
        return self.view.has_picture or self.picture_error is not None

    def _show_zoom(self) -> None:
        if not self.view.has_picture:
            self.zoom_label.setText("")
            return
        percent = f"{self.view.zoom * 100:.0f}%"
        self.zoom_label.setText(f"Fit ({percent})" if self.view.fitted else percent)

    # -- actions -------------------------------------------------------------------------

    def copy_sha256(self) -> None:
        QGuiApplication.clipboard().setText(self.media.sha256)
        self.copy_sha_button.setText("Copied")

    def facts_text(self) -> str:
        """Every fact shown, one "name: value" a line (what the analyst reads)."""
        return "\n".join(f"{name}: {label.text()}" for name, label in self.facts.items())

    def compare_with(self, other_id: str) -> QWidget | None:
        """Open the compare view: this picture on the left, the duplicate on the right."""
        entry = next((e for e in self.seen_before if e.duplicate.media_id == other_id), None)
        hit = entry.duplicate if entry is not None else None
        view = open_compare_view(
            self._ws,
            self.media.id,
            other_id,
            self,
            distance=hit.distance if hit is not None else None,
            right_t_ms=hit.t_ms if hit is not None else None,
        )
        if view is not None:
            self.compare_views.append(view)
            view.destroyed.connect(lambda *_: self._forget(view))
        return view

    def _forget(self, view: QWidget) -> None:
        if view in self.compare_views:
            self.compare_views.remove(view)
