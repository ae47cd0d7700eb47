"""Where on the first copy a face too small for it may be: OpenCV's LBP frontal-face cascade.

A face the detector did not find on its first (512 px) copy has a box under the 80 px HOG window
there, and dlib looks for it on a copy twice as large, in crops around the areas that may be skin
(``look.py``). On a 16:9 landscape with the face at one side those areas are most of the picture
(a skin-hued wall or suit, brick, gravel): 23-40 ms of CPU. The cascade looks for such faces on
the first copy itself, within those areas (10-14 ms on the whole of a 512 x 288 copy), and says
where; dlib's detector then searches only a small crop around each candidate on the larger copy,
so the face, its box and its landmarks still come from dlib's HOG and the 5-point model. The
cascade only proposes: when dlib is not sure of every candidate, or there are too many, the search
goes on around skin as before.

References
----------
Liao, S., Zhu, X., Lei, Z., Zhang, L. & Li, S. Z. (2007). Learning multi-scale block local binary
patterns for face recognition. ICB. (The cascade is OpenCV's ``lbpcascade_frontalface.xml``, BSD-3;
its source and licence are in ``resources/models/``.)
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.errors import AnalysisError
from core.analysis.look import Box, merged
from core.resources import FACE_CASCADE, require_resource

SCALE_STEP: Final = 1.2
"""Each scale of the cascade's search 1/1.2 of the one before (1.25 missed the flat landscape's
face; 1.15 costs 40 % more)."""
NEIGHBOURS: Final = 2
"""Overlapping hits needed for a candidate: few, since dlib confirms each one."""
SMALLEST_OF_WINDOW: Final = 0.7
LARGEST_OF_WINDOW: Final = 2.6
"""Candidate boxes from 0.7 to 2.6 of the next copy's HOG window (in this copy's px): the cascade's
box is ~1.25 x dlib's (54 against 43 px for the landscapes' face), and the next copy finds dlib
boxes from 1 to 2.1 windows (``small_faces.LARGEST_SURE`` and the pyramid's five levels)."""
MARGIN_OF_BOX: Final = 0.8
"""Margin around each candidate, in its boxes: dlib's box is placed a little differently, and its
detector needs some of the image around the face."""
MAX_CANDIDATES: Final = 4
"""More candidates than this (a crowd, a textured pattern the cascade fires on): no saving."""
_LOCK: Final = threading.Lock()
"""One search at a time: an OpenCV cascade keeps the image it searches in itself."""


@functools.lru_cache(maxsize=1)
def _cascade() -> cv2.CascadeClassifier:
    path = require_resource(*FACE_CASCADE)
    cascade = cv2.CascadeClassifier()
    try:
        loaded = cascade.load(str(path))
    except (cv2.error, SystemError):  # OpenCV raises for a file that is not one of its own
        loaded = False
    if not loaded or cascade.empty():
        raise AnalysisError(f"The face cascade {path} cannot be read; reinstall SkinLab")
    return cascade


def load_cascade() -> None:
    """Load the cascade now rather than at the first small face (see ``face.load_models``)."""
    _cascade()


def face_candidates(
    grey: NDArray[np.uint8],
    window: float,
    *,
    areas: Sequence[Box] | None = None,
    largest_of_window: float = LARGEST_OF_WINDOW,
    most: int = MAX_CANDIDATES,
) -> list[Box] | None:
    """Crops of ``grey`` (left, top, right, bottom) around each face the cascade finds in
    ``areas`` (the whole of ``grey`` when None) with a box of :data:`SMALLEST_OF_WINDOW` to
    ``largest_of_window`` (:data:`LARGEST_OF_WINDOW`) windows, overlapping ones joined; None when
    it finds more than ``most`` (:data:`MAX_CANDIDATES`).

    ``window`` is the next copy's HOG window in ``grey``'s pixels.
    """
    height, width = grey.shape[:2]
    smallest = max(1, round(SMALLEST_OF_WINDOW * window))
    largest = max(smallest, round(largest_of_window * window))
    crops: list[Box] = []
    for x0, y0, x1, y1 in areas if areas is not None else [(0, 0, width, height)]:
        if min(x1 - x0, y1 - y0) < smallest:
            continue
        with _LOCK:
            found = _cascade().detectMultiScale(
                grey[y0:y1, x0:x1],
                scaleFactor=SCALE_STEP,
                minNeighbors=NEIGHBOURS,
                minSize=(smallest, smallest),
                maxSize=(largest, largest),
            )
        for left, top, w, h in found:
            pad = round(MARGIN_OF_BOX * max(int(w), int(h)))
            crops.append(
                (
                    max(0, x0 + int(left) - pad),
                    max(0, y0 + int(top) - pad),
                    min(width, x0 + int(left + w) + pad),
                    min(height, y0 + int(top + h) + pad),
                )
            )
        if len(crops) > most:
            return None
    return merged(crops)
