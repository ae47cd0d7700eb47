"""Elasticity's nasolabial fold term finds the fold instead of reading a fixed spot: on a bearded face
where a fixed square read the fold on the photo and the cheek beside it on a 3-degree retake (fold
level 43 -> 13, elasticity 83.4 -> 91.9), the retakes agree; and a face with deep folds reads deeper
than a young face without them."""

from __future__ import annotations

import numpy as np
import pytest

from core.analysis import AnalysisResult, analyze
from tests.helpers.retakes import RETAKE_TOLERANCE, warp

FOLD_AGREE = 8.0
"""Fold level points a retake may differ by (the fixed square moved 15 and 30)."""


def _fold(result: AnalysisResult) -> float:
    return float(result.measures["elasticity"]["details"]["fold_depth"])


@pytest.fixture(scope="module")
def bearded(shared_photo, read_rgb) -> tuple[np.ndarray, AnalysisResult]:
    rgb = read_rgb(shared_photo("alex-lacamoire.png"))
    return rgb, analyze(rgb)


@pytest.mark.parametrize("angle", [3.0, -3.0])
def test_the_fold_stays_found_on_a_rotated_retake(bearded, angle: float) -> None:
    rgb, base = bearded
    retake = analyze(warp(rgb, angle=angle))
    assert abs(_fold(retake) - _fold(base)) <= FOLD_AGREE, (_fold(base), _fold(retake))
    moved = abs(retake.metrics["elasticity"] - base.metrics["elasticity"])
    assert moved <= RETAKE_TOLERANCE, (base.metrics["elasticity"], retake.metrics["elasticity"])


def test_deep_folds_read_deeper_than_none(shared_photo, read_rgb) -> None:
    """biden_biden2 smiles with deep nasolabial folds; rose_leslie_img2 is young and relaxed."""
    deep = analyze(read_rgb(shared_photo("biden_biden2.jpg")))
    young = analyze(read_rgb(shared_photo("rose_leslie_img2.jpg")))
    assert _fold(deep) >= _fold(young) + 5.0, (_fold(deep), _fold(young))
