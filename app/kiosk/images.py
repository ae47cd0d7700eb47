"""Image work for the kiosk, kept out of ui/: the displayed crop, thumbnails and heat-map layers.

Overlays are RGBA layers the UI draws over the photo (so toggling a measure costs nothing), and
blended PNGs for the PDF report; both are drawn by ``core.analysis.overlay`` (the same layer and
blend as the report's and the CLI's) from the engine's own masks.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis import AnalysisResult, overlay_mask
from core.analysis.overlay import COLOURS, blend, rgba_layer
from core.imaging import encode_png, thumbnail_jpeg

DISPLAY_LONG_SIDE = 1280
THUMB_LONG_SIDE = 256


def fit(rgb: NDArray[np.uint8], long_side: int) -> NDArray[np.uint8]:
    height, width = rgb.shape[:2]
    factor = long_side / max(height, width)
    if factor >= 1.0:
        return rgb
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def thumbnail(rgb: NDArray[np.uint8]) -> bytes:
    return thumbnail_jpeg(rgb, edge=THUMB_LONG_SIDE)


Box = tuple[int, int, int, int]


def face_crop(result: AnalysisResult, width: int, height: int) -> Box:
    """A portrait (4:5) region around the face, so the results show the face, not the room."""
    box = result.face.get("box") if isinstance(result.face, dict) else None
    if not box:
        return 0, 0, width, height
    left, top, right, bottom = (float(v) for v in box)
    cx, cy = (left + right) / 2, (top + bottom) / 2
    half_w = min(width / 2, 1.15 * max(right - left, bottom - top))
    half_h = min(height / 2, half_w * 1.25)
    half_w = half_h / 1.25
    x0 = int(max(0, min(width - 2 * half_w, cx - half_w)))
    y0 = int(max(0, min(height - 2 * half_h, cy - half_h * 0.95)))
    return x0, y0, int(min(width, x0 + 2 * half_w)), int(min(height, y0 + 2 * half_h))


def crop(rgb: NDArray[np.uint8], box: Box) -> NDArray[np.uint8]:
    x0, y0, x1, y1 = box
    return np.ascontiguousarray(rgb[y0:y1, x0:x1])


def overlay_layers(
    result: AnalysisResult, display: NDArray[np.uint8], *, box: Box | None = None
) -> dict[str, NDArray[np.uint8]]:
    """Per metric, an RGBA layer the size of ``display`` (the photo, cropped to ``box``, as shown)."""
    height, width = display.shape[:2]
    layers: dict[str, NDArray[np.uint8]] = {}
    if result.visuals is None:
        return layers
    for name in result.visuals.heatmaps:
        mask = overlay_mask(result, name, space="image")
        if box is not None:
            x0, y0, x1, y1 = box
            mask = mask[y0:y1, x0:x1]
        if mask.shape[:2] != (height, width):
            mask = np.asarray(
                cv2.resize(mask, (width, height), interpolation=cv2.INTER_LINEAR), np.float32
            )
        layers[name] = rgba_layer(mask, COLOURS[name])
    return layers


def report_overlays(
    display: NDArray[np.uint8], layers: dict[str, NDArray[np.uint8]]
) -> dict[str, bytes]:
    """Blended PNGs per metric for the PDF report, at a size a printed page needs."""
    small = fit(display, 900)
    out: dict[str, bytes] = {}
    for name, layer in layers.items():
        if layer.shape[:2] != small.shape[:2]:
            layer = np.asarray(
                cv2.resize(layer, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA),
                dtype=np.uint8,
            )
        out[name] = encode_png(blend(small, layer))
    return out
