"""The one PNG writer: what it writes reads back the same; what it cannot write is a typed error."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.errors import ValidationError
from core.imaging import encode_png, media_type_of


@pytest.mark.parametrize("channels", [3, 4])
def test_png_round_trip(channels: int) -> None:
    rng = np.random.default_rng(7)
    image = rng.integers(0, 256, (17, 23, channels), dtype=np.uint8)
    png = encode_png(image)
    assert media_type_of(png) == "image/png"
    back = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    order = [2, 1, 0] if channels == 3 else [2, 1, 0, 3]
    assert (back[:, :, order] == image).all()


@pytest.mark.parametrize(
    "image",
    [np.zeros((5, 5), np.uint8), np.zeros((5, 5, 2), np.uint8), np.zeros((0, 5, 3), np.uint8)],
)
def test_an_image_png_cannot_hold_is_a_typed_error(image: np.ndarray) -> None:
    with pytest.raises(ValidationError):
        encode_png(image)
