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
from functools import partial
from pathlib import Path
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.copies import resized as _resized
from core.analysis.errors import AnalysisError
from core.analysis.face_candidates import face_candidates, load_cascade
from core.analysis.face_model import DEFAULT_LEVELS, HOG_WINDOW, Face, Point
from core.analysis.far_faces import far_candidates
from core.analysis.look import Box, skin_areas
from core.analysis.parallel import Speculation
from core.analysis.small_faces import (
    LARGEST_SURE,
    small_face_detector,
    small_face_detector_loaded,
)

FIRST_IMAGE: Final = 8
"""Side (px) of the blank image dlib is handed when its models load (:func:`_dlib_models`)."""
GREY_CANDIDATE: Final = 0.0
"""Grey HOG detections from this score on are candidates (colour's threshold too)."""
GREY_SURE: Final = 0.3
"""The grey search of a copy after the first is trusted only when it found a candidate and every
candidate scores at least this; otherwise the copy is searched in colour as before. Set at 1024 px
on 302 faces-age faces pasted with 34-43 px between the eyes on a smooth and a textured background:
the faces scored 0.01-2.85 in grey (288 at least 0.3; 3 below 0, 2 of them 0 or more in colour)
and nothing else scored 0 or more; on the test suite's two astronauts side by side grey alone found
a face on a suit at 0.07 that colour does not. A rival face scoring under 0 in grey next to a sure
face is not counted (2 of those 302 faces would be)."""


@functools.lru_cache(maxsize=1)
def _dlib_models() -> tuple[object, object]:
    """dlib's detector and landmark model, loaded once, and handed a first image at once.

    dlib's bindings set up their link to numpy at the first array they are given. Set up on a
    worker thread while another thread ran Python, that crashed the process (SIGSEGV: a kiosk
    without a camera analysing its first photo, from a USB stick, while its window ran); set up
    here, by whoever loads the models, it happens before any search can run beside it."""
    import dlib  # lazy: dlib and its models load only when a face is first looked for

    detector = dlib.get_frontal_face_detector()
    detector(np.zeros((FIRST_IMAGE, FIRST_IMAGE), dtype=np.uint8), 0)
    return detector, dlib.shape_predictor(str(five_point_model_path()))


def load_models() -> None:
    """Load dlib, its models, the small-face detector and the cascade now rather than at the first
    face search (~0.4 s of CPU, most of it holding Python's lock): a process that forks analysing
    workers (a pool's fork server) pays it once for all of them, and a kiosk pays it at start, not
    while a patient's results are on their way (a two-thread search may reach the small-face
    detector on any photo)."""
    _dlib_models()
    small_face_detector()
    load_cascade()


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

    def detect(
        self, rgb: NDArray[np.uint8], *, levels: Sequence[int] = DEFAULT_LEVELS, threads: int = 1
    ) -> list[Face]:
        """Faces in ``rgb``. With ``threads`` > 1 the second copy's first search (:meth:`_ahead`:
        the look at the first copy and the grey search around its candidates) runs while HOG
        searches the first copy, and is thrown away if HOG finds a face there: the faces are the
        same, only sooner (dlib lets go of Python's lock while it searches)."""
        _dlib_models()  # loaded here, before a second thread may search beside this one
        height, width = rgb.shape[:2]
        sides = list(levels or (max(height, width),))
        looked: tuple[NDArray[np.uint8], float] | None = None
        ahead: Speculation[tuple[_Plan, list[_Hit] | None]] | None = None
        for index, level in enumerate(sides):
            factor = level / max(height, width)
            if looked is None:
                small = _resized(rgb, factor, threads=threads)
                overlap = index + 1 < len(sides) and threads > 1
                if overlap:
                    following = sides[index + 1] / max(height, width)
                    ahead = Speculation(partial(self._ahead, rgb, (small, factor), following))
                found = self._run(rgb, small, factor, (0, 0))
                if found and ahead is not None:
                    ahead.cancel()
            else:
                plan, hits = ahead.result() if ahead else self._ahead(rgb, looked, factor)
                ahead = None
                if hits is None:
                    hits = self._grey_hits(plan.candidates)
                found = self._next_copy(rgb, plan, hits, factor)
                if found:
                    return found
                small = _resized(rgb, factor, rest=cv2.INTER_LINEAR)
                found = self._searched(rgb, [(small, (0, 0))], factor)
            if found:
                return found
            looked = (small, factor)
        return []

    def detect_far(
        self, rgb: NDArray[np.uint8], *, searched: int, smallest_iod: float
    ) -> list[Face]:
        """Faces too small for the whole copy of ``rgb`` with the long side ``searched``, from
        ``smallest_iod`` px between the eyes, in enlarged crops around the places the cascade
        proposes (:mod:`core.analysis.far_faces`)."""
        plan = far_candidates(rgb, searched / max(rgb.shape[:2]), smallest_iod)
        if plan is None:
            return []
        crops = _crops(rgb, plan.boxes, small_factor=plan.cascade_factor, factor=plan.hog_factor)
        return self._searched(rgb, crops, plan.hog_factor)

    def _ahead(
        self,
        rgb: NDArray[np.uint8],
        looked: tuple[NDArray[np.uint8], float],
        factor: float,
        stop: threading.Event | None = None,
    ) -> tuple[_Plan, list[_Hit] | None]:
        """The :class:`_Plan` for the copy at ``factor`` and the grey search's candidates around
        the cascade's (no landmarks: they are placed once the search is decided); given up,
        unfinished, between its parts once ``stop`` is set (nobody reads it then). Made ahead
        (with ``stop``), the grey search is left to the caller (None) while the small-face
        detector is not loaded: loading it holds Python's lock, so only a search that needs it
        loads it, as with one thread."""
        plan = _plan(rgb, looked, factor, stop)
        if stop is not None and plan.candidates and not small_face_detector_loaded():
            return plan, None
        return plan, self._grey_hits(plan.candidates, stop)

    def _next_copy(
        self, rgb: NDArray[np.uint8], plan: _Plan, hits: list[_Hit], factor: float
    ) -> list[Face]:
        """Faces on the copy of ``rgb`` at ``factor`` around what the copy already searched shows
        (``plan``): first around the cascade's candidates in its areas that may be skin (``hits``),
        then, unless dlib was sure of every candidate, in crops around those areas; empty when
        neither applies."""
        if hits and self._all_sure(hits):
            return [self._face(rgb, rect, score, factor, offset) for rect, score, offset in hits]
        return self._searched(
            rgb, _crops(rgb, plan.areas, small_factor=plan.small_factor, factor=factor), factor
        )

    def _grey_hits(
        self,
        pieces: Sequence[tuple[NDArray[np.uint8], tuple[int, int]]],
        stop: threading.Event | None = None,
    ) -> list[_Hit]:
        """Candidates of the grey search for small faces (:mod:`core.analysis.small_faces`) in
        ``pieces``, each with its piece's offset (unfinished once ``stop`` is set)."""
        hits: list[_Hit] = []
        for piece, offset in pieces:
            if stop is not None and stop.is_set():
                break
            hits += [
                (rect, score, offset)
                for rect, score in self._hog(_grey(piece), GREY_CANDIDATE, small_face_detector())
            ]
        return hits

    def _all_sure(self, hits: Sequence[_Hit]) -> bool:
        """Whether every grey candidate is sure enough to be taken without a colour search (see
        :data:`GREY_SURE`)."""
        sure = max(GREY_SURE, self.min_score)
        return all(score >= sure and _width(rect) <= LARGEST_SURE for rect, score, _ in hits)

    def _searched(
        self,
        rgb: NDArray[np.uint8],
        pieces: Sequence[tuple[NDArray[np.uint8], tuple[int, int]]],
        factor: float,
    ) -> list[Face]:
        """Faces in ``pieces`` (copies of ``rgb`` or of crops of it, at ``factor``, with their
        offsets): searched in grey first, for faces too small for the copy before only
        (:mod:`core.analysis.small_faces`), which costs about 40 % less (HOG takes the strongest
        gradient of three channels), and in colour as before unless grey is sure (see
        :data:`GREY_SURE`)."""
        if not pieces:
            return []
        hits = self._grey_hits(pieces)
        if hits and self._all_sure(hits):
            return [self._face(rgb, rect, score, factor, offset) for rect, score, offset in hits]
        return [face for piece, offset in pieces for face in self._run(rgb, piece, factor, offset)]

    def _hog(
        self, image: NDArray[np.uint8], threshold: float, detector: object | None = None
    ) -> list[tuple[object, float]]:
        """HOG detections in ``image`` (RGB or grey) scoring at least ``threshold``, by dlib's
        frontal detector or ``detector``."""
        detector = detector or _dlib_models()[0]
        with _lock_of(detector):
            rects, scores, _ = detector.run(image, 0, threshold)  # type: ignore[attr-defined]
        return [(rect, float(score)) for rect, score in zip(rects, scores, strict=True)]

    def _run(
        self,
        rgb: NDArray[np.uint8],
        small: NDArray[np.uint8],
        factor: float,
        offset: tuple[int, int],
    ) -> list[Face]:
        """HOG on ``small`` (a copy of ``rgb``, or of a crop of it starting at ``offset``, scaled by
        ``factor``); the landmarks are placed on ``rgb`` itself."""
        return [
            self._face(rgb, rect, score, factor, offset)
            for rect, score in self._hog(small, self.min_score)
        ]

    def _face(
        self,
        rgb: NDArray[np.uint8],
        rect: object,
        score: float,
        factor: float,
        offset: tuple[int, int],
    ) -> Face:
        """The face HOG found at ``rect`` in a copy scaled by ``factor`` starting at ``offset``,
        with its landmarks placed on ``rgb`` itself."""
        import dlib  # lazy: dlib loads only when a face is first looked for

        _, predictor = _dlib_models()
        dx, dy = offset
        box = dlib.rectangle(
            round(rect.left() / factor + dx),  # type: ignore[attr-defined]
            round(rect.top() / factor + dy),  # type: ignore[attr-defined]
            round(rect.right() / factor + dx),  # type: ignore[attr-defined]
            round(rect.bottom() / factor + dy),  # type: ignore[attr-defined]
        )
        shape = predictor(rgb, box)  # type: ignore[operator]
        pts = [(float(p.x), float(p.y)) for p in shape.parts()]
        return Face(
            (float(box.left()), float(box.top()), float(box.right()), float(box.bottom())),
            score,
            _mid(pts[2], pts[3]),
            _mid(pts[0], pts[1]),
            pts[4],
        )


_Hit = tuple[object, float, tuple[int, int]]
"""A HOG detection (dlib's rectangle), its score, and the offset of the piece it was found in."""
_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_of(detector: object) -> threading.Lock:
    """The lock of one dlib detector object: it keeps the image it scans in itself, so one search
    at a time; two different detectors may search at the same time."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(id(detector), threading.Lock())


@dataclass(frozen=True)
class _Plan:
    """What the copy already searched shows for the search of the next one: the areas that may be
    skin (see :mod:`core.analysis.look`) and crops of the image around the cascade's candidates
    in them (see :mod:`core.analysis.face_candidates`), at the next copy's scale."""

    areas: list[Box]
    candidates: list[tuple[NDArray[np.uint8], tuple[int, int]]]
    small_factor: float


def _plan(
    rgb: NDArray[np.uint8],
    looked: tuple[NDArray[np.uint8], float],
    factor: float,
    stop: threading.Event | None = None,
) -> _Plan:
    """The :class:`_Plan` for searching ``rgb`` at ``factor`` after its copy ``looked``
    (no dlib: it can run beside a HOG search); without candidates once ``stop`` is set."""
    small, small_factor = looked
    window = HOG_WINDOW * small_factor / factor
    areas = skin_areas(small, window)
    if stop is not None and stop.is_set():
        return _Plan(list(areas or []), [], small_factor)
    boxes = face_candidates(_grey(small), window, areas=areas)
    pieces = _crops(rgb, boxes or [], small_factor=small_factor, factor=factor)
    return _Plan(list(areas or []), pieces, small_factor)


def _crops(
    rgb: NDArray[np.uint8], boxes: Sequence[Box], *, small_factor: float, factor: float
) -> list[tuple[NDArray[np.uint8], tuple[int, int]]]:
    """Crops of ``rgb`` around ``boxes`` (in the pixels of its copy at ``small_factor``), scaled
    by ``factor``, with their offsets in ``rgb``; crops smaller than the HOG window are left out."""
    pieces = []
    for left, top, right, bottom in boxes:
        x0, y0 = int(left / small_factor), int(top / small_factor)
        x1 = min(rgb.shape[1], math.ceil(right / small_factor))
        y1 = min(rgb.shape[0], math.ceil(bottom / small_factor))
        crop = _resized(rgb[y0:y1, x0:x1], factor, rest=cv2.INTER_LINEAR)
        if min(crop.shape[:2]) >= HOG_WINDOW:
            pieces.append((crop, (x0, y0)))
    return pieces


def _width(rect: object) -> int:
    return int(rect.width())  # type: ignore[attr-defined]


def _grey(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


def _mid(a: Point, b: Point) -> Point:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


@functools.lru_cache(maxsize=1)
def default_detector() -> DlibFaceDetector:
    return DlibFaceDetector()
