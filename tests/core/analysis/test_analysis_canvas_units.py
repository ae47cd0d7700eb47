"""Canvas resolution is one setting: every size the regions and measures use is in face units, so
the same face on canvases of different resolution gives the same skin, in cm², and the sizes first
set in pixels keep their pixel values on the canvas they were set on."""

from __future__ import annotations

import numpy as np
import pytest

from core.analysis.face import default_detector
from core.analysis.frame import SET_AT_IOD, area_px, disc, radius_px
from core.analysis.measures import MeasureContext
from core.analysis.measures.context import INNER_U
from core.analysis.normalise import CANON_BOX, normalise
from core.analysis.regions import REGION_NAMES, build_regions


def test_sizes_set_in_pixels_keep_their_pixels_where_they_were_set() -> None:
    assert radius_px(INNER_U, SET_AT_IOD) == 2
    assert area_px(50 / SET_AT_IOD**2, SET_AT_IOD) == 50.0
    assert disc(INNER_U, SET_AT_IOD).shape == (5, 5)


def test_sizes_scale_with_the_canvas_and_never_vanish() -> None:
    assert radius_px(0.04, 256.0) == 2 * radius_px(0.04, 128.0)
    assert area_px(0.01, 64.0) == area_px(0.01, 128.0) / 4
    assert radius_px(0.001, 64.0) == 1


@pytest.fixture(scope="module")
def face_and_rgb(shared_photo, read_rgb):
    rgb = read_rgb(shared_photo("biden_biden2.jpg"))
    face = default_detector().detect(rgb)[0]
    return rgb, face


@pytest.mark.parametrize("canon_iod", [64.0, 96.0])
def test_the_same_skin_on_a_coarser_canvas(face_and_rgb, canon_iod: float) -> None:
    rgb, face = face_and_rgb
    fine = normalise(rgb, face)
    coarse = normalise(rgb, face, canon_iod=canon_iod, detail_iod=2 * canon_iod)
    assert coarse.canon.rgb.shape[1] == round(CANON_BOX[2] * canon_iod)
    areas = []
    for norm in (fine, coarse):
        regions = build_regions(norm)
        per_cm2 = norm.canon.frame.px_per_cm**2
        areas.append({n: regions.pixel_counts[n] / per_cm2 for n in REGION_NAMES})
        ctx = MeasureContext(norm, regions)
        inner = int(ctx.skin_inner.sum()) / per_cm2
        assert 0.8 * int(ctx.skin.sum()) / per_cm2 < inner < int(ctx.skin.sum()) / per_cm2
    for name in REGION_NAMES:
        assert areas[1][name] == pytest.approx(areas[0][name], rel=0.1, abs=0.3), name
    assert sum(areas[1].values()) == pytest.approx(sum(areas[0].values()), rel=0.05)
    assert np.isfinite(sum(areas[1].values()))
