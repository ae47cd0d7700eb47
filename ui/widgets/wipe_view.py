"""Before and after in one view: the after photo, and over its left part the before photo lined up
on it, cut at a line the slider moves. Zoom and pan as in :class:`PhotoView`; each photo can carry
its own heat map."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QWidget,
)

from ui.widgets.photo_view import PhotoView


class WipeView(PhotoView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clip = QGraphicsRectItem()
        self.clip.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)
        self.clip.setPen(QPen(Qt.PenStyle.NoPen))
        self.clip.setZValue(2)
        self.before = QGraphicsPixmapItem(self.clip)
        self.before.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.before_overlay = QGraphicsPixmapItem(self.before)
        self.before_overlay.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.divider = QGraphicsLineItem()
        line = QPen(QColor(255, 255, 255, 230), 2)
        line.setCosmetic(True)  # two screen pixels at any zoom
        self.divider.setPen(line)
        self.divider.setZValue(3)
        self.scene().addItem(self.clip)
        self.scene().addItem(self.divider)
        self.position = 0.5

    def set_before(self, image: QImage | None, onto_after: QTransform) -> None:
        """The before photo, and where its pixels fall on the after photo."""
        self.before.setPixmap(QPixmap.fromImage(image) if image is not None else QPixmap())
        self.before.setTransform(onto_after)
        self.before_overlay.setPixmap(QPixmap())
        self.set_position(self.position)

    def set_before_overlay(self, layer: QImage | None, opacity: float = 1.0) -> None:
        pixmap = self.before.pixmap()
        if layer is None or layer.isNull() or pixmap.isNull():
            self.before_overlay.setPixmap(QPixmap())
            return
        self.before_overlay.setPixmap(QPixmap.fromImage(layer))
        self.before_overlay.setTransform(
            QTransform.fromScale(pixmap.width() / layer.width(), pixmap.height() / layer.height())
        )
        self.before_overlay.setOpacity(opacity)

    def set_position(self, fraction: float) -> None:
        """Where the cut is, from 0 (all after) to 1 (all before), across the after photo."""
        self.position = max(0.0, min(1.0, fraction))
        width, height = self.photo_size()
        cut = width * self.position
        self.clip.setRect(QRectF(0, 0, cut, height))
        self.divider.setLine(QLineF(cut, 0, cut, height))
        self.divider.setVisible(0 < self.position < 1 and width > 0)
