"""Pictures on screen: Pillow → QImage, and the zoomable, pannable view both windows use.

The domain (``workbench.media.pictures``) decodes and turns pictures upright on a worker thread;
``to_qimage`` also runs there (a QImage, unlike a QPixmap, may be made off the UI thread).
``PictureView`` shows the result and reports every zoom or pan through ``view_changed`` so
the compare view can keep several views in step.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

ZOOM_STEP = 1.25
MIN_ZOOM = 0.01
MAX_ZOOM = 32.0
#: From this zoom on, pixels are drawn as squares (an analyst inspecting edits wants to see
#: the real pixels, not an interpolation of them).
PIXEL_ZOOM = 2.0
BACKGROUND = QColor(48, 48, 48)
#: Where one picture sits in the other, and the points that agree (the compare view).
MARK = QColor(255, 193, 7)
MARK_RADIUS = 3.0


def to_qimage(picture: Image.Image) -> QImage:
    """An RGB copy of ``picture`` as a QImage that owns its pixels (safe on any thread)."""
    rgb = picture if picture.mode == "RGB" else picture.convert("RGB")
    width, height = rgb.size
    data = rgb.tobytes("raw", "RGB")
    # QImage does not copy ``data``; copy() does, so the bytes may be freed afterwards.
    return QImage(data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def format_bytes(byte_size: int) -> str:
    size = float(byte_size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{byte_size} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{byte_size} bytes"


class PictureView(QGraphicsView):
    """One picture (and optionally a second laid over it), zoom with Ctrl+wheel or the
    ``zoom_*`` slots, pan by dragging or with the scroll bars.

    Scene coordinates are the main picture's pixels. An overlay is stretched onto the
    main picture's rectangle, so views showing either picture share one coordinate space.
    """

    #: The zoom or the visible part changed (by the user or by code).
    view_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QBrush(BACKGROUND))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.picture_item = QGraphicsPixmapItem()
        self.overlay_item = QGraphicsPixmapItem()
        self.overlay_item.setVisible(False)
        self.overlay_item.setOpacity(0.5)
        self._message = QGraphicsSimpleTextItem()
        self._message.setBrush(QBrush(QColor(220, 220, 220)))
        pen = QPen(MARK, 2)
        pen.setCosmetic(True)  # the same width at every zoom
        self.box_item = QGraphicsRectItem()
        self.box_item.setPen(pen)
        self.points_item = QGraphicsPathItem()
        self.points_item.setPen(pen)
        self.scene().addItem(self.picture_item)
        self.scene().addItem(self.overlay_item)
        for mark in (self.box_item, self.points_item):
            mark.setVisible(False)
            mark.setZValue(1)
            self.scene().addItem(mark)
        self.scene().addItem(self._message)
        self._fit = True
        self.horizontalScrollBar().valueChanged.connect(self.view_changed)
        self.verticalScrollBar().valueChanged.connect(self.view_changed)

    # -- content -------------------------------------------------------------------------

    def set_picture(self, image: QImage, shown_size: QSize | None = None) -> None:
        """Show ``image`` fitted to the window (call on the UI thread).

        With ``shown_size`` the picture is stretched to that many scene units, so that a
        second picture can share the first one's coordinates (the compare view).
        """
        self._message.setVisible(False)
        self.picture_item.setPixmap(QPixmap.fromImage(image))
        if shown_size is not None and not image.isNull():
            self.picture_item.setTransform(
                QTransform.fromScale(
                    shown_size.width() / image.width(), shown_size.height() / image.height()
                )
            )
        else:
            self.picture_item.setTransform(QTransform())
        self.picture_item.setVisible(True)
        self._match_overlay()
        self.setSceneRect(self.picture_rect())
        self.fit_to_window()

    def replace_picture(self, image: QImage) -> None:
        """Swap in another picture of the same shape, keeping the zoom and the place."""
        shown = self.picture_rect()
        self.picture_item.setPixmap(QPixmap.fromImage(image))
        if not image.isNull():
            self.picture_item.setTransform(
                QTransform.fromScale(shown.width() / image.width(), shown.height() / image.height())
            )
        self._update_smoothing()

    def picture_rect(self) -> QRectF:
        """The picture's rectangle in scene units."""
        return self.picture_item.sceneBoundingRect()

    def set_overlay(self, image: QImage | None) -> None:
        """Lay ``image`` over the picture, stretched to its size (None removes it)."""
        if image is None:
            self.overlay_item.setPixmap(QPixmap())
            self.overlay_item.setVisible(False)
            return
        self.overlay_item.setPixmap(QPixmap.fromImage(image))
        self.overlay_item.setVisible(True)
        self._match_overlay()

    def set_overlay_opacity(self, opacity: float) -> None:
        self.overlay_item.setOpacity(max(0.0, min(1.0, opacity)))

    def _match_overlay(self) -> None:
        main = self.picture_rect()
        over = self.overlay_item.pixmap()
        if self.picture_item.pixmap().isNull() or over.isNull():
            return
        self.overlay_item.setTransform(
            QTransform.fromScale(main.width() / over.width(), main.height() / over.height())
        )

    def set_marks(self, box: QRectF | None, points: list[QPointF]) -> None:
        """Draw ``box`` and a small ring at each of ``points`` (scene coordinates: the main
        picture's pixels, as shown); None and no points remove them."""
        self.box_item.setRect(box if box is not None else QRectF())
        self.box_item.setVisible(box is not None)
        path = QPainterPath()
        for point in points:
            path.addEllipse(point, MARK_RADIUS, MARK_RADIUS)
        self.points_item.setPath(path)
        self.points_item.setVisible(bool(points))

    def show_marks(self, visible: bool) -> None:
        self.box_item.setVisible(visible and not self.box_item.rect().isNull())
        self.points_item.setVisible(visible and not self.points_item.path().isEmpty())

    def show_message(self, text: str) -> None:
        """A line of text instead of a picture: "Loading…", or why there is none."""
        self.picture_item.setVisible(False)
        self.overlay_item.setVisible(False)
        self._message.setText(text)
        self._message.setVisible(True)
        self.resetTransform()
        rect = self._message.boundingRect()
        self.setSceneRect(rect.adjusted(-20, -20, 20, 20))
        self.centerOn(rect.center())

    @property
    def message(self) -> str:
        return self._message.text() if self._message.isVisible() else ""

    @property
    def has_picture(self) -> bool:
        return self.picture_item.isVisible() and not self.picture_item.pixmap().isNull()

    # -- zoom and pan --------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        """Screen pixels per picture pixel (1.0 = actual pixels)."""
        return float(self.transform().m11())

    @property
    def fitted(self) -> bool:
        """True while the picture follows the window's size (after Fit, until a zoom)."""
        return self._fit

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def actual_pixels(self) -> None:
        self.zoom_by(1.0 / self.zoom if self.zoom else 1.0)

    def zoom_by(self, factor: float, under_mouse: bool = False) -> None:
        if not self.has_picture:
            return
        current = self.zoom or 1.0
        target = max(MIN_ZOOM, min(MAX_ZOOM, current * factor))
        self.setTransformationAnchor(
            QGraphicsView.ViewportAnchor.AnchorUnderMouse
            if under_mouse
            else QGraphicsView.ViewportAnchor.AnchorViewCenter
        )
        self._fit = False
        self.scale(target / current, target / current)
        self._update_smoothing()
        self.view_changed.emit()

    def fit_to_window(self) -> None:
        """The whole picture in the window (never enlarged beyond actual pixels)."""
        self._fit = True
        if not self.has_picture:
            return
        rect = self.picture_rect()
        view = self.viewport().rect()
        if rect.isEmpty() or view.isEmpty():
            return
        scale = min(view.width() / rect.width(), view.height() / rect.height(), 1.0)
        self.setTransform(QTransform.fromScale(scale, scale))
        self.centerOn(rect.center())
        self._update_smoothing()
        self.view_changed.emit()

    def visible_centre(self) -> QPointF:
        """The scene point (picture pixel) in the middle of the window."""
        return self.mapToScene(self.viewport().rect().center())

    def follow(self, other: PictureView) -> None:
        """Show the same zoom and the same part of the picture as ``other``."""
        if other.fitted:
            self.fit_to_window()
            return
        self._fit = False
        self.setTransform(other.transform())
        self.centerOn(other.visible_centre())
        self._update_smoothing()

    def visible_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def _update_smoothing(self) -> None:
        # Per item: a picture stretched onto a smaller one's rectangle is still shrunk on
        # screen when the view zooms in, and must stay smooth.
        for item in (self.picture_item, self.overlay_item):
            on_screen = self.zoom * item.transform().m11()
            item.setTransformationMode(
                Qt.TransformationMode.FastTransformation
                if on_screen >= PIXEL_ZOOM
                else Qt.TransformationMode.SmoothTransformation
            )

    # -- events --------------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.zoom_by(ZOOM_STEP**steps, under_mouse=True)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self.fit_to_window()


def add_zoom_buttons(
    bar: QHBoxLayout, view_of: Callable[[], PictureView], actual_tip: str
) -> QLabel:
    """Zoom out, zoom in, fit and 1:1 buttons acting on ``view_of()`` (the view to lead),
    then a label for the zoom level, which is returned for the caller to keep up to date."""
    for text, tip, act in (
        ("−", "Zoom out (Ctrl+-)", lambda: view_of().zoom_out()),
        ("+", "Zoom in (Ctrl++)", lambda: view_of().zoom_in()),
        ("Fit", "Whole picture in the window (Ctrl+0)", lambda: view_of().fit_to_window()),
        ("1:1", actual_tip, lambda: view_of().actual_pixels()),
    ):
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(act)
        bar.addWidget(button)
    label = QLabel()
    label.setMinimumWidth(90)
    bar.addWidget(label)
    return label
