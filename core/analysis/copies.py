"""Smaller copies of a photo for the face search: a whole-factor area reduction, then the rest.

OpenCV's area averaging by a factor that is not whole in both directions (2000 x 1125 to 666 x 375:
3.003 across, exactly 3 down) weighs each output row by a table made from the two sizes; where one
direction's factor is exactly whole, every output row (or column) reads its own whole group of
input rows and the same table, so the copy can be made in two halves split at a multiple of the
factor, one per thread, with the same pixels (5,340 copies of 1,069 photos of 21 sizes compared,
docs/benchmarks.md, "One analysis on two threads").
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.parallel import Step, run_steps


def _area(rgb: NDArray[np.uint8], size: tuple[int, int]) -> NDArray[np.uint8]:
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _by_whole_factor(rgb: NDArray[np.uint8], whole: int, threads: int) -> NDArray[np.uint8]:
    """``rgb`` reduced by the whole factor ``whole`` (area averaging over the rows and columns that
    divide by it), in two halves on two threads when one side is an exact multiple of it."""
    height, width = rgb.shape[:2]
    rows, cols = height // whole, width // whole
    if threads > 1 and height == rows * whole and rows >= 2:
        cut = rows // 2
        steps: tuple[Step[Any], ...] = (
            Step(lambda: _area(rgb[: cut * whole], (cols, cut))),
            Step(lambda: _area(rgb[cut * whole :], (cols, rows - cut))),
        )
        return np.concatenate(run_steps(steps, threads=2), axis=0)
    if threads > 1 and width == cols * whole and cols >= 2:
        cut = cols // 2
        steps = (
            Step(lambda: _area(rgb[:, : cut * whole], (cut, rows))),
            Step(lambda: _area(rgb[:, cut * whole :], (cols - cut, rows))),
        )
        return np.concatenate(run_steps(steps, threads=2), axis=1)
    return _area(rgb, (cols, rows))


def resized(
    rgb: NDArray[np.uint8], factor: float, *, rest: int = cv2.INTER_AREA, threads: int = 1
) -> NDArray[np.uint8]:
    """``rgb`` scaled by ``factor``; large reductions first by a whole factor, then by the small
    rest, under 2x, with ``rest``.

    The whole factor is OpenCV's area averaging; its fast integer path is taken only when both sides
    divide by the factor (not for 2000 x 1125 by 3: 7.4 ms, against 3.8 ms for the same reduction
    cropped to a multiple of 3). Cropping moves the copy by up to a third of a pixel, so the
    detector's scores, and with them which faces near a score of 0 pass and which of two faces
    weighs more: measured alone (session 9) it saved 3-4.5 ms of the face search per 12 MP shape,
    but of 747 composites of a large and a small face it chose the other face in one and found 5
    borderline faces fewer and 5 more (docs/benchmarks.md, "Face search restricted ... (session
    9)"), so it is not taken. The crops around skin are reduced the rest of the way bilinearly,
    which still averages about 2 x 2 pixels at a reduction near 2x and costs an eighth of OpenCV's
    area averaging by a fraction (1 ms instead of 7-9 for the crop of a 12-megapixel landscape). The
    whole copies keep area averaging: with bilinear, the retake spread of shine rose from 5.6 to 6.2
    points. With ``threads`` > 1 the whole-factor reduction is made in two halves at once when one
    side divides by the factor (:func:`_by_whole_factor`): the same pixels."""
    if abs(factor - 1.0) < 1e-3:
        return np.ascontiguousarray(rgb)
    size = (max(1, round(rgb.shape[1] * factor)), max(1, round(rgb.shape[0] * factor)))
    whole = int(1.0 / factor) if factor < 0.5 else 1
    if whole >= 2:
        rgb = _by_whole_factor(rgb, whole, threads)
    method = rest if size[0] < rgb.shape[1] else cv2.INTER_LINEAR
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=method))
