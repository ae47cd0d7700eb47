"""Face detection and 5-point landmarks behind a small interface, with dlib's HOG detector as default.

The 5-point model (eye corners, nose base) is the default because the 68-point model's training set
licence excludes commercial use. Detection runs on a small copy of the image and only moves up to a
larger copy when nothing was found, which keeps a 12-megapixel photo as cheap as a webcam frame.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.errors import AnalysisError
from core.analysis.look import skin_areas

Point = tuple[float, float]
DEFAULT_LEVELS: Final = (512, 1024)
"""Long sides of the copies searched in turn (HOG finds faces of 80 px and more at each); a copy
after the first is searched only around the areas of the one before that may be skin when it can."""
HOG_WINDOW: Final = 80
"""dlib's frontal detector's window: the smallest face box it finds, in the searched copy's px."""


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
        self, rgb: NDArray[np.uint8], *, levels: Sequence[int] = DEFAULT_LEVELS
    ) -> list[Face]:
        """Faces in ``rgb`` (coordinates in its pixels), searching copies of the given long sides."""
        ...


@functools.lru_cache(maxsize=1)
def _dlib_models() -> tuple[object, object]:
    import dlib  # lazy: dlib and its models load only when a face is first looked for

    return dlib.get_frontal_face_detector(), dlib.shape_predictor(str(five_point_model_path()))


def five_point_model_path() -> Path:
    """The 5-point landmark model inside the face_recognition_models package.

    Found without importing the package: its ``__init__`` needs ``pkg_resources`` (setuptools),
    which Python 3.12+ virtual environments and frozen builds do not have.
    """
    spec = importlib.util.find_spec("face_recognition_models")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / "models" / "shape_predictor_5_face_landmarks.dat"
        if path.is_file():
            return path
    raise AnalysisError(
        "The face landmark model is missing; reinstall the face_recognition_models package"
    )


class DlibFaceDetector:
    """dlib's HOG frontal-face detector plus its 5-point shape predictor.

    References
    ----------
    Dalal, N. & Triggs, B. (2005). Histograms of oriented gradients for human detection. CVPR.
    Kazemi, V. & Sullivan, J. (2014). One millisecond face alignment with an ensemble of regression
    trees. CVPR.
    """

    def __init__(self, *, min_score: float = 0.0) -> None:
        self.min_score = min_score
        self._lock = threading.Lock()

    def detect(
        self, rgb: NDArray[np.uint8], *, levels: Sequence[int] = DEFAULT_LEVELS
    ) -> list[Face]:
        height, width = rgb.shape[:2]
        looked: tuple[NDArray[np.uint8], float] | None = None
        for level in levels or (max(height, width),):
            factor = level / max(height, width)
            if looked is not None:
                found = self._in_skin_areas(rgb, looked, factor)
                if found:
                    return found
            small = _resized(rgb, factor)
            found = self._run(rgb, small, factor, (0, 0))
            if found:
                return found
            looked = (small, factor)
        return []

    def _in_skin_areas(
        self, rgb: NDArray[np.uint8], looked: tuple[NDArray[np.uint8], float], factor: float
    ) -> list[Face]:
        """Faces searched at ``factor`` only in crops around the areas that may be skin of the copy
        already searched (see :mod:`core.analysis.look`); empty when that does not apply."""
        small, small_factor = looked
        window = HOG_WINDOW * small_factor / factor
        crops = skin_areas(small, window)
        faces: list[Face] = []
        for left, top, right, bottom in crops or ():
            x0, y0 = int(left / small_factor), int(top / small_factor)
            x1 = min(rgb.shape[1], math.ceil(right / small_factor))
            y1 = min(rgb.shape[0], math.ceil(bottom / small_factor))
            crop = _resized(rgb[y0:y1, x0:x1], factor)
            if min(crop.shape[:2]) >= HOG_WINDOW:
                faces += self._run(rgb, crop, factor, (x0, y0))
        return faces

    def _run(
        self,
        rgb: NDArray[np.uint8],
        small: NDArray[np.uint8],
        factor: float,
        offset: tuple[int, int],
    ) -> list[Face]:
        """HOG on ``small`` (a copy of ``rgb``, or of a crop of it starting at ``offset``, scaled by
        ``factor``); the landmarks are placed on ``rgb`` itself."""
        import dlib  # lazy: dlib loads only when a face is first looked for

        detector, predictor = _dlib_models()
        with self._lock:
            rects, scores, _ = detector.run(small, 0, self.min_score)  # type: ignore[attr-defined]
        faces = []
        dx, dy = offset
        for rect, score in zip(rects, scores, strict=True):
            box = dlib.rectangle(
                round(rect.left() / factor + dx),
                round(rect.top() / factor + dy),
                round(rect.right() / factor + dx),
                round(rect.bottom() / factor + dy),
            )
            shape = predictor(rgb, box)  # type: ignore[operator]
            pts = [(float(p.x), float(p.y)) for p in shape.parts()]
            faces.append(
                Face(
                    (float(box.left()), float(box.top()), float(box.right()), float(box.bottom())),
                    float(score),
                    _mid(pts[2], pts[3]),
                    _mid(pts[0], pts[1]),
                    pts[4],
                )
            )
        return faces


def _mid(a: Point, b: Point) -> Point:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def _resized(rgb: NDArray[np.uint8], factor: float) -> NDArray[np.uint8]:
    """``rgb`` scaled by ``factor``; large reductions first by a whole factor (OpenCV's fast
    area-averaging path, four times cheaper on a 12-megapixel photo), then by the small rest."""
    if abs(factor - 1.0) < 1e-3:
        return np.ascontiguousarray(rgb)
    size = (max(1, round(rgb.shape[1] * factor)), max(1, round(rgb.shape[0] * factor)))
    whole = int(1.0 / factor) if factor < 0.5 else 1
    if whole >= 2:
        rgb = np.asarray(
            cv2.resize(
                rgb,
                (rgb.shape[1] // whole, rgb.shape[0] // whole),
                interpolation=cv2.INTER_AREA,
            ),
            dtype=np.uint8,
        )
    method = cv2.INTER_AREA if size[0] < rgb.shape[1] else cv2.INTER_LINEAR
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=method))


def face_weights(faces: Sequence[Face], width: int, height: int) -> list[float]:
    """How much each face looks like the one the photo is of: the largest near the centre, among
    confident detections.

    Size is discounted by the distance from the image centre and weighted by the detector's score,
    so a large borderline detection (a patch of texture) does not win over a clear face.
    """
    half_diagonal = math.hypot(width, height) / 2

    def weight(face: Face) -> float:
        left, top, right, bottom = face.box
        off = math.dist(face.centre, (width / 2, height / 2)) / half_diagonal
        confidence = min(1.5, max(0.1, 0.5 + face.score))
        return (right - left) * (bottom - top) * (1.0 - 0.5 * min(1.0, off)) * confidence

    return [weight(face) for face in faces]


def primary_index(faces: Sequence[Face], width: int, height: int) -> int:
    """Index of the primary face (see :func:`face_weights`)."""
    weights = face_weights(faces, width, height)
    return max(range(len(faces)), key=lambda i: weights[i])


@functools.lru_cache(maxsize=1)
def default_detector() -> DlibFaceDetector:
    return DlibFaceDetector()
