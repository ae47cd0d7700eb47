"""Where to look for a face too small for the detector's first copy: the areas of it that may be skin.

The detector searches a 512 px copy of the photo first; a face whose box is under the HOG window
(80 px) there, e.g. a face a fifth of the width of a 12-megapixel landscape, is found only on the
1024 px copy, whose search costs four times as much as the first. The first copy, already made,
shows where skin may be: the face is then searched on the larger copy only in crops around those
areas. The test is the one the choice between faces applies (``choice.skin_like``): a skin hue
(``skin_hue.SKIN_HUE``), or too little colour for a hue to mean anything (very dark skin in shadow,
a face in black and white), so every face the choice would weigh as a face is searched, also the
second of two people. A greyscale photo is colourless everywhere and so searched whole, as before.
A face of a clear non-skin hue (under a strongly coloured light, a painted or printed face) is not
searched when skin shows elsewhere; the choice would weigh it at ``choice.NOT_SKIN_WEIGHT`` anyway.
"""

from __future__ import annotations

import functools
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.skin_hue import HUE_CHROMA_MIN, SKIN_HUE

Box = tuple[int, int, int, int]
"""left, top, right, bottom in the pixels of the copy looked at."""

MAX_AREAS: Final = 8
"""More skin-coloured areas than this (a crowd, a skin-coloured pattern): search the whole copy."""
MAX_SHARE: Final = 0.6
"""Crops covering more than this share of the copy save too little: search the whole copy."""
MIN_SIDE_OF_WINDOW: Final = 0.3
"""A skin area narrower and lower than this share of the next copy's detection window cannot be
a face the next copy can find: a face's skin (forehead, cheeks) spans most of its box."""
PAD_OF_WINDOW: Final = 1.0
"""Margin added around each area, in detection windows of the next copy. A face not found on this
copy has a box under two such windows, most of it skin (forehead, cheeks, nose), so one window
around its skin holds the rest (hair, a beard, a shaded side) and the detector's whole window."""


@functools.lru_cache(maxsize=1)
def _ab_tables() -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per 8-bit (a, b) pair of OpenCV's 8-bit CIELAB: a skin hue, and enough colour for the hue
    to mean something. The same float32 arithmetic as per pixel, done once for the 65,536 pairs:
    a lookup then costs a fifth of the per-pixel arctan2 and hypot (``_hue_tests``)."""
    codes = np.arange(256, dtype=np.float32)
    a, b = np.meshgrid(codes - 128.0, codes - 128.0, indexing="ij")
    hue = np.degrees(np.arctan2(b, a))
    skin_hue = (hue >= SKIN_HUE[0]) & (hue <= SKIN_HUE[1])
    return skin_hue.ravel(), (np.hypot(a, b) >= HUE_CHROMA_MIN).ravel()


def _hue_tests(
    rgb: NDArray[np.uint8],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """Per pixel: a skin hue, enough colour for the hue to mean something, neither black nor
    blown out (CIELAB, 8-bit conversion: enough to say where to look)."""
    lab = cv2.cvtColor(cv2.blur(rgb, (3, 3)), cv2.COLOR_RGB2Lab)
    pair = lab[:, :, 1].astype(np.intp) * 256 + lab[:, :, 2]
    skin_hue, coloured = _ab_tables()
    lightness = lab[:, :, 0]
    lit = (lightness > 0.1 * 255) & (lightness < 0.98 * 255)
    return skin_hue[pair], coloured[pair], lit


def skin_mask(rgb: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Pixels with a skin hue."""
    skin_hue, coloured, lit = _hue_tests(rgb)
    return np.asarray(skin_hue & coloured & lit, dtype=bool)


def maybe_skin_mask(rgb: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Pixels that may be skin: a skin hue, or too little colour to tell (as ``choice.skin_like``)."""
    skin_hue, coloured, lit = _hue_tests(rgb)
    return np.asarray(lit & (skin_hue | ~coloured), dtype=bool)


def skin_areas(rgb: NDArray[np.uint8], window: float) -> list[Box] | None:
    """Crops of ``rgb`` around the areas that may be skin (:func:`maybe_skin_mask`), or None when
    looking in crops would not save anything (no such area, too many, or most of the picture).

    ``window`` is the next copy's detection window in this copy's pixels (80 px / the ratio of the
    two copies' sizes): areas too small to hold such a face are left out.
    """
    height, width = rgb.shape[:2]
    mask = cv2.morphologyEx(
        maybe_skin_mask(rgb).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    smallest = MIN_SIDE_OF_WINDOW * window
    pad = round(PAD_OF_WINDOW * window)
    crops: list[Box] = []
    for left, top, w, h, _area in stats[1:count]:
        if max(w, h) < smallest:
            continue
        crops.append(
            (
                max(0, int(left) - pad),
                max(0, int(top) - pad),
                min(width, int(left + w) + pad),
                min(height, int(top + h) + pad),
            )
        )
    crops = merged(crops)
    covered = sum((r - x) * (b - y) for x, y, r, b in crops)
    if not crops or len(crops) > MAX_AREAS or covered > MAX_SHARE * width * height:
        return None
    return crops


def merged(boxes: list[Box]) -> list[Box]:
    """Overlapping crops joined into one, so no face is cut between two of them."""
    boxes = sorted(boxes)
    merged = True
    while merged:
        merged = False
        out: list[Box] = []
        for box in boxes:
            for i, other in enumerate(out):
                if (
                    box[0] < other[2]
                    and other[0] < box[2]
                    and box[1] < other[3]
                    and other[1] < box[3]
                ):
                    out[i] = (
                        min(box[0], other[0]),
                        min(box[1], other[1]),
                        max(box[2], other[2]),
                        max(box[3], other[3]),
                    )
                    merged = True
                    break
            else:
                out.append(box)
        boxes = out
    return boxes
