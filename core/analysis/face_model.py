"""What a found face is (its box, eyes and nose in image pixels, and the detector's score), the
interface every face detector offers, and how faces in one photo are weighed against each other."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
from numpy.typing import NDArray

Point = tuple[float, float]
HOG_WINDOW: Final = 80
"""dlib's frontal detector's window: the smallest face box it finds, in the searched copy's px."""
DEFAULT_LEVELS: Final = (512, 1024)
"""Long sides of the copies searched in turn (HOG finds faces of 80 px and more at each); a copy
after the first is searched only around the areas of the one before that may be skin when it can."""


@dataclass(frozen=True)
class Face:
    """A detected face in image pixels; eyes named by their side in the image, not the subject's."""

    box: tuple[float, float, float, float]
    score: float
    eye_image_left: Point
    eye_image_right: Point
    nose: Point

    @property
    def iod(self) -> float:
        """Interocular distance (eye centre to eye centre), the engine's unit of face scale."""
        return math.dist(self.eye_image_left, self.eye_image_right)

    @property
    def roll_degrees(self) -> float:
        dx = self.eye_image_right[0] - self.eye_image_left[0]
        dy = self.eye_image_right[1] - self.eye_image_left[1]
        return math.degrees(math.atan2(dy, dx))

    @property
    def centre(self) -> Point:
        left, top, right, bottom = self.box
        return ((left + right) / 2, (top + bottom) / 2)

    def mapped(self, factor: float, dx: float = 0.0, dy: float = 0.0) -> Face:
        """The same face after scaling its image by ``factor`` and then shifting it by (dx, dy)."""

        def s(p: Point) -> Point:
            return (p[0] * factor + dx, p[1] * factor + dy)

        left, top, right, bottom = self.box
        return Face(
            (left * factor + dx, top * factor + dy, right * factor + dx, bottom * factor + dy),
            self.score,
            s(self.eye_image_left),
            s(self.eye_image_right),
            s(self.nose),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "box": [round(v, 1) for v in self.box],
            "score": round(self.score, 3),
            "interocular_px": round(self.iod, 1),
        }


class FaceDetector(Protocol):
    """Anything that finds faces with eye centres and a nose point in an RGB image."""

    def detect(
        self, rgb: NDArray[np.uint8], *, levels: Sequence[int] = DEFAULT_LEVELS, threads: int = 1
    ) -> list[Face]:
        """Faces in ``rgb`` (coordinates in its pixels), searching copies of the given long sides;
        ``threads`` may overlap parts of the search (the faces found are the same)."""
        ...

    def detect_far(
        self, rgb: NDArray[np.uint8], *, searched: int, smallest_iod: float
    ) -> list[Face]:
        """Faces in ``rgb`` too small for its whole copy with the long side ``searched`` (already
        searched without a face), from ``smallest_iod`` px between the eyes: a face far from the
        camera."""
        ...


def face_weights(faces: Sequence[Face], width: int, height: int) -> list[float]:
    """How much each face looks like the one the photo is of: the largest near the centre, among
    confident detections.

    Size is the square of the interocular distance (the landmarks), not the detector's box: dlib
    gives boxes in pyramid steps 1.2x apart, so two faces of the same size can get boxes 1.44x
    apart in area, and a copy one pixel different can move a face to the next step (the bench's
    group photo: one face's box 282 or 340 px, so the choice between its two largest faces
    followed the copy, not the faces). Size is discounted by the distance from the image centre
    and weighted by the detector's score, so a large borderline detection (a patch of texture)
    does not win over a clear face.
    """
    half_diagonal = math.hypot(width, height) / 2

    def weight(face: Face) -> float:
        off = math.dist(face.centre, (width / 2, height / 2)) / half_diagonal
        confidence = min(1.5, max(0.1, 0.5 + face.score))
        return face.iod**2 * (1.0 - 0.5 * min(1.0, off)) * confidence

    return [weight(face) for face in faces]


def primary_index(faces: Sequence[Face], width: int, height: int) -> int:
    """Index of the primary face (see :func:`face_weights`)."""
    weights = face_weights(faces, width, height)
    return max(range(len(faces)), key=lambda i: weights[i])
