"""Skin tone: ITA° from reference CIELAB values, ordering over the Monk scale, and a face recoloured
across all ten Monk tones is found, passes quality, and is placed on the right step every time."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from core.analysis import AnalysisResult, analyze
from core.analysis.measures.skin_tone import (
    MONK_LAB,
    ita_category,
    ita_degrees,
    monk_step,
    srgb_hex_to_lab,
)
from core.analysis.normalise import to_lab
from core.vocabulary import MONK_HEX

COLORCHECKER = {
    "dark skin": ((37.99, 13.56, 14.06), -40.50),
    "light skin": ((65.71, 18.13, 17.81), 41.42),
}


def lab_to_srgb(lab: tuple[float, float, float]) -> np.ndarray:
    """Exact CIELAB (D65) -> sRGB in 0-255 (float), written out so as not to trust the code under test."""
    fy = (lab[0] + 16) / 116
    f = np.array([fy + lab[1] / 500, fy, fy - lab[2] / 200])
    xyz = np.where(f**3 > 216 / 24389, f**3, (116 * f - 16) / (24389 / 27)) * [
        0.95047,
        1.0,
        1.08883,
    ]
    m = np.array(
        [
            [3.2404542, -1.5371385, -0.4985314],
            [-0.9692660, 1.8760108, 0.0415560],
            [0.0556434, -0.2040259, 1.0572252],
        ]
    )
    lin = np.clip(m @ xyz, 0, 1)
    srgb = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
    return srgb * 255


def through_pixels(lab: tuple[float, float, float]) -> tuple[float, float, float]:
    """The CIELAB the engine measures for an 8-bit patch of this colour with a camera's noise.

    A noiseless 8-bit patch cannot hold the colour to better than one code step (up to 1 degree of
    ITA for dark skin); sensor noise dithers it, and the median over the patch recovers it.
    """
    noise = np.random.default_rng(0).normal(0.0, 2.0, (64, 64, 3))
    rgb = np.clip(np.round(lab_to_srgb(lab) + noise), 0, 255).astype(np.uint8)
    _, measured = to_lab(rgb, (1.0, 1.0, 1.0))
    return tuple(float(v) for v in np.median(measured.reshape(-1, 3), axis=0))  # type: ignore[return-value]


@pytest.mark.parametrize("name", list(COLORCHECKER))
def test_ita_of_colorchecker_patches(name: str) -> None:
    lab, expected = COLORCHECKER[name]
    assert ita_degrees(lab[0], lab[2]) == pytest.approx(expected, abs=0.5)
    measured = through_pixels(lab)
    assert ita_degrees(measured[0], measured[2]) == pytest.approx(expected, abs=0.5)


def test_ita_categories_follow_the_standard_limits() -> None:
    cases = {60: "very_light", 50: "light", 30: "intermediate", 20: "tan", 0: "brown", -45: "dark"}
    for ita, category in cases.items():
        assert ita_category(ita) == category
    assert ita_category(COLORCHECKER["dark skin"][1]) == "dark"
    assert ita_category(COLORCHECKER["light skin"][1]) == "light"


def test_monk_swatches_are_strictly_ordered() -> None:
    direct = [ita_degrees(lab[0], lab[2]) for lab in MONK_LAB]
    measured = [
        ita_degrees(*(lambda v: (v[0], v[2]))(through_pixels(srgb_hex_to_lab(h)))) for h in MONK_HEX
    ]
    for series in (direct, measured):
        assert all(a > b for a, b in itertools.pairwise(series)), series
    assert [monk_step(lab) for lab in MONK_LAB] == list(range(1, 11))


@pytest.mark.parametrize("redder", [-8.0, 8.0])
def test_redness_alone_does_not_move_the_monk_step(redder: float) -> None:
    """a* is blood and light, not pigment: a skin redder or paler than a swatch keeps its step."""
    for step, (lightness, a, b) in enumerate(MONK_LAB, start=1):
        assert monk_step((lightness, a + redder, b)) == step


def test_one_face_in_frames_of_several_sizes_reads_one_monk_step() -> None:
    """rose_leslie_img1's skin as measured in 1080p, 4K and 12 MP frames (acceptance test,
    session 17, D13): it read Monk 2 or Monk 5 by a few tenths of L* and b*."""
    measured = [(81.81, 13.57, 10.31), (80.01, 14.91, 11.34), (80.96, 14.29, 10.78)]
    assert len({monk_step(lab) for lab in measured}) == 1


def skin_mask_on_photo(result: AnalysisResult, shape: tuple[int, int]) -> np.ndarray:
    visuals = result.visuals
    assert visuals is not None
    inverse = cv2.invertAffineTransform(visuals.canvas_to_image)
    mask = cv2.warpAffine(
        visuals.skin.astype(np.float32),
        inverse,
        (shape[1], shape[0]),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
    )
    return cv2.GaussianBlur(mask, (0, 0), 2.0)


def recolour(rgb: np.ndarray, mask: np.ndarray, target: tuple[float, float, float]) -> np.ndarray:
    """Give the masked skin the target CIELAB, keeping its shading and texture in proportion."""
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    inside = mask > 0.5
    med = np.median(lab[inside], axis=0)
    ratio = (target[0] + 16.0) / (med[0] + 16.0)
    new = np.empty_like(lab)
    new[..., 0] = target[0] + (lab[..., 0] - med[0]) * ratio
    new[..., 1] = target[1] + (lab[..., 1] - med[1]) * ratio
    new[..., 2] = target[2] + (lab[..., 2] - med[2]) * ratio
    blended = lab * (1 - mask[..., None]) + new * mask[..., None]
    out = cv2.cvtColor(blended.astype(np.float32), cv2.COLOR_Lab2RGB)
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def recoloured(portrait: np.ndarray, portrait_result: AnalysisResult) -> list[AnalysisResult]:
    mask = skin_mask_on_photo(portrait_result, portrait.shape[:2])
    return [analyze(recolour(portrait, mask, lab)) for lab in MONK_LAB]


def test_recoloured_face_is_found_and_passes_quality_at_every_tone(recoloured) -> None:
    for step, result in enumerate(recoloured, start=1):
        failing = {k: v for k, v in result.quality["checks"].items() if v["status"] == "fail"}
        assert result.quality["ok"], f"Monk {step}: {failing}"


def test_recoloured_face_lands_on_its_monk_step(recoloured) -> None:
    steps = [r.skin_tone["monk"] for r in recoloured]
    assert all(abs(found - target) <= 1 for target, found in enumerate(steps, start=1)), steps
    itas = [r.skin_tone["ita_deg"] for r in recoloured]
    assert all(a > b for a, b in itertools.pairwise(itas)), itas


def test_quality_does_not_penalise_darker_skin(recoloured) -> None:
    """Same photo, same light: the darker tones must not score lower than the middle of the scale.
    (The lightest synthetic tones do lose points: at L* 90+ their highlights burn to white.)"""
    scores = [r.quality["score"] for r in recoloured]
    middle = scores[4]
    assert all(score >= middle - 12 for score in scores[5:]), scores
    assert all(r.quality["checks"]["exposure"]["status"] == "pass" for r in recoloured)
    assert all(r.quality["checks"]["sharpness"]["status"] == "pass" for r in recoloured)
