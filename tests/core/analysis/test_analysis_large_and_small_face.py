"""A patient's large face with a small face elsewhere in the photo (a poster, a framed photo, a person
far behind): the large face must be found and chosen.

Engine 2.7.0 briefly let OpenCV's cascade decide, before dlib's search of the 512 px copy, that a
photo held only small faces; when the cascade missed the large face (as it did on ~7-10 % of such
composites of real faces) the small face was analysed with no warning. This test is one of those
composites (docs/benchmarks.md, "The first look withdrawn").
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from core.analysis.face import default_detector
from core.analysis.face_model import primary_index
from core.analysis.intake import load_image
from tests.helpers.faces import load_rgb, shared_face

WIDTH, HEIGHT = 4000, 2250
LARGE_IOD = 806.0
"""A close-up: eyes 806 px apart in a 4000 px wide photo (the 2.7.0 look missed it at this size)."""


def _wall() -> np.ndarray:
    """A plain, softly lit beige wall with a little low-frequency noise."""
    x = np.linspace(0.0, 1.0, WIDTH, dtype=np.float32)[None, :, None]
    y = np.linspace(0.0, 1.0, HEIGHT, dtype=np.float32)[:, None, None]
    base = np.array([205, 190, 170], np.float32) * (0.8 + 0.2 * x) * (0.9 + 0.1 * y)
    noise = np.random.default_rng(627).standard_normal((HEIGHT // 8, WIDTH // 8))
    grain = cv2.resize(noise.astype(np.float32), (WIDTH, HEIGHT))[..., None] * 6
    return np.asarray(np.clip(base + grain, 0, 255), np.float32)


def _tile(path: Path, iod: float) -> tuple[np.ndarray, tuple[float, float]]:
    """The photo's largest face, cropped around it and scaled to ``iod`` px between the eyes, with
    the point between its eyes in the tile."""
    rgb = load_rgb(path)
    face = max(default_detector().detect(rgb), key=lambda f: f.iod)
    mx = (face.eye_image_left[0] + face.eye_image_right[0]) / 2
    my = (face.eye_image_left[1] + face.eye_image_right[1]) / 2
    half = 1.9 * face.iod
    x0, y0 = int(max(0, mx - half)), int(max(0, my - half * 0.9))
    x1 = int(min(rgb.shape[1], mx + half))
    y1 = int(min(rgb.shape[0], my + half * 1.3))
    scale = iod / face.iod
    tile = cv2.resize(rgb[y0:y1, x0:x1], None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return tile.astype(np.float32), ((mx - x0) * scale, (my - y0) * scale)


def _paste(
    wall: np.ndarray, tile: np.ndarray, eyes: tuple[float, float], at: tuple[float, float]
) -> None:
    """``tile`` on ``wall`` with its eyes at ``at``, its edges feathered into the wall."""
    th, tw = tile.shape[:2]
    x0, y0 = round(at[0] - eyes[0]), round(at[1] - eyes[1])
    fy = np.minimum(np.arange(th), np.arange(th)[::-1]) / (0.15 * th)
    fx = np.minimum(np.arange(tw), np.arange(tw)[::-1]) / (0.15 * tw)
    mask = np.clip(np.minimum(fy[:, None], fx[None, :]), 0, 1).astype(np.float32)
    ax0, ay0 = max(0, x0), max(0, y0)
    ax1, ay1 = min(WIDTH, x0 + tw), min(HEIGHT, y0 + th)
    m = mask[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0, None]
    part = tile[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0]
    wall[ay0:ay1, ax0:ax1] = wall[ay0:ay1, ax0:ax1] * (1 - m) + part * m


def _side_lit(tile: np.ndarray, darkest: float) -> np.ndarray:
    """``tile`` lit from its right: the light falls linearly from 1.2 x on the right edge to
    ``darkest`` x on the left."""
    gain = np.linspace(darkest, 1.2, tile.shape[1], dtype=np.float32)
    return np.asarray(np.clip(tile * gain[None, :, None], 0, 255), np.float32)


def _large_face_chosen(tmp_path: Path, large: np.ndarray, large_eyes: tuple[float, float]) -> None:
    """``large`` pasted near the middle and a small face at the top right of a 12 MP wall: the
    engine's search must find the large face and choose it."""
    wall = _wall()
    small, small_eyes = _tile(shared_face("dlib_2008_001009.jpg"), 159.0)
    large_at, small_at = (2200.0, 800.0), (WIDTH - 340.0, 340.0)
    _paste(wall, large, large_eyes, large_at)
    _paste(wall, small, small_eyes, small_at)
    path = tmp_path / "large_and_small.jpg"
    bgr = cv2.cvtColor(wall.astype(np.uint8), cv2.COLOR_RGB2BGR)
    assert cv2.imwrite(str(path), bgr, [cv2.IMWRITE_JPEG_QUALITY, 90])

    image = load_image(path.read_bytes(), sha256="-")
    scale = image.rgb.shape[1] / WIDTH
    faces = default_detector().detect(image.rgb)

    def at(index: int) -> tuple[float, float]:
        f = faces[index]
        return (
            (f.eye_image_left[0] + f.eye_image_right[0]) / 2 / scale,
            (f.eye_image_left[1] + f.eye_image_right[1]) / 2 / scale,
        )

    def found(where: tuple[float, float], iod: float) -> bool:
        return any(math.dist(at(i), where) < 0.6 * iod for i in range(len(faces)))

    assert found(large_at, LARGE_IOD), "the large face was not found"
    height, width = image.rgb.shape[:2]
    chosen = at(primary_index(faces, width, height))
    assert math.dist(chosen, large_at) < 0.6 * LARGE_IOD, "the small face was chosen"


def test_a_large_face_beside_a_small_one_is_found_and_chosen(tmp_path: Path) -> None:
    _large_face_chosen(tmp_path, *_tile(shared_face("biden.jpg"), LARGE_IOD))


def test_a_strongly_side_lit_large_face_is_found_and_chosen(tmp_path: Path) -> None:
    """Side light does not hide a large face whose outline shows: its dark side at 6 % of the light
    (session 10: 132 of 132 such composites of the shared faces and the astronaut were found; the
    17 large faces the session-9 harness missed were faces-age crops whose outline the pasting
    had feathered away, docs/benchmarks.md, "Large faces the search misses (session 10)")."""
    large, large_eyes = _tile(shared_face("biden.jpg"), LARGE_IOD)
    _large_face_chosen(tmp_path, _side_lit(large, 0.06), large_eyes)
