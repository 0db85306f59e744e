"""The compare view: two stored pictures side by side, blended, or as their difference.

``open_compare_view(workspace, left_id, right_id, parent)`` is the entry point. Both
pictures and their difference are made on a worker thread (decode, upright, scale to
``COMPARE_SIDE``, ``ImageChops.difference``). Every view works in the left picture's pixel
coordinates (the right one is stretched onto it, as the difference is), so keeping them in
step is copying one view's zoom and centre to the others: zoom or pan any of them and the
rest follow, also across modes. Keys: 1 side by side, 2 blend, 3 difference.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.image_convert import PictureView, add_zoom_buttons, to_qimage
from ui.library.seen_before import precise_video_time, video_time
from ui.messages import error_message, show_error
from ui.presentation import format_time
from ui.tasks import TaskRunner
from workbench.base.bidi import reveal
from workbench.base.errors import WorkbenchError
from workbench.library.features import FeatureService
from workbench.library.ingest import MediaService
from workbench.library.shown import media_picture
from workbench.library.views import MediaView, NearDuplicate
from workbench.matching.verify import Agreement
from workbench.media.pictures import (
    COMPARE_SIDE,
    amplify,
    difference_picture,
    mean_level,
)
from workbench.workspace import Workspace

log = logging.getLogger(__name__)

SIDE_BY_SIDE, BLEND, DIFFERENCE = 0, 1, 2
#: Re-encoding leaves differences of a few levels: invisible unless amplified.
AMPLIFY_GAIN = 8
MODE_NAMES = {SIDE_BY_SIDE: "Side by side", BLEND: "Blend", DIFFERENCE: "Difference"}


def open_compare_view(
    workspace: Workspace,
    left_media_id: str,
    right_media_id: str,
    parent: QWidget | None = None,
    distance: int | None = None,
    right_t_ms: int | None = None,
) -> CompareView | None:
    """Open a compare window (non-modal, deleted when closed); None, after saying why, if
    either media cannot be read. ``right_t_ms``: where in the right video the left picture
    was found (looked up when not given)."""
    try:
        view = CompareView(
            workspace, left_media_id, right_media_id, parent, distance, right_t_ms=right_t_ms
        )
    except WorkbenchError as exc:
        if parent is not None:
            show_error(parent, "Cannot compare these media", exc)
        else:
            log.warning("cannot compare %s and %s: %s", left_media_id, right_media_id, exc)
        return None
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    return view


@dataclass(frozen=True)
class ComparePictures:
    """What the worker hands back: both pictures, their difference, and its mean level."""

    left: QImage
    right: QImage
    difference: QImage
    difference_mean: float
    amplified: QImage  # the difference times AMPLIFY_GAIN
    #: Where the two pictures' local features agree (None: they do not, or a video).
    agreement: Agreement | None = None
    #: How the right media met the left one, when the view had to look it up.
    near: NearDuplicate | None = None


def load_pictures(
    media: MediaService,
    left: MediaView,
    right: MediaView,
    right_t_ms: int | None = None,
    features: FeatureService | None = None,
    find_near: bool = False,
) -> ComparePictures:
    """Worker thread: with ``find_near``, how the right media met the left one (its
    distance, and for a video the time, unless given); both pictures upright and bounded
    (for a right video, its frame at ``right_t_ms``), the right one's difference from the
    left one after scaling it to the left one's size, and where their local features
    agree."""
    near = None
    if find_near:
        near = next((d for d in media.near_duplicates(left.id) if d.media_id == right.id), None)
        if right_t_ms is None and near is not None and right.kind == "video":
            right_t_ms = near.t_ms
    first = media_picture(media, left, COMPARE_SIDE)
    second = media_picture(media, right, COMPARE_SIDE, right_t_ms)
    difference = difference_picture(first, second)
    pictures = left.kind == right.kind == "image" and features is not None
    return ComparePictures(
        to_qimage(first),
        to_qimage(second),
        to_qimage(difference),
        mean_level(difference),
        to_qimage(amplify(difference, AMPLIFY_GAIN)),
        features.agreement(left.id, right.id) if pictures and features else None,
        near,
    )


def _title(label: QLabel, text: str) -> QLabel:
    label.setText(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setContentsMargins(6, 4, 6, 4)
    return label


def _pane(title: QLabel, view: PictureView) -> QWidget:
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(title)
    layout.addWidget(view, 1)
    return pane


class CompareView(QDialog):
    """Two pictures, three ways to look at them, one zoom and pan for all."""

    #: Both pictures (or the error) are on screen.
    pictures_loaded = Signal()

    def __init__(
        self,
        workspace: Workspace,
        left_media_id: str,
        right_media_id: str,
        parent: QWidget | None = None,
        distance: int | None = None,
        runner: TaskRunner | None = None,
        right_t_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._runner = runner or TaskRunner(self)
        self.left = workspace.media.get(left_media_id)
        self.right = workspace.media.get(right_media_id)
        video = self.right.kind == "video"
        #: How they met is looked up with the pictures, off the UI thread, when not given.
        self._find_near = distance is None or (video and right_t_ms is None)
        self.distance = distance
        #: Where in the right video the left picture was found: that frame is shown.
        self.right_t_ms = right_t_ms if video else None
        self.pictures: ComparePictures | None = None
        self.error: str | None = None
        self._syncing = False
        self._mode = SIDE_BY_SIDE

        self.setWindowTitle(
            f"Compare {reveal(self.left.original_name)} and {reveal(self.right.original_name)}"
        )
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.left_view = PictureView()
        self.right_view = PictureView()
        self.blend_view = PictureView()
        self.difference_view = PictureView()
        self.views = (self.left_view, self.right_view, self.blend_view, self.difference_view)
        for view in self.views:
            view.view_changed.connect(functools.partial(self._follow, view))

        self.left_title = _title(QLabel(), self._describe(self.left, "left", None))
        self.right_title = _title(QLabel(), "")
        self._title_right()
        self.blend_title = _title(QLabel(), "")
        self.difference_title = _title(QLabel(), "")
        sides = QSplitter(Qt.Orientation.Horizontal)
        sides.addWidget(_pane(self.left_title, self.left_view))
        sides.addWidget(_pane(self.right_title, self.right_view))
        sides.setChildrenCollapsible(False)
        self.pages = QStackedWidget()
        self.pages.addWidget(sides)
        self.pages.addWidget(_pane(self.blend_title, self.blend_view))
        self.pages.addWidget(_pane(self.difference_title, self.difference_view))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self._build_bar())
        layout.addWidget(self.pages, 1)
        self._build_shortcuts()
        self.resize(1280, 760)
        sides.setSizes([640, 640])  # equal halves, whatever the titles' lengths
        self.set_mode(SIDE_BY_SIDE)
        self._load()

    # -- building ------------------------------------------------------------------------

    def _title_right(self) -> None:
        self.right_title.setText(self._describe(self.right, "right", self.distance))
        if self.right_t_ms is not None:
            self.right_title.setToolTip(
                f"The frame at {precise_video_time(self.right_t_ms)} of this video, where "
                "the left picture was found"
            )

    def _describe(self, media: MediaView, side: str, distance: int | None) -> str:
        parts = [f"<b>{escape(reveal(media.original_name))}</b>"]
        at = self.right_t_ms if side == "right" else None
        if media.kind == "video" and at is not None:  # which video, and when: first
            parts.append(f"<b>video at {video_time(at)}</b>")
        if side == "right" and distance is None and self._find_near and not self.is_loaded:
            parts.append("looking up how they met…")
        elif side == "right":
            parts.append(f"distance {distance}" if distance is not None else "not a near duplicate")
        parts.append(f"first seen {escape(format_time(media.acquired_at))}")
        if media.width and media.height:
            parts.append(f"{media.width}×{media.height}")
        if media.kind == "video" and at is None:
            parts.append("video: first frame")
        return " · ".join(parts)

    def _build_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 6)
        self.mode_buttons = QButtonGroup(self)
        for mode, name in MODE_NAMES.items():
            button = QToolButton()
            button.setText(f"{mode + 1}  {name}")
            button.setToolTip(f"{name} (key {mode + 1})")
            button.setCheckable(True)
            self.mode_buttons.addButton(button, mode)
            bar.addWidget(button)
        self.mode_buttons.idClicked.connect(self.set_mode)
        bar.addSpacing(16)
        self.blend_label = QLabel()
        self.blend_slider = QSlider(Qt.Orientation.Horizontal)
        self.blend_slider.setRange(0, 100)
        self.blend_slider.setValue(50)
        self.blend_slider.setFixedWidth(200)
        self.blend_slider.setToolTip("How much of the right picture lies over the left one")
        self.blend_slider.setAccessibleName("Blend: share of the right picture")
        self.blend_slider.valueChanged.connect(self._set_blend)
        bar.addWidget(self.blend_label)
        bar.addWidget(self.blend_slider)
        bar.addSpacing(16)
        self.amplify_box = QCheckBox(f"Amplify ×{AMPLIFY_GAIN}")
        self.amplify_box.setToolTip(
            "Make faint differences (re-encoding, small edits) visible (key A)"
        )
        self.amplify_box.toggled.connect(self._show_difference)
        bar.addWidget(self.amplify_box)
        bar.addSpacing(16)
        self.points_box = QCheckBox("Points")
        self.points_box.setChecked(True)
        self.points_box.setEnabled(False)  # until the local features have been compared
        self.points_box.setToolTip("Local features: the points that agree (key P)")
        self.points_box.toggled.connect(self._show_points)
        bar.addWidget(self.points_box)
        bar.addStretch(1)
        self.zoom_label = add_zoom_buttons(bar, self.lead_view, "The left picture's actual pixels")
        self._set_blend(self.blend_slider.value())
        return bar

    def _build_shortcuts(self) -> None:
        bindings: list[tuple[list[QKeySequence], object]] = [
            ([QKeySequence(str(mode + 1))], functools.partial(self.set_mode, mode))
            for mode in MODE_NAMES
        ]
        bindings += [
            (
                [
                    *QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomIn),
                    QKeySequence("Ctrl+="),
                ],
                lambda: self.lead_view().zoom_in(),
            ),
            (
                [
                    *QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomOut),
                    QKeySequence("Ctrl+-"),
                ],
                lambda: self.lead_view().zoom_out(),
            ),
            ([QKeySequence("Ctrl+0")], lambda: self.lead_view().fit_to_window()),
            ([QKeySequence("A")], lambda: self.amplify_box.toggle()),
            ([QKeySequence("P")], lambda: self.points_box.toggle()),
        ]
        for sequences, slot in bindings:
            action = QAction(self)
            action.setShortcuts(list(dict.fromkeys(sequences)))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # -- modes, blend, sync --------------------------------------------------------------

    @property
    def mode(self) -> int:
        return self._mode

    def set_mode(self, mode: int) -> None:
        """Show side by side, blend or difference, at the zoom and place shown so far."""
        lead = self.lead_view()
        self._mode = mode
        self.pages.setCurrentIndex(mode)
        button = self.mode_buttons.button(mode)
        if button is not None:
            button.setChecked(True)
        self.blend_label.setEnabled(mode == BLEND)
        self.blend_slider.setEnabled(mode == BLEND)
        self.amplify_box.setEnabled(mode == DIFFERENCE)
        new_lead = self.lead_view()
        if new_lead is not lead:
            self._catch_up(lead)
            # The page's views get their final size when shown: place them again then.
            QTimer.singleShot(0, functools.partial(self._catch_up, lead))
        self._show_zoom()

    def _catch_up(self, lead: PictureView) -> None:
        for view in self.current_views():
            if view is not lead and view.has_picture and lead.has_picture:
                self._syncing = True
                try:
                    view.follow(lead)
                finally:
                    self._syncing = False
        self._show_zoom()

    def current_views(self) -> tuple[PictureView, ...]:
        if self._mode == SIDE_BY_SIDE:
            return (self.left_view, self.right_view)
        return (self.blend_view,) if self._mode == BLEND else (self.difference_view,)

    def lead_view(self) -> PictureView:
        """The view that keyboard zoom acts on (the others follow it)."""
        return self.current_views()[0]

    def _follow(self, source: PictureView) -> None:
        """``source`` moved: put every other view at the same zoom and centre."""
        if self._syncing or source not in self.current_views() or not source.has_picture:
            return
        self._syncing = True
        try:
            for view in self.views:
                if view is not source and view.has_picture:
                    view.follow(source)
        finally:
            self._syncing = False
        self._show_zoom()

    def _set_blend(self, value: int) -> None:
        self.blend_view.set_overlay_opacity(value / 100)
        self.blend_label.setText(f"Right over left: {value}%")
        self.blend_title.setText(
            f"<b>{escape(reveal(self.right.original_name))}</b> at {value}% over "
            f"<b>{escape(reveal(self.left.original_name))}</b>"
            + (f" · distance {self.distance}" if self.distance is not None else "")
        )

    def _show_difference(self) -> None:
        if self.pictures is not None:
            amplified = self.amplify_box.isChecked()
            p = self.pictures
            self.difference_view.replace_picture(p.amplified if amplified else p.difference)

    @property
    def blend_opacity(self) -> float:
        return float(self.blend_view.overlay_item.opacity())

    def _show_zoom(self) -> None:
        view = self.lead_view()
        if not view.has_picture:
            self.zoom_label.setText("")
            return
        percent = f"{view.zoom * 100:.0f}%"
        self.zoom_label.setText(f"Fit ({percent})" if view.fitted else percent)

    # -- loading -------------------------------------------------------------------------

    def _load(self) -> None:
        for view in self.views:
            view.show_message("Loading…")
        media, left, right, at = self._ws.media, self.left, self.right, self.right_t_ms
        features, find = self._ws.features, self._find_near
        self._runner.run_task(
            lambda: load_pictures(media, left, right, at, features, find), self._loaded
        )

    def _loaded(self, *, result: object = None, error: BaseException | None = None) -> None:
        if error is not None or not isinstance(result, ComparePictures):
            self.error = error_message(error or RuntimeError("no pictures"))
            for view in self.views:
                view.show_message(f"Cannot compare: {self.error}")
            self.pictures_loaded.emit()
            return
        self.pictures = result
        if result.near is not None:
            if self.distance is None:
                self.distance = result.near.distance
            if self.right.kind == "video" and self.right_t_ms is None:
                self.right_t_ms = result.near.t_ms
        self._title_right()
        size = result.left.size()
        self._syncing = True  # each set_picture fits its view; no view leads yet
        try:
            self.left_view.set_picture(result.left)
            self.right_view.set_picture(result.right, QSize(size))
            self.blend_view.set_picture(result.left)
            self.blend_view.set_overlay(result.right)
            self.difference_view.set_picture(result.difference)
            self._show_difference()
        finally:
            self._syncing = False
        if _aspect(result.left) and abs(_aspect(result.left) - _aspect(result.right)) > 0.01:
            self.right_title.setText(
                self.right_title.text() + " · <i>stretched to the left picture's shape</i>"
            )
        self.difference_title.setText(
            f"Difference |<b>{escape(reveal(self.left.original_name))}</b> − "
            f"<b>{escape(reveal(self.right.original_name))}</b>| · black = same · mean "
            f"{result.difference_mean:.1f} of 255"
        )
        self._mark_agreement(result)
        self._show_zoom()
        self.pictures_loaded.emit()

    def _mark_agreement(self, result: ComparePictures) -> None:
        """Where each picture sits in the other, and the points that agree, drawn on the
        side-by-side views (both in the left picture's scene units)."""
        agreement = result.agreement
        self.points_box.setEnabled(agreement is not None)
        if agreement is None:
            return
        left_w, left_h = result.left.width(), result.left.height()
        fx, fy = left_w / max(1, self.left.width or 1), left_h / max(1, self.left.height or 1)
        gx, gy = left_w / max(1, self.right.width or 1), left_h / max(1, self.right.height or 1)

        def rect(box: tuple[int, int, int, int], sx: float, sy: float) -> QRectF:
            return QRectF(box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy)

        pairs = agreement.pairs
        self.left_view.set_marks(
            rect(agreement.stored_in_query, fx, fy),
            [QPointF(a * fx, b * fy) for a, b, _, _ in pairs],
        )
        self.right_view.set_marks(
            rect(agreement.query_in_stored, gx, gy),
            [QPointF(c * gx, d * gy) for _, _, c, d in pairs],
        )
        self.points_box.setToolTip(
            f"{agreement.points} points agree; the box shows where each picture sits in the "
            "other (key P)"
        )
        self.right_title.setText(self.right_title.text() + f" · {agreement.points} points agree")
        self._show_points(self.points_box.isChecked())

    def _show_points(self, visible: bool) -> None:
        for view in (self.left_view, self.right_view):
            view.show_marks(visible)

    @property
    def is_loaded(self) -> bool:
        return self.pictures is not None or self.error is not None

    @property
    def difference_image(self) -> QImage | None:
        return None if self.pictures is None else self.pictures.difference


def _aspect(image: QImage) -> float:
    return image.width() / image.height() if image.height() else 0.0
