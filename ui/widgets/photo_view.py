"""A photo at full resolution with zoom (wheel, keys, buttons) and pan (drag), and one heat-map
layer over it. The layer may be smaller than the photo: it is stretched to cover it exactly.

``view_changed`` fires after every zoom or pan with the zoom (1 = whole photo fits) and the photo
point at the centre, so that two views can follow each other (the compare screen).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap, QResizeEvent, QTransform, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

WHEEL_STEP = 1.2
MAX_ZOOM = 40.0  # times the fitted size: a 640 px photo still reaches pixel level on a 4K screen


class PhotoView(QGraphicsView):
    view_changed = Signal(float, QPointF)  # zoom relative to fit, photo point at the centre

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setRenderHints(
            QPainter.RenderHint.SmoothPixmapTransform | QPainter.RenderHint.Antialiasing
        )
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.photo = QGraphicsPixmapItem()
        self.photo.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.overlay = QGraphicsPixmapItem()
        self.overlay.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.overlay.setZValue(1)
        self.scene().addItem(self.photo)
        self.scene().addItem(self.overlay)
        self.zoom = 1.0
        self._fitted = True
        self._quiet = False
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(self._moved)

    # -- content ---------------------------------------------------------------------------------
    def set_photo(self, image: QImage | None) -> None:
        self.photo.setPixmap(QPixmap.fromImage(image) if image is not None else QPixmap())
        self.overlay.setPixmap(QPixmap())
        size = self.photo_size()
        self.scene().setSceneRect(QRectF(0, 0, size[0], size[1]))
        self.fit()

    def photo_size(self) -> tuple[int, int]:
        pixmap = self.photo.pixmap()
        return (pixmap.width(), pixmap.height()) if not pixmap.isNull() else (0, 0)

    def has_photo(self) -> bool:
        return not self.photo.pixmap().isNull()

    def set_overlay(self, layer: QImage | None, opacity: float = 1.0) -> None:
        """``layer`` stretched over the whole photo; None removes it."""
        if layer is None or layer.isNull() or not self.has_photo():
            self.overlay.setPixmap(QPixmap())
            return
        self.overlay.setPixmap(QPixmap.fromImage(layer))
        width, height = self.photo_size()
        self.overlay.setTransform(
            QTransform.fromScale(width / layer.width(), height / layer.height())
        )
        self.overlay.setOpacity(opacity)

    # -- zoom and pan ----------------------------------------------------------------------------
    def fit_scale(self) -> float:
        width, height = self.photo_size()
        if not width or not height:
            return 1.0
        area = self.viewport().rect()
        return min(area.width() / width, area.height() / height)

    def fit(self) -> None:
        """The whole photo, centred; it stays fitted when the view is resized."""
        self.set_view(1.0, QPointF(*(v / 2 for v in self.photo_size())))
        self._fitted = True

    def zoom_by(self, factor: float) -> None:
        self.set_view(self.zoom * factor, self.centre(), announce=True)

    def centre(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    def set_view(self, zoom: float, centre: QPointF, *, announce: bool = True) -> None:
        """Show the photo at ``zoom`` (1 = fits) centred on the photo point ``centre``."""
        self._fitted = False
        self.zoom = max(1.0, min(MAX_ZOOM, zoom))
        scale = self.fit_scale() * self.zoom
        self._quiet = True
        self.setTransform(QTransform.fromScale(scale, scale))
        self.centerOn(centre)
        self._quiet = False
        if announce:
            self.view_changed.emit(self.zoom, self.centre())

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            old = self.mapToScene(event.position().toPoint())
            self.set_view(self.zoom * WHEEL_STEP**steps, self.centre(), announce=False)
            shift = self.mapToScene(event.position().toPoint()) - old
            self.centerOn(self.centre() - shift)  # the point under the mouse stays put
            self.view_changed.emit(self.zoom, self.centre())
        event.accept()

    def _moved(self, _value: int) -> None:
        if not self._quiet:
            self._fitted = False
            self.view_changed.emit(self.zoom, self.centre())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()
        else:
            self.set_view(self.zoom, self.centre(), announce=False)
