"""Which face to analyse when a photo has several, and saying which one was chosen.

The primary face is the largest near the centre among confident detections, and it must look like
skin: a round badge or a printed face can fool the detector, but its colour is not a skin colour.
When another face is nearly as likely (two people of about the same size), the result says which
one was analysed and the quality check asks for a photo of one person.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.colour import GREY_SPREAD
from core.analysis.face_model import Face, face_weights
from core.analysis.normalise import linear_to_lab
from core.analysis.pixels import channel_max, channel_min
from core.analysis.skin_hue import HUE_CHROMA_MIN, SKIN_HUE

RIVAL_RATIO: Final = 0.7
"""Another face with at least this share of the chosen face's weight is a rival: the photo shows
two people about as large and as central, and which one was meant cannot be known."""
NOT_SKIN_WEIGHT: Final = 0.2


@dataclass(frozen=True)
class Choice:
    face: Face
    others: int
    rival: Face | None
    """The next most likely face, when it is nearly as likely as the chosen one."""

    def describe(self, width: int) -> str:
        """Which face was analysed, in words, when there was a choice to make. "Found", not "in
        the photo": faces far smaller than the largest are not looked for (a 40 px face beside a
        400 px one; a crowd behind a far face), so the photo may hold others."""
        if not self.others:
            return "the only face found in the photo"
        where = self._side(self.face, width)
        if self.rival is None:
            return f"the main face ({where}); {self.others} smaller or less clear face(s) ignored"
        return (
            f"the face {where}, of two about the same size; the other, "
            f"{self._side(self.rival, width)}, was not analysed"
        )

    @staticmethod
    def _side(face: Face, width: int) -> str:
        x = face.centre[0] / max(width, 1)
        return "on the left" if x < 0.4 else "on the right" if x > 0.6 else "in the middle"


def skin_like(rgb: NDArray[np.uint8], face: Face) -> bool:
    """Whether the middle of the face (between the eyes and the nose) has a skin hue."""
    (lx, ly), (rx, ry) = face.eye_image_left, face.eye_image_right
    nx, ny = face.nose
    cx, cy = (lx + rx + 2 * nx) / 4, (ly + ry + 2 * ny) / 4
    return _skin_hue_at(rgb, (cx, cy), 0.25 * math.dist((lx, ly), (rx, ry)))


def skin_between_brows(rgb: NDArray[np.uint8], face: Face) -> bool:
    """Whether the skin between the brows (a quarter of the eyes' distance above their middle,
    away from the nose) has a skin hue: a mask over the nose leaves it bare."""
    (lx, ly), (rx, ry) = face.eye_image_left, face.eye_image_right
    mx, my = (lx + rx) / 2, (ly + ry) / 2
    iod = math.dist((lx, ly), (rx, ry))
    nx, ny = face.nose
    away = max(math.dist((mx, my), (nx, ny)), 1e-6)
    cx, cy = mx + 0.25 * iod * (mx - nx) / away, my + 0.25 * iod * (my - ny) / away
    return _skin_hue_at(rgb, (cx, cy), 0.15 * iod)


GREY_COPY_SIDE: Final = 256
"""Long side (px) of the copy on which :func:`grey_photo` looks for any colour."""


def grey_photo(rgb: NDArray[np.uint8]) -> bool:
    """Whether the photo has no colour anywhere (saved greyscale, or three equal channels): no
    pixel of a small copy has its red, green and blue :data:`GREY_SPREAD` levels apart. A colour
    photo of a small face on a grey wall still has the face's colour in the copy (46-97 levels
    for faces 34-40 px between the eyes in 4K and 12 MP frames); a grey JPEG has none."""
    factor = min(1.0, GREY_COPY_SIDE / max(rgb.shape[:2]))
    small = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    spread = channel_max(small).astype(np.int16) - channel_min(small)
    return bool(spread.max() < GREY_SPREAD)


def _skin_hue_at(rgb: NDArray[np.uint8], centre: tuple[float, float], radius: float) -> bool:
    """Whether the square of ``radius`` around ``centre`` has a skin hue, or too little colour
    for a hue to mean anything (a greyscale photo, very dark skin in shadow)."""
    cx, cy = centre
    r = max(2, round(radius))
    h, w = rgb.shape[:2]
    x0, x1 = max(0, round(cx) - r), min(w, round(cx) + r)
    y0, y1 = max(0, round(cy) - r), min(h, round(cy) + r)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return True
    patch = np.power(rgb[y0:y1, x0:x1].astype(np.float32) / 255.0, 2.2).astype(np.float32)
    lab = linear_to_lab(cv2.resize(patch, (8, 8), interpolation=cv2.INTER_AREA))
    a, b = float(np.median(lab[:, :, 1])), float(np.median(lab[:, :, 2]))
    if math.hypot(a, b) < HUE_CHROMA_MIN:
        return True
    return SKIN_HUE[0] <= math.degrees(math.atan2(b, a)) <= SKIN_HUE[1]


def choose_face(rgb: NDArray[np.uint8], faces: list[Face]) -> Choice:
    """The face to analyse among ``faces`` (at least one) found in ``rgb``."""
    height, width = rgb.shape[:2]
    weights = face_weights(faces, width, height)
    if len(faces) > 1:
        weights = [
            w if skin_like(rgb, f) else w * NOT_SKIN_WEIGHT
            for w, f in zip(weights, faces, strict=True)
        ]
    order = sorted(range(len(faces)), key=lambda i: -weights[i])
    best = order[0]
    rival = None
    if len(order) > 1 and weights[order[1]] >= RIVAL_RATIO * weights[best]:
        rival = faces[order[1]]
    return Choice(faces[best], len(faces) - 1, rival)
