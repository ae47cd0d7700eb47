"""Bytes to images for display, run on the work pool (a QImage, unlike a QPixmap, may be made off
the UI thread). A photo is turned upright by its EXIF orientation, as the engine does."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageReader

from ui.desktop.ports import OverlayLayer


def photo_image(data: bytes) -> QImage:
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    reader.setAllocationLimit(1024)  # MB: a 100 MP photo (the engine's own limit) still opens
    image = reader.read()
    buffer.close()
    return image


def layer_image(layer: OverlayLayer) -> QImage:
    return QImage(
        layer.rgba, layer.width, layer.height, 4 * layer.width, QImage.Format.Format_RGBA8888
    ).copy()
