"""Where a face too small for the detector's first copy may be: OpenCV's LBP cascade on that
512 px copy proposes where the face is, and dlib's detector searches only a small crop around it
on the 1024 px copy. It finds the face of a 16:9 landscape at its size on a smooth and on a
textured background, proposes nothing on the texture alone, and leaves every other case to the
search around skin."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data as skimage_data

from core.analysis import face_candidates as first_look
from core.analysis.errors import AnalysisError
from core.analysis.face import HOG_WINDOW, DlibFaceDetector, _grey, _resized, default_detector
from core.analysis.face_candidates import MARGIN_OF_BOX, face_candidates
from core.analysis.look import skin_areas
from core.resources import ENV_OVERRIDE, FACE_CASCADE, REQUIRED

WIDTH, HEIGHT = 2000, 1125
"""The bench's 12 MP landscapes as the engine decodes them (at half size)."""
TINTS = {"grass": (0.55, 0.85, 0.45), "gravel": (0.95, 0.9, 0.85), "brick": (0.95, 0.65, 0.5)}


def _textures() -> np.ndarray:
    """A lawn, a path and a wall tiled over a 16:9 frame, with film grain: brick is skin-hued and
    gravel colourless, so the search around skin would cover the whole copy."""
    frame = np.zeros((HEIGHT, WIDTH, 3), np.float64)
    names = list(TINTS)
    for top in range(0, HEIGHT, 512):
        for left in range(0, WIDTH, 512):
            name = names[(top // 512 + left // 512) % len(names)]
            texture = np.asarray(getattr(skimage_data, name)(), np.float64)
            rows, cols = min(512, HEIGHT - top), min(512, WIDTH - left)
            tint = np.array(TINTS[name])[None, None, :]
            frame[top : top + rows, left : left + cols] = (texture[:, :, None] * tint)[:rows, :cols]
    grain = np.random.default_rng(0).normal(0.0, 3.0, frame.shape)
    return np.clip(frame + grain, 0, 255).astype(np.uint8)


def _with_astronaut(frame: np.ndarray) -> np.ndarray:
    """The astronaut at the right of ``frame``, 82 px between the eyes, as in the bench's photos."""
    face = cv2.resize(
        np.asarray(skimage_data.astronaut(), np.uint8),
        None,
        fx=1.9,
        fy=1.9,
        interpolation=cv2.INTER_LINEAR,
    )
    out = frame.copy()
    rows = min(face.shape[0], HEIGHT - 150)
    out[150 : 150 + rows, 1000 : 1000 + face.shape[1]] = face[:rows]
    return np.ascontiguousarray(out)


@pytest.fixture(scope="module")
def textures() -> np.ndarray:
    return _textures()


def _smooth() -> np.ndarray:
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    return np.stack(
        [40 + 30 * np.sin(xx / 150), 90 + 30 * np.cos(yy / 100), np.full(xx.shape, 140.0)], axis=2
    ).astype(np.uint8)


def _first_look(rgb: np.ndarray) -> tuple[list[tuple[int, int, int, int]] | None, float]:
    """The cascade's crops on the first copy, as the detector asks for them, and that copy's scale."""
    factor = 512 / max(rgb.shape[:2])
    first = _resized(rgb, factor)
    window = HOG_WINDOW * factor / (1024 / max(rgb.shape[:2]))
    return face_candidates(_grey(first), window, areas=skin_areas(first, window)), factor


@pytest.mark.parametrize("background", ["smooth", "textured"])
def test_the_first_look_finds_the_landscapes_face_at_its_size(
    background: str, textures: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = _with_astronaut(_smooth() if background == "smooth" else textures)
    assert not default_detector().detect(photo, levels=(512,))  # too small for the first copy
    crops, factor = _first_look(photo)
    assert crops is not None and len(crops) == 1

    def no_search_around_skin(*_: object) -> list[object]:
        raise AssertionError("the candidate was not enough")

    monkeypatch.setattr(DlibFaceDetector, "_searched", no_search_around_skin)
    faces = default_detector().detect(photo)
    assert len(faces) == 1 and abs(faces[0].iod - 82) < 4
    left, top, right, bottom = (v / factor for v in crops[0])
    x, y = faces[0].centre
    assert left < x < right and top < y < bottom
    face_width = faces[0].box[2] - faces[0].box[0]
    assert 1.0 + 2 * MARGIN_OF_BOX <= (right - left) / face_width <= 2.0 * (1.0 + 2 * MARGIN_OF_BOX)


def test_the_face_is_where_a_search_of_the_whole_copy_puts_it(textures: np.ndarray) -> None:
    photo = _with_astronaut(textures)
    looked = default_detector().detect(photo)
    whole = default_detector().detect(photo, levels=(1024,))
    assert len(looked) == len(whole) == 1
    assert abs(looked[0].iod - whole[0].iod) < 0.03 * whole[0].iod
    assert math.dist(looked[0].nose, whole[0].nose) < 0.1 * whole[0].iod


def test_nothing_is_proposed_on_brick_gravel_and_grass(textures: np.ndarray) -> None:
    crops, _ = _first_look(textures)
    assert crops == []
    assert face_candidates(_grey(_resized(textures, 512 / WIDTH)), HOG_WINDOW / 2) == []
    assert not default_detector().detect(textures)


def test_the_cascade_ships_and_an_unreadable_one_is_a_typed_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert FACE_CASCADE in REQUIRED  # checked at start (tests/core/test_resources.py)
    tmp_path.joinpath(*FACE_CASCADE[:-1]).mkdir(parents=True)
    tmp_path.joinpath(*FACE_CASCADE).write_text("<opencv_storage></opencv_storage>")
    monkeypatch.setenv(ENV_OVERRIDE, str(tmp_path))
    first_look._cascade.cache_clear()
    try:
        with pytest.raises(AnalysisError, match="cannot be read"):
            face_candidates(np.zeros((288, 512), np.uint8), 40.0)
    finally:
        monkeypatch.undo()
        first_look._cascade.cache_clear()
    assert face_candidates(np.zeros((288, 512), np.uint8), 40.0) == []
