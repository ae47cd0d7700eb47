"""Is the mouth covered? A face mask hides the mouth, the nose and the cheeks below it, and becomes
what the skin mask takes for the person's skin (its reference is the cheeks, nose and under-eyes).

A mouth always shows structure: the lips' colour and the dark line between them, a moustache or a
beard. The quality checks measure the relative spread of grey levels (standard deviation over the
mean, so that a dim photo does not look flat) inside the mouth's ellipse on their face canvas (up to
96 px between the eyes), on every photo and every live kiosk frame. A bare face read at least 0.085
on the 302 faces-age photos (1st percentile 0.105) and 0.167 on the shared photos, the same at a
third or a seventh of the light; flat masks drawn over the lower face (light blue, white, black,
skin-coloured) read 0.0, and the acceptance test's light-blue mask with pleats drawn on it 0.034
(session 13, ``/work/runs/s13/qmouth_cv.py``). Below :data:`FLAT_MOUTH` the mouth is covered.
Tested on drawn masks only: a real mask's folds and shadows may read more and be missed, as before.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from core.analysis.frame import FaceFrame, ellipse

FLAT_MOUTH: Final = 0.05
"""Relative grey-level spread in the mouth's ellipse below which the mouth is covered (between the
pleated drawn mask's 0.034 and the least bare face's 0.085)."""
MOUTH_INSIDE_MIN: Final = 0.8
"""A mouth cut by the edge of the photo is not judged."""
MASK_REGIONS: Final = ("nose", "left_cheek", "right_cheek", "chin")
"""What a face mask covers (the under-eyes and the forehead stay bare)."""
MASK_REASON: Final = "hidden by a mask"


def mouth_ellipse(frame: FaceFrame, nose_u: tuple[float, float]) -> NDArray[np.bool_]:
    """Where the mouth is, from the nose's height (average proportions)."""
    nx, ny = nose_u
    d = float(np.clip(ny, 0.55, 1.05))
    k = d / 0.75
    return ellipse(frame, (nx, d + 0.36 * k), (0.36, 0.2 * k))


def mouth_spread(
    gray: NDArray[np.float32],
    inside: NDArray[np.bool_],
    frame: FaceFrame,
    nose_u: tuple[float, float],
) -> float | None:
    """The grey-level spread in the mouth's ellipse over its mean; None when the mouth is not in
    the photo."""
    mouth = mouth_ellipse(frame, nose_u)
    area = int(np.count_nonzero(mouth))
    seen = mouth & inside
    if area == 0 or np.count_nonzero(seen) < MOUTH_INSIDE_MIN * area:
        return None
    values = gray[seen]
    return float(np.std(values)) / max(float(np.mean(values)), 1.0)
