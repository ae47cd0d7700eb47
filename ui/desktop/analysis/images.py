"""Bytes to images for display, run on the work pool (a QImage, unlike a QPixmap, may be made off
the UI thread). A photo is turned upright by its EXIF orientation, as the engine does."""

from __future__ import annotations

from PySide6.QtGui import QImage

from ui.desktop.ports import OverlayLayer
from ui.widgets.images import decoded_image


def photo_image(data: bytes) -> QImage:
    return decoded_image(data, upright=True) or QImage()


def layer_image(layer: OverlayLayer) -> QImage:
    return QImage(
        layer.rgba, layer.width, layer.height, 4 * layer.width, QImage.Format.Format_RGBA8888
    ).copy()
