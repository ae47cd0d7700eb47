"""A face that is all there: a face cut by an edge of the photo, hair over the forehead and glasses
drawn on a real face. The affected regions are left out with their reason, the quality check fails
(cut off) or warns (hidden skin) with an instruction, and no measure reads the missing skin."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.analysis import analyze
from core.analysis.face_model import Face
from core.analysis.framing import assess_framing
from core.analysis.regions import CUT_REASON

CUTS = {
    # edge: (how to crop the portrait given the eye midpoint and IOD, regions the edge must cut)
    "left": (lambda m, d: (slice(None), slice(int(m[0] - 0.85 * d), None)), "right_crows_feet"),
    "right": (lambda m, d: (slice(None), slice(None, int(m[0] + 0.85 * d))), "left_crows_feet"),
    "top": (lambda m, d: (slice(int(m[1] - 0.6 * d), None), slice(None)), "forehead"),
    "bottom": (lambda m, d: (slice(None, int(m[1] + 1.45 * d)), slice(None)), "chin"),
}


@pytest.mark.parametrize("edge", list(CUTS))
def test_face_cut_by_an_edge_is_not_measured_there(portrait, portrait_geometry, edge) -> None:
    crop, region = CUTS[edge]
    rows, cols = crop(portrait_geometry.mid, portrait_geometry.iod)
    result = analyze(np.ascontiguousarray(portrait[rows, cols]))
    assert result.excluded_regions.get(region) == CUT_REASON, result.excluded_regions
    assert not result.quality["ok"]
    centring = result.quality["checks"]["centring"]
    assert centring["status"] == "fail"
    assert centring["message"] == "Move into the middle of the frame"
    assert centring["message"] in result.quality["messages"]
    for name, measure in result.measures.items():
        assert region not in measure.get("regions", {}), name


def test_whole_face_in_the_middle_is_not_cut(portrait_result) -> None:
    assert portrait_result.quality["checks"]["centring"]["status"] == "pass"
    assert CUT_REASON not in portrait_result.excluded_regions.values()


def test_face_box_outside_the_frame_fails_even_if_regions_are_inside() -> None:
    face = Face((-60.0, 40.0, 240.0, 340.0), 1.0, (60.0, 150.0), (150.0, 150.0), (105.0, 210.0))
    framing = assess_framing(face, (640, 480))
    assert framing.box_outside > 0.1 and framing.cut_off
    inside = assess_framing(face.mapped(1.0, 200.0, 0.0), (640, 480))
    assert not inside.cut_off and not inside.cut_regions


def test_face_larger_than_the_frame_asks_to_move_back() -> None:
    face = Face((-40.0, -30.0, 700.0, 520.0), 1.0, (200.0, 200.0), (440.0, 200.0), (320.0, 380.0))
    framing = assess_framing(face, (640, 480))
    assert framing.too_large and framing.cut_off
    assert framing.instruction.startswith("Move back from the camera")


def _hair_over_forehead(rgb: np.ndarray, geometry) -> np.ndarray:
    """Dark strands of hair combed down over the whole forehead (a fringe)."""
    out = rgb.copy()
    rng = np.random.default_rng(1)
    iod = geometry.iod
    for _ in range(260):
        u = rng.uniform(-0.95, 0.95)
        top = geometry.point(u + rng.uniform(-0.1, 0.1), -1.25)
        end = geometry.point(u + rng.uniform(-0.15, 0.15), rng.uniform(-0.42, -0.3))
        shade = int(rng.integers(25, 60))
        cv2.line(
            out,
            tuple(int(v) for v in top),
            tuple(int(v) for v in end),
            (shade, shade - 5, shade - 10),
            max(2, int(0.03 * iod)),
            cv2.LINE_AA,
        )
    return out


def _glasses(rgb: np.ndarray, geometry) -> np.ndarray:
    """Thick dark frames around both eyes with tinted lenses, as sunglasses-like glasses look."""
    out = rgb.copy()
    iod = geometry.iod
    lenses = np.zeros(rgb.shape[:2], np.uint8)
    for u in (-0.5, 0.5):
        centre = tuple(int(v) for v in geometry.point(u, 0.1))
        axes = (int(0.36 * iod), int(0.3 * iod))
        cv2.ellipse(lenses, centre, axes, 0, 0, 360, 1, -1)
        cv2.ellipse(out, centre, axes, 0, 0, 360, (20, 20, 25), max(3, int(0.06 * iod)))
    tint = (out.astype(np.float32) * [0.35, 0.33, 0.38]).astype(np.uint8)
    out = np.where(lenses[:, :, None] > 0, tint, out)
    bridge = [tuple(int(v) for v in geometry.point(u, 0.0)) for u in (-0.15, 0.15)]
    cv2.line(out, bridge[0], bridge[1], (20, 20, 25), max(3, int(0.05 * iod)))
    return np.ascontiguousarray(out)


@pytest.fixture(scope="module")
def real_face(shared_photo, read_rgb, geometry_of):
    rgb = read_rgb(shared_photo("biden_biden2.jpg"))
    return rgb, geometry_of(rgb)


def test_hair_over_the_forehead_excludes_it_and_says_what_to_do(real_face) -> None:
    rgb, geometry = real_face
    clear = analyze(rgb)
    assert "forehead" not in clear.excluded_regions
    assert "forehead" in clear.measures["wrinkles"]["regions"]
    fringe = analyze(_hair_over_forehead(rgb, geometry))
    assert fringe.excluded_regions["forehead"] == "hidden by hair or a hat"
    assert "forehead" not in fringe.measures["wrinkles"]["regions"]
    check = fringe.quality["checks"]["skin_visible"]
    assert check["status"] in {"warn", "fail"}
    assert check["message"] == "Move your hair off your forehead"


FOREHEAD_CUTS = {
    # crop (rows, cols in interocular distances from the eye midpoint), what the person must do
    "top edge": ((-0.6, None), (None, None), "Move into the middle of the frame"),
    "face fills the photo": (
        (-0.53, 1.71),
        (-1.07, 1.16),
        "Move back from the camera: your whole face must fit in the frame",
    ),
}


@pytest.mark.parametrize("cut", list(FOREHEAD_CUTS))
def test_forehead_cut_by_the_edge_asks_to_move_not_to_move_hair(real_face, cut) -> None:
    """The edge of the photo cuts the forehead (as the acceptance test's b2_top60 and
    b2_tight_fullface): the skin check gives the framing instruction, not hair that is not there."""
    rgb, geometry = real_face
    rows, cols, expected = FOREHEAD_CUTS[cut]

    def span(ends: tuple[float | None, float | None], centre: float) -> slice:
        return slice(*(None if e is None else int(centre + e * geometry.iod) for e in ends))

    crop = rgb[span(rows, geometry.mid[1]), span(cols, geometry.mid[0])]
    result = analyze(np.ascontiguousarray(crop))
    assert result.excluded_regions.get("forehead") == CUT_REASON, result.excluded_regions
    check = result.quality["checks"]["skin_visible"]
    assert check["status"] in {"warn", "fail"}
    assert check["message"] == result.quality["checks"]["centring"]["message"] == expected
    assert "Move your hair off your forehead" not in result.quality["messages"]


def test_glasses_exclude_the_under_eyes(real_face) -> None:
    rgb, geometry = real_face
    result = analyze(_glasses(rgb, geometry))
    hidden = {n for n, why in result.excluded_regions.items() if "glasses" in why}
    assert {"left_under_eye", "right_under_eye"} <= hidden, result.excluded_regions
    assert not result.measures["dark_circles"].get("regions")
    assert result.quality["checks"]["skin_visible"]["message"] == "Take off your glasses"
