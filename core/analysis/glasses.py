"""Glasses: a frame's bridge across the top of the nose, or its rims across both under-eyes.

Skin seen through a lens, or split by a rim, reads darker and shinier than it is (dark circles of
90+ from a tinted lens), yet most of it still passes as skin. A frame is thin and dark and runs
across the face: in a profile of lightness down the face it is a narrow dip, deeper than its
surroundings on both sides, which smooth skin, shading and the lower eyelid do not make.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.frame import SET_AT_IOD, FaceFrame

BRIDGE_DIP: Final = 0.45
RIM_DIP: Final = 0.15
"""Depth (share of the surrounding rows' lightness) of the bridge's and of both rims' dips.

Set on the faces-age validation set: deep creases at the root of the nose (older faces, some darker
skin) reach 0.4 at the bridge and eye bags 0.15-0.25 at the rims, so both cues must agree and the
bridge must be clearly deeper than any crease; faint metal or rimless frames are missed."""
WINDOW_U: Final = 0.16
"""Rows within this span (face units, ~1 cm) are compared: wider than a frame, narrower than a
shadow or a dark circle."""
BRIDGE: Final = ((-0.1, 0.1), (-0.12, 0.2))
RIMS: Final = ((0.3, 0.7), (0.17, 0.5))
"""(u range, v range) of the nose bridge and of each under-eye rim search, in face units."""
MIN_BOX_U: Final = (3 / SET_AT_IOD, 5 / SET_AT_IOD)
"""Width and height (face units) below which a search box, cut by the canvas, has no profile."""


def _dip(
    lightness: NDArray[np.float32],
    frame: FaceFrame,
    us: tuple[float, float],
    vs: tuple[float, float],
) -> float:
    """Deepest narrow dark dip of the row profile in the box (relative to the rows around it)."""
    x0, y0 = (round(v) for v in frame.to_canvas(us[0], vs[0]))
    x1, y1 = (round(v) for v in frame.to_canvas(us[1], vs[1]))
    h, w = lightness.shape
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    if x1 - x0 < MIN_BOX_U[0] * frame.iod or y1 - y0 < MIN_BOX_U[1] * frame.iod:
        return 0.0
    profile = np.median(lightness[y0:y1, x0:x1] + 16.0, axis=1).astype(np.float32)
    size = max(3, round(WINDOW_U * frame.iod) | 1)
    closed = cv2.morphologyEx(
        profile.reshape(-1, 1),
        cv2.MORPH_CLOSE,
        np.ones((size, 1), np.uint8),
        borderType=cv2.BORDER_REPLICATE,
    ).ravel()
    return float(np.max(1.0 - profile / np.maximum(closed, 1.0)))


def glasses_seen(lightness: NDArray[np.float32], frame: FaceFrame) -> bool:
    """True when a frame bridges the nose and rims run under both eyes."""
    if _dip(lightness, frame, *BRIDGE) < BRIDGE_DIP:
        return False
    left = _dip(lightness, frame, RIMS[0], RIMS[1])
    right = _dip(lightness, frame, (-RIMS[0][1], -RIMS[0][0]), RIMS[1])
    return min(left, right) >= RIM_DIP
