"""Stored image bytes become QImages without Qt's image plugins, so a worker thread never asks
them (``QImage.fromData`` off the UI thread deadlocked CI: see ``ui.widgets.images``)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np
import skimage.data

from core.imaging import encode_jpeg, encode_png
from ui.widgets.images import decoded_image

ROOT = Path(__file__).resolve().parents[3]


def _pixel(image, x: int, y: int) -> tuple[int, int, int, int]:
    colour = image.pixelColor(x, y)
    return colour.red(), colour.green(), colour.blue(), colour.alpha()


def test_png_and_jpeg_keep_their_pixels_size_and_alpha(qapp) -> None:
    rgb = np.ascontiguousarray(skimage.data.astronaut()[100:228, 150:310])
    png = decoded_image(encode_png(rgb))
    assert png is not None and (png.width(), png.height()) == (160, 128)
    assert _pixel(png, 10, 20) == (*(int(v) for v in rgb[20, 10]), 255)
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 77, np.uint8)])
    with_alpha = decoded_image(encode_png(rgba))
    assert with_alpha is not None and _pixel(with_alpha, 5, 5)[3] == 77
    jpeg = decoded_image(encode_jpeg(rgb, quality=95))
    assert jpeg is not None and (jpeg.width(), jpeg.height()) == (160, 128)
    assert (
        max(abs(a - int(b)) for a, b in zip(_pixel(jpeg, 40, 40)[:3], rgb[40, 40], strict=True))
        < 12
    )


def test_empty_or_damaged_bytes_give_none(qapp) -> None:
    photo = encode_jpeg(np.ascontiguousarray(skimage.data.astronaut()))
    for data in (None, b"", b"not an image", photo[:200], b"\x89PNG\r\n\x1a\n" + b"\0" * 50):
        assert decoded_image(data) is None


def test_decoding_on_a_worker_thread_gives_the_same_image(qapp) -> None:
    data = encode_png(np.ascontiguousarray(skimage.data.astronaut()[:64, :64]))
    found: list[object] = []
    worker = threading.Thread(target=lambda: found.append(decoded_image(data)))
    worker.start()
    worker.join(30)
    (image,) = found
    here = decoded_image(data)
    assert image is not None and here is not None and image == here


def test_no_screen_or_report_decodes_with_qt_plugins() -> None:
    """Every decode of stored bytes in ui/ and app/ goes through decoded_image."""
    pattern = re.compile(r"\b(QImage\.fromData|loadFromData|QImageReader)\s*\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("ui", "app")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []
