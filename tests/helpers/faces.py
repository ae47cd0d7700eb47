"""Real faces for any test (registered as a pytest plugin in tests/conftest.py): base photos analysed once per session, and face geometry
helpers that place controlled edits (redness, spots, shine, lines...) in face-relative positions."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage.data

from core.analysis import AnalysisResult, analyze
from core.analysis.face import default_detector
from core.analysis.face_model import primary_index
from core.analysis.regions import region_polygons
from tests.helpers.paths import SHARED_FACES

FACES_DIR = SHARED_FACES
NO_FACES_REASON = f"shared test photos not found at {FACES_DIR} (only astronaut() is available)"


def shared_face(name: str) -> Path:
    """A photo from ../shared/data/faces, or skip the calling test with a reason."""
    path = FACES_DIR / name
    if not path.exists():
        pytest.skip(NO_FACES_REASON)
    return path


def load_rgb(path: Path) -> np.ndarray:
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert bgr is not None, path
    return np.ascontiguousarray(bgr[:, :, ::-1])


class FaceGeometry:
    """Maps face units (origin between the eyes, 1 = interocular distance, y down) to image pixels."""

    def __init__(self, rgb: np.ndarray) -> None:
        faces = default_detector().detect(rgb)
        assert faces, "the base photo must contain a face"
        face = faces[primary_index(faces, rgb.shape[1], rgb.shape[0])]
        (lx, ly), (rx, ry) = face.eye_image_left, face.eye_image_right
        self.iod = math.hypot(rx - lx, ry - ly)
        self.mid = np.array([(lx + rx) / 2, (ly + ry) / 2])
        self.ex = np.array([rx - lx, ry - ly]) / self.iod
        self.ey = np.array([-self.ex[1], self.ex[0]])
        nose = np.array(face.nose) - self.mid
        self.nose_u = (float(nose @ self.ex / self.iod), float(nose @ self.ey / self.iod))
        self.shape = rgb.shape[:2]

    def point(self, u: float, v: float) -> tuple[float, float]:
        p = self.mid + self.iod * (u * self.ex + v * self.ey)
        return float(p[0]), float(p[1])

    def region_mask(self, *names: str, feather: float = 0.04) -> np.ndarray:
        """A soft (float32, 0-1) mask of the named regions, feathered by ``feather`` face units."""
        polys = region_polygons(self.nose_u)
        mask = np.zeros(self.shape, np.float32)
        for name in names:
            pts = np.array([self.point(u, v) for u, v in polys[name]], np.float32)
            cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 1.0)
        if feather > 0:
            mask = cv2.GaussianBlur(mask, (0, 0), feather * self.iod)
        return mask


def edit_lab(rgb: np.ndarray, change: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply ``change`` to the image's CIELAB (float32, L 0-100) and return 8-bit RGB."""
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    out = cv2.cvtColor(change(lab).astype(np.float32), cv2.COLOR_Lab2RGB)
    return np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8)


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    return np.ascontiguousarray(skimage.data.astronaut())


@pytest.fixture(scope="session")
def small_result(astronaut: np.ndarray) -> AnalysisResult:
    """astronaut() as it is, 43 px between the eyes: the photo supports only redness and dark
    circles, so the score rests on 2 of 10 measures and the skin type is not determined."""
    return analyze(astronaut)


@pytest.fixture(scope="session")
def portrait(astronaut: np.ndarray) -> np.ndarray:
    """astronaut() at twice the size (84 px between the eyes): the always-available base photo."""
    return np.ascontiguousarray(
        cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    )


@pytest.fixture(scope="session")
def portrait_result(portrait: np.ndarray) -> AnalysisResult:
    return analyze(portrait)


@pytest.fixture(scope="session")
def portrait_geometry(portrait: np.ndarray) -> FaceGeometry:
    return FaceGeometry(portrait)


@pytest.fixture(scope="session")
def chin_cut_portrait(portrait: np.ndarray, portrait_geometry: FaceGeometry) -> np.ndarray:
    """The portrait with the bottom of the frame through the chin: the same face, one region less
    (the chin is left out as cut off by the edge of the photo)."""
    bottom = int(portrait_geometry.mid[1] + 1.45 * portrait_geometry.iod)
    return np.ascontiguousarray(portrait[:bottom])


@pytest.fixture(scope="session")
def chin_cut_result(chin_cut_portrait: np.ndarray) -> AnalysisResult:
    return analyze(chin_cut_portrait)


@pytest.fixture(scope="session")
def geometry_of() -> Callable[[np.ndarray], FaceGeometry]:
    return FaceGeometry


@pytest.fixture(scope="session")
def lab_edit() -> Callable[[np.ndarray, Callable[[np.ndarray], np.ndarray]], np.ndarray]:
    return edit_lab


@pytest.fixture(scope="session")
def shared_photo() -> Callable[[str], Path]:
    return shared_face


@pytest.fixture(scope="session")
def read_rgb() -> Callable[[Path], np.ndarray]:
    return load_rgb


LENS = (18, 16, 20)
"""Opaque dark lenses: 7 % of white, as category 3-4 sunglasses look from outside."""


MASK_OUTLINE = ((-0.95, 0.5), (-0.35, 0.42), (0.35, 0.42), (0.95, 0.5), (0.9, 1.5), (0.45, 1.85),
                (-0.45, 1.85), (-0.9, 1.5))  # fmt: skip
"""A face mask's outline in face units: from just under the eyes over the nose, cheeks and chin."""


def face_mask(rgb: np.ndarray, geometry: FaceGeometry, colour: tuple[int, int, int]) -> np.ndarray:
    """A flat mask of ``colour`` drawn over the lower face."""
    out = rgb.copy()
    points = np.array([geometry.point(u, v) for u, v in MASK_OUTLINE], np.int32)
    cv2.fillPoly(out, [points], colour, lineType=cv2.LINE_AA)
    return np.ascontiguousarray(out)


def sunglasses(rgb: np.ndarray, geometry: FaceGeometry) -> np.ndarray:
    """Two filled dark lenses over the eyes and a bridge between them."""
    out = rgb.copy()
    iod = geometry.iod
    for u in (-0.5, 0.5):
        centre = tuple(int(v) for v in geometry.point(u, 0.05))
        cv2.ellipse(
            out, centre, (int(0.36 * iod), int(0.27 * iod)), 0, 0, 360, LENS, -1, cv2.LINE_AA
        )
    bridge = [tuple(int(v) for v in geometry.point(u, 0.0)) for u in (-0.2, 0.2)]
    cv2.line(out, bridge[0], bridge[1], LENS, max(2, int(0.04 * iod)), cv2.LINE_AA)
    return np.ascontiguousarray(out)


def infrared_frame(rgb: np.ndarray, *, green_low: float = 0.05) -> np.ndarray:
    """``rgb`` as an infrared webcam gives it (the acceptance test's model, session 17): one grey
    band, slightly soft (a Gaussian blur of 1 px), brightened with gamma 0.6, green a little low."""
    grey = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32), (0, 0), 1.0)
    bright = 255.0 * (grey / 255.0) ** 0.6
    frame = np.dstack([bright, bright * (1.0 - green_low), bright])
    return np.ascontiguousarray(np.clip(frame + 0.5, 0, 255).astype(np.uint8))


@pytest.fixture(scope="session")
def infrared_pair() -> tuple[AnalysisResult, AnalysisResult]:
    """biden_biden2 in colour and as an infrared webcam's frame (:func:`infrared_frame`), analysed:
    the frame read lines 14-16 against 34 in colour, 'Excellent', with quality ok (session 17)."""
    rgb = load_rgb(shared_face("biden_biden2.jpg"))
    return analyze(rgb), analyze(infrared_frame(rgb))
