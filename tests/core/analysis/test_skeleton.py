"""The wrinkles measure's thinning is scikit-image's ``skeletonize``, bit for bit, and loads
without scikit-image's packages or SciPy (which the built app leaves out)."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest
from skimage.morphology import skeletonize as public_skeletonize

from core.analysis.measures.skeleton import MODULE, skeletonize
from tests.helpers.paths import REPO


def reference(mask: np.ndarray) -> np.ndarray:
    """scikit-image's public function, which the wrinkle scores were validated with."""
    skeleton: np.ndarray = public_skeletonize(mask)  # type: ignore[no-untyped-call]
    return skeleton


def _strokes(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Line masks like the wrinkle filter's: curved strokes 1-6 px wide, some touching."""
    mask = np.zeros(shape, np.uint8)
    for _ in range(int(rng.integers(3, 25))):
        points = rng.integers(0, [shape[1], shape[0]], size=(int(rng.integers(2, 6)), 2))
        cv2.polylines(mask, [points.astype(np.int32)], False, 1, int(rng.integers(1, 7)))
    return mask.astype(bool)


def test_same_skeleton_as_scikit_image_on_line_masks() -> None:
    rng = np.random.default_rng(12)
    for _ in range(150):
        mask = _strokes(rng, (int(rng.integers(20, 300)), int(rng.integers(20, 300))))
        assert np.array_equal(skeletonize(mask), reference(mask))


def test_same_skeleton_as_scikit_image_on_noise_and_edge_cases() -> None:
    rng = np.random.default_rng(7)
    masks = [rng.random((int(rng.integers(1, 90)), int(rng.integers(1, 90)))) < p for p in
             rng.uniform(0.05, 0.95, 150)]  # fmt: skip
    masks += [np.zeros((5, 5), bool), np.ones((9, 9), bool), np.ones((1, 7), bool),
              np.ones((3, 3), bool), np.eye(12, dtype=bool)]  # fmt: skip
    for mask in masks:
        got = skeletonize(mask)
        assert got.dtype == bool and got.shape == mask.shape
        assert np.array_equal(got, reference(mask))


def test_same_skeleton_for_a_few_lines_on_a_large_canvas() -> None:
    """A face's line mask: a few strokes on a mostly empty canvas, some at its edges (only their
    bounding box is thinned)."""
    rng = np.random.default_rng(3)
    for _ in range(60):
        mask = np.zeros((448, 320), bool)
        top, left = int(rng.integers(0, 400)), int(rng.integers(0, 280))
        small = _strokes(rng, (int(rng.integers(8, 48)), int(rng.integers(8, 40))))
        mask[top : top + small.shape[0], left : left + small.shape[1]] = small[
            : 448 - top, : 320 - left
        ]
        mask[: int(rng.integers(0, 3)), : int(rng.integers(0, 30))] = True
        assert np.array_equal(skeletonize(mask), reference(mask))


def test_non_boolean_masks_count_every_non_zero_value_as_foreground() -> None:
    mask = np.zeros((40, 40), np.float32)
    mask[10:30, 18:23] = 0.25
    mask[5:8, 5:35] = 3.0
    assert np.array_equal(skeletonize(mask), reference(mask))
    assert skeletonize(mask).any()


def test_a_mask_that_is_not_2d_is_refused() -> None:
    with pytest.raises(ValueError, match="2-D"):
        skeletonize(np.ones((4, 4, 3), bool))


def test_thinning_loads_neither_scikit_image_packages_nor_scipy() -> None:
    code = (
        "import sys, numpy as np\n"
        "from core.analysis.measures.skeleton import skeletonize\n"
        "assert skeletonize(np.ones((9, 3), bool)).sum() > 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'skimage')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == repr([MODULE])  # the compiled thinning alone
