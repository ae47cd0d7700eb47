"""Known edits, known answers: a controlled change to a real face moves the matching measure by a
clear margin, in the right direction, while unrelated measures stay within a few points.

Edits are placed in face units (1 = distance between the eyes) from the detected landmarks, so the
same edit means the same thing on every photo. Hydration is an estimate built from roughness, and
elasticity one built from wrinkles, so each moves with its source by design and is not "unrelated".
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from core.analysis import AnalysisResult, analyze

CLEAR_MARGIN = 10.0
FEW_POINTS = 6.0
DERIVED = {"roughness": {"hydration"}, "wrinkles": {"elasticity"}}


def add_redness(rgb, geo, lab_edit):
    mask = geo.region_mask("left_cheek", "right_cheek", feather=0.06)

    def change(lab):
        lab[..., 1] += 9.0 * mask
        return lab

    return lab_edit(rgb, change)


SPOT_POSITIONS = [(s * u, v) for s in (-1, 1) for u in (0.62, 0.72, 0.82) for v in (0.52, 0.62)]
"""High on the cheeks, away from the smile folds: a spot painted across a fold cuts the line in two
(each piece too short to count), a real change of the wrinkle measure rather than a side effect.
(The astronaut's folds carry her whole wrinkle level since her hair-covered forehead is excluded.)"""


def add_brown_spots(rgb, geo, lab_edit):
    layer = np.zeros(rgb.shape[:2], np.float32)
    radius = max(1, round(0.035 * geo.iod))
    for u, v in SPOT_POSITIONS:
        x, y = geo.point(u, v)
        cv2.circle(layer, (round(x), round(y)), radius, 1.0, -1, cv2.LINE_AA)
    layer = cv2.GaussianBlur(layer, (0, 0), 0.3 * radius)

    def change(lab):
        lab[..., 0] -= 14.0 * layer
        lab[..., 2] += 4.0 * layer
        return lab

    return lab_edit(rgb, change)


def add_tzone_shine(rgb, geo, lab_edit):
    layer = np.zeros(rgb.shape[:2], np.float32)
    for u, v in [(0.0, 0.25), (0.0, 0.45), (0.05, 0.6), (-0.3, -0.42), (0.3, -0.42), (0.0, 1.55)]:
        x, y = geo.point(u, v)
        cv2.circle(layer, (round(x), round(y)), round(0.05 * geo.iod), 1.0, -1, cv2.LINE_AA)
    alpha = (0.75 * cv2.GaussianBlur(layer, (0, 0), 0.02 * geo.iod))[..., None]
    return np.clip(rgb * (1 - alpha) + 250.0 * alpha, 0, 255).astype(np.uint8)


def darken_under_eyes(rgb, geo, lab_edit):
    mask = geo.region_mask("left_under_eye", "right_under_eye", feather=0.05)

    def change(lab):
        lab[..., 0] -= 16.0 * mask
        lab[..., 2] -= 3.0 * mask
        return lab

    return lab_edit(rgb, change)


def _draw_lines(rgb, geo, lab_edit, paths):
    layer = np.zeros(rgb.shape[:2], np.float32)
    width = max(1, round(0.012 * geo.iod))
    for path in paths:
        pts = np.array([geo.point(u, v) for u, v in path], np.float32)
        cv2.polylines(
            layer, [np.round(pts * 4).astype(np.int32)], False, 1.0, width, cv2.LINE_AA, shift=2
        )
    layer = cv2.GaussianBlur(layer, (0, 0), 0.5)

    def change(lab):
        lab[..., 0] -= 14.0 * layer
        return lab

    return lab_edit(rgb, change)


def add_forehead_lines(rgb, geo, lab_edit):
    paths = [
        [(u, v + 0.02 * np.sin(6 * u)) for u in np.linspace(-0.5, 0.5, 30)]
        for v in (-0.46, -0.6, -0.74)
    ]
    return _draw_lines(rgb, geo, lab_edit, paths)


def add_cheek_lines(rgb, geo, lab_edit):
    paths = [
        [(s * (0.45 + 0.1 * k + 0.05 * t), 0.55 + 0.45 * t) for t in np.linspace(0, 1, 20)]
        for s in (-1, 1)
        for k in range(4)
    ]
    return _draw_lines(rgb, geo, lab_edit, paths)


Edit = Callable[..., np.ndarray]
EDITS: list[tuple[str, Edit, str]] = [
    ("redness on the cheeks", add_redness, "redness"),
    ("brown spots", add_brown_spots, "pigmentation"),
    ("shine on the T-zone", add_tzone_shine, "oiliness"),
    ("darker under-eyes", darken_under_eyes, "dark_circles"),
    ("fine lines on the cheeks", add_cheek_lines, "wrinkles"),
]


def assert_moves(base: AnalysisResult, edited: AnalysisResult, metric: str) -> None:
    gain = edited.metrics[metric] - base.metrics[metric]
    assert gain >= CLEAR_MARGIN, (
        f"{metric} rose by only {gain:.1f}: {base.metrics} -> {edited.metrics}"
    )
    assert base.metrics.keys() == edited.metrics.keys(), "an edit changed what was measured"
    for other, level in base.metrics.items():
        if other == metric or other in DERIVED.get(metric, set()):
            continue
        drift = abs(edited.metrics[other] - level)
        assert drift <= FEW_POINTS, f"{other} moved by {drift:.1f} when only {metric} should"


@pytest.mark.parametrize(("label", "edit", "metric"), EDITS, ids=[e[0] for e in EDITS])
def test_edit_moves_its_measure_on_the_portrait(
    portrait, portrait_result, portrait_geometry, lab_edit, label, edit, metric
) -> None:
    edited = analyze(edit(portrait, portrait_geometry, lab_edit))
    assert_moves(portrait_result, edited, metric)


@pytest.fixture(scope="module")
def clear_forehead(shared_photo, read_rgb, geometry_of):
    rgb = read_rgb(shared_photo("rose_leslie_img2.jpg"))
    return rgb, geometry_of(rgb), analyze(rgb)


@pytest.mark.parametrize(
    ("label", "edit", "metric"),
    [
        ("fine lines on the forehead", add_forehead_lines, "wrinkles"),
        *EDITS,
    ],
    ids=["forehead lines", *[e[0] for e in EDITS]],
)
def test_edit_moves_its_measure_on_a_real_portrait(
    clear_forehead, lab_edit, label, edit, metric
) -> None:
    rgb, geo, base = clear_forehead
    assert_moves(base, analyze(edit(rgb, geo, lab_edit)), metric)


def test_blur_makes_the_sharpness_check_warn_or_fail(
    portrait, portrait_result, portrait_geometry
) -> None:
    assert portrait_result.quality["checks"]["sharpness"]["status"] == "pass"
    blurred = analyze(cv2.GaussianBlur(portrait, (0, 0), 0.06 * portrait_geometry.iod))
    check = blurred.quality["checks"]["sharpness"]
    assert check["status"] in {"warn", "fail"} and check["message"]
    assert check["value"] < portrait_result.quality["checks"]["sharpness"]["value"] / 2
