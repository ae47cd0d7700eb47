"""Is the mouth covered? A face mask hides the mouth, the nose and the cheeks below it, and becomes
what the skin mask takes for the person's skin (its reference is the cheeks, nose and under-eyes).

A mouth always shows structure: the lips' colour and the dark line between them, a moustache or a
beard. Inside the mouth's ellipse on the canonical canvas, the spread of lightness (L*, standard
deviation) of a bare face was at least 5.2 on the 302 faces-age photos (1st percentile 5.5) and 6.2
on the shared photos; a flat mask drawn over the lower face reads 0.0, and a light-blue mask with
pleats drawn on it 2.2 (session 13, ``/work/runs/s13/mouth.py``). Below :data:`FLAT_MOUTH` the
mouth is taken as covered. Tested on drawn masks only: a real mask's folds and shadows may read
more and be missed, as before.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from core.analysis.frame import FaceFrame, ellipse

FLAT_MOUTH: Final = 3.0
"""Lightness spread (L* SD) in the mouth's ellipse below which the mouth is covered."""
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


def mouth_covered(
    lightness: NDArray[np.float32],
    inside: NDArray[np.bool_],
    frame: FaceFrame,
    nose_u: tuple[float, float],
) -> bool:
    """True when the mouth's ellipse is flat: a mask, not lips."""
    mouth = mouth_ellipse(frame, nose_u)
    area = int(np.count_nonzero(mouth))
    seen = mouth & inside
    if area == 0 or np.count_nonzero(seen) < MOUTH_INSIDE_MIN * area:
        return False
    return float(np.std(lightness[seen])) < FLAT_MOUTH
