"""Arrays and stored image bytes as QImages, safe on any thread.

Decoding with ``QImage.fromData`` off the UI thread can deadlock: PySide6 keeps the GIL through the
call, Qt's image plugins probe the bytes (the SVG plugin builds a QTextStream, which connects a
signal and so takes one of Qt's signal-slot locks), and the UI thread, holding such a lock while it
connects or disconnects, waits for the GIL in PySide's override check. The kiosk's take-away report
hung CI that way. Here the bytes are decoded by OpenCV (:func:`core.imaging.decode_stored`) and the
QImage is only built around the pixels, which takes no lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

if TYPE_CHECKING:  # numpy is not needed to paint the attract screen (see app.first_paint)
    import numpy as np
    from numpy.typing import NDArray


def rgb_image(rgb: NDArray[np.uint8]) -> QImage:
    """A QImage that owns a copy of ``rgb`` (the array may be freed afterwards)."""
    import numpy as np  # lazy: loaded after the first paint, with the screens that show photos

    data = np.ascontiguousarray(rgb)
    height, width = data.shape[:2]
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def rgba_image(rgba: NDArray[np.uint8]) -> QImage:
    """Like :func:`rgb_image` with an alpha channel."""
    import numpy as np  # lazy: loaded after the first paint, with the screens that show photos

    data = np.ascontiguousarray(rgba)
    height, width = data.shape[:2]
    return QImage(data.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


def decoded_image(data: bytes | None, *, upright: bool = False) -> QImage | None:
    """Stored image bytes as a QImage (None when empty or undecodable), on any thread;
    ``upright`` turns a photo by its EXIF orientation."""
    from core.imaging import decode_stored  # lazy: OpenCV loads with the screens that need it

    pixels = decode_stored(data, upright=upright) if data else None
    if pixels is None:
        return None
    return rgb_image(pixels) if pixels.shape[2] == 3 else rgba_image(pixels)
