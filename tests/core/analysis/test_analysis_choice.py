"""Which of several faces is analysed: the largest near the centre among clear detections, where
"largest" is the distance between the eyes (the landmarks), not the detector's box, which comes in
pyramid steps 1.2x apart and so can make two faces of the same size look 1.44x apart."""

from __future__ import annotations

import math

import cv2
import numpy as np

from core.analysis.choice import choose_face
from core.analysis.face import default_detector
from core.analysis.face_model import Face, face_weights
from core.analysis.finding import find_face
from core.analysis.intake import load_image


def _face(centre: tuple[float, float], *, box: float, iod: float, score: float = 1.0) -> Face:
    x, y = centre
    return Face(
        (x - box / 2, y - box / 2, x + box / 2, y + box / 2),
        score,
        (x - iod / 2, y - 0.1 * box),
        (x + iod / 2, y - 0.1 * box),
        (x, y + 0.1 * box),
    )


def test_size_is_the_distance_between_the_eyes_not_the_box() -> None:
    left = _face((600, 500), box=282, iod=120)
    right = _face((1400, 500), box=340, iod=120)
    same, other = face_weights([left, right], 2000, 1000)
    assert math.isclose(same, other)
    larger = _face((600, 500), box=282, iod=130)
    assert (
        face_weights([larger, right], 2000, 1000)[0] > face_weights([larger, right], 2000, 1000)[1]
    )


def test_a_clear_face_outweighs_a_borderline_one_of_the_same_size() -> None:
    clear = _face((600, 500), box=300, iod=120, score=1.2)
    borderline = _face((1400, 500), box=300, iod=120, score=0.05)
    weights = face_weights([clear, borderline], 2000, 1000)
    assert weights[0] > 1.5 * weights[1]


def test_the_same_people_at_two_sizes_give_the_same_choice(shared_photo) -> None:
    """dlib's bald_guys photo and the same photo twice as large (the bench's group photo): their
    two largest faces are within 30 % of each other, and the choice must be the same person."""
    image = load_image(shared_photo("dlib_bald_guys.jpg"))
    twice = cv2.resize(image.rgb, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_LINEAR)
    small = find_face(image, default_detector())
    large = find_face(load_image(np.ascontiguousarray(twice)), default_detector())
    assert small.rival is not None and large.rival is not None
    nose = (large.face.nose[0] / 2, large.face.nose[1] / 2)
    assert math.dist(small.face.nose, nose) < 0.1 * small.face.iod
    assert choose_face(image.rgb, [small.face, small.rival]).face == small.face
