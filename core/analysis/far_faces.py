"""Where a face too small for every whole copy searched may be: the cascade on a reduced copy.

A face far from the camera, 24-60 px between the eyes in a 4K frame or a 12-megapixel photo, has a
box under dlib's 80 px HOG window even on the last look's 2048 px copy, and a whole copy large
enough to hold it (the photo at 1.9 times its size) would cost seconds. OpenCV's LBP cascade finds
such a face on a copy at 0.6 times the photo's size, where its box is still over the cascade's
24 px window; dlib's detector then searches only crops around each candidate, enlarged so that the
smallest face looked for fills its window. The face, its box and its landmarks still come from
dlib (the cascade only proposes, as on the first copy: ``face_candidates.py``), and only a photo in
which no face was found pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.copies import resized
from core.analysis.face_candidates import face_candidates
from core.analysis.face_model import HOG_WINDOW
from core.analysis.look import Box

BOX_PER_IOD: Final = 1.75
"""dlib's face box is 1.77-2.87 times the distance between the eyes (median 2.25; 70 shared and
faces-age faces): the smallest ratio, so the smallest face fills the window whatever its box."""
CASCADE_BOX_PER_HOG: Final = 1.25
"""The cascade's box is about 1.25 times dlib's (``face_candidates.LARGEST_OF_WINDOW``)."""
CASCADE_FACTOR: Final = 0.6
"""The cascade's copy, as a share of the photo's size: the smallest face's cascade box (about
1.25 x 1.75 x 24 = 52 px for the engine's 24 px) is 31 px there, over the cascade's 24 px window.
Five faces (the astronaut and four shared portraits) pasted at 26-50 px between the eyes in 4K and
12 MP frames: at 0.6 the cascade proposed all 40 from 30 px and 9 of 10 at 26 px; at 0.5 and 0.55
it missed one at 30 px (the smallest scales are where it is least sure, and which it misses
follows the pixel grid). On 11 photos without a face (12 MP) it cost 1.04 s of CPU at 0.6, 0.67 s
at 0.5 (``/work/runs/s17/cascade_grid.py``, outside the repository)."""
MOST_CANDIDATES: Final = 24
"""More places than this (a crowd, a pattern the cascade fires on all over): the far search stops.
Each place costs dlib a search of a crop of about 300 x 300 px (a few ms), so many more are
searched than on the first copy (``face_candidates.MAX_CANDIDATES``, where the crops must save
time over the whole copy)."""
PYRAMID_STEP: Final = 1.2
"""The margin, one step of dlib's image pyramid, by which the largest candidate looked for
overlaps the faces the whole copy before could find."""


@dataclass(frozen=True)
class FarPlan:
    """Candidates for far faces (boxes in the cascade copy's pixels) and the two copies' scales."""

    boxes: list[Box]
    cascade_factor: float
    hog_factor: float


def hog_factor(smallest_iod: float) -> float:
    """The scale (of the photo) at which a face ``smallest_iod`` px between the eyes fills dlib's
    window."""
    return HOG_WINDOW / (BOX_PER_IOD * smallest_iod)


def far_candidates(
    rgb: NDArray[np.uint8], searched_factor: float, smallest_iod: float
) -> FarPlan | None:
    """Where in ``rgb`` a face of ``smallest_iod`` px between the eyes or more may be that is too
    small for its whole copy at ``searched_factor``, already searched; None when that copy was
    large enough for such a face, or the cascade proposes nothing (or more than
    :data:`MOST_CANDIDATES` places)."""
    hog = hog_factor(smallest_iod)
    if hog <= searched_factor:
        return None
    window = HOG_WINDOW * CASCADE_FACTOR / hog  # the enlarged crops' window, in the cascade's px
    grey = cv2.cvtColor(resized(rgb, CASCADE_FACTOR), cv2.COLOR_RGB2GRAY)
    largest = CASCADE_BOX_PER_HOG * PYRAMID_STEP * hog / searched_factor
    boxes = face_candidates(
        np.asarray(grey, dtype=np.uint8), window, largest_of_window=largest, most=MOST_CANDIDATES
    )
    return FarPlan(boxes, CASCADE_FACTOR, hog) if boxes else None
