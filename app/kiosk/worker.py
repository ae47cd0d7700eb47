"""The kiosk's analysis step as one function over plain data: photo in, what the screens need out.

Kept free of the database so it can run on any worker (a thread today; a process if the GIL ever
costs the UI too much: the benchmark measures both the stall and the capture-to-results time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.kiosk.images import (
    DISPLAY_LONG_SIDE,
    crop,
    face_crop,
    fit,
    overlay_layers,
    thumbnail,
)
from core.analysis import analyze
from core.imaging import encode_jpeg


@dataclass(frozen=True)
class Measured:
    """Everything the kiosk needs from one photo, as plain picklable data."""

    jpeg: bytes
    thumbnail: bytes
    result: dict[str, object]
    display: NDArray[np.uint8]
    layers: dict[str, NDArray[np.uint8]]


def measure(photo: NDArray[np.uint8], *, progress: Callable[[str], None] | None = None) -> Measured:
    """JPEG-encode (the stored photo is what gets analysed), analyse, crop, draw the heat maps.

    ``progress`` hears each engine stage; raising from it stops the analysis (cancel)."""
    jpeg = encode_jpeg(np.ascontiguousarray(photo))
    result = analyze(jpeg, need_visuals=True, progress=progress)
    if progress is not None:
        progress("Drawing the heat maps")
    box = face_crop(result, photo.shape[1], photo.shape[0])
    display = fit(crop(photo, box), DISPLAY_LONG_SIDE)
    return Measured(
        jpeg=jpeg,
        thumbnail=thumbnail(photo),
        result=result.to_json(),
        display=display,
        layers=overlay_layers(result, display, box=box),
    )
