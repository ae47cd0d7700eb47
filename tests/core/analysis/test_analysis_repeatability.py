"""Repeatability: the same face rescaled (0.7-1.5x, never below the minimum face size), re-encoded
(JPEG 70-95), brightened or darkened by 5 %, shifted and rotated a few degrees gives every measure
within ±3 points (the leading clinic system's published one-week retest spread is 2-6 %).

Known exceptions, measured and documented in docs/analysis.md ("Repeatability"), each checked
against its own explicit, wider bound instead of being skipped: pores (small blobs near the
resolution limit, which also see a JPEG's 8x8 blocks) move up to 5 points under resampling and up to
12 when a small, already compressed JPEG is re-encoded at quality 70; spots up to 4 under rotation;
texture up to 4 under that re-encoding (its blocks are fine texture too).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.analysis import AnalysisResult, analyze
from tests.helpers.retakes import RETAKE_TOLERANCE, brighten, jpeg, rescale, warp

TOLERANCE = RETAKE_TOLERANCE
WIDER: dict[tuple[str, str], float] = {
    ("pores", "scale"): 5.0,
    ("pores", "rotate"): 5.0,
    ("pores", "jpeg"): 12.0,
    ("pigmentation", "rotate"): 4.0,
    ("roughness", "jpeg"): 4.0,
}
MIN_IOD = 64.0
"""Below this many pixels between the eyes, detail is lost (the engine's reference resolution)."""


VARIANTS = {
    "scale 0.7": lambda r: rescale(r, 0.7),
    "scale 0.85": lambda r: rescale(r, 0.85),
    "scale 1.25": lambda r: rescale(r, 1.25),
    "scale 1.5": lambda r: rescale(r, 1.5),
    "jpeg 70": lambda r: jpeg(r, 70),
    "jpeg 95": lambda r: jpeg(r, 95),
    "brightness -5%": lambda r: brighten(r, 0.95),
    "brightness +5%": lambda r: brighten(r, 1.05),
    "shift": lambda r: warp(r, dx=9, dy=-6),
    "rotate +3": lambda r: warp(r, angle=3),
    "rotate -3": lambda r: warp(r, angle=-3),
}
SCALES = {"scale 0.7": 0.7, "scale 0.85": 0.85}


def assert_repeatable(base: AnalysisResult, variant: AnalysisResult, name: str) -> None:
    moved = []
    for metric in base.metrics.keys() ^ variant.metrics.keys():
        smaller = variant if metric in base.metrics else base
        if smaller.measures[metric]["reason_code"] != "too_small":
            moved.append(f"{metric} measured on one photo only")
    for metric, level in base.metrics.items():
        if metric not in variant.metrics:
            continue
        limit = WIDER.get((metric, name.split()[0]), TOLERANCE)
        drift = abs(variant.metrics[metric] - level)
        if drift > limit:
            moved.append(
                f"{metric} moved {drift:.1f} ({level} -> {variant.metrics[metric]}, limit {limit})"
            )
    assert not moved, f"{name}: " + "; ".join(moved)


@pytest.fixture(scope="module")
def large_portrait(astronaut: np.ndarray) -> tuple[np.ndarray, AnalysisResult]:
    """astronaut() at 2.5x (107 px between the eyes), so that 0.7x stays above MIN_IOD.

    Enlarged bilinearly: a bicubic enlargement adds ringing at the pore scale that no camera makes.
    """
    rgb = np.ascontiguousarray(
        cv2.resize(astronaut, None, fx=2.5, fy=2.5, interpolation=cv2.INTER_LINEAR)
    )
    return rgb, analyze(rgb)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_portrait_is_repeatable(large_portrait, name: str) -> None:
    rgb, base = large_portrait
    assert base.face["interocular_px"] * SCALES.get(name, 1.0) >= MIN_IOD
    assert_repeatable(base, analyze(VARIANTS[name](rgb)), name)


@pytest.fixture(
    scope="module",
    params=[
        "biden_biden2.jpg",
        "dlib_Tom_Cruise_avp_2014_4.jpg",
        "rose_leslie_img2.jpg",
        "lin-manuel-miranda.png",
    ],
)
def real_photo(request, shared_photo, read_rgb) -> tuple[np.ndarray, AnalysisResult]:
    rgb = read_rgb(shared_photo(request.param))
    return rgb, analyze(rgb)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_real_photo_is_repeatable(real_photo, name: str) -> None:
    rgb, base = real_photo
    assert base.face["interocular_px"] * SCALES.get(name, 1.0) >= MIN_IOD
    assert_repeatable(base, analyze(VARIANTS[name](rgb)), name)


def test_skin_tone_is_stable_under_geometry(large_portrait) -> None:
    rgb, base = large_portrait
    for name in ("scale 0.7", "scale 1.5", "rotate +3", "shift", "jpeg 95"):
        variant = analyze(VARIANTS[name](rgb))
        assert abs(variant.skin_tone["ita_deg"] - base.skin_tone["ita_deg"]) < 1.5, name
        assert variant.skin_tone["monk"] == base.skin_tone["monk"], name
