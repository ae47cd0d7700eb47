"""The same face at 480p, 720p, 1080p and 12 MP sizes: every measure reported at two of the
neighbouring sizes agrees within 4 points, and one the smaller photo cannot support is reported as
not measured, with a reason, rather than as a confident number (the 480p pores of the issue)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.analysis import analyze

AGREE = 4.0
SIZES = {"480p": 47.0, "720p": 69.0, "1080p": 105.0}
"""Distance between the eyes of a face filling a third of the frame's height at each resolution."""


def _jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    ok, data = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


@pytest.fixture(scope="module", params=["biden_biden2.jpg", "dlib_Tom_Cruise_avp_2014_4.jpg"])
def ladder(request, shared_photo, read_rgb):
    rgb = read_rgb(shared_photo(request.param))
    iod = analyze(rgb).face["interocular_px"]
    out = {}
    for label, target in SIZES.items():
        factor = target / iod
        out[label] = analyze(
            _jpeg(cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA))
        )
    big = cv2.resize(
        rgb, None, fx=4000 / rgb.shape[1], fy=4000 / rgb.shape[1], interpolation=cv2.INTER_LINEAR
    )
    out["12 MP"] = analyze(_jpeg(big, 92))
    return out


@pytest.mark.parametrize(("small", "large"), [("720p", "1080p"), ("1080p", "12 MP")])
def test_a_measure_reported_at_both_sizes_agrees(ladder, small, large) -> None:
    a, b = ladder[small], ladder[large]
    both = a.metrics.keys() & b.metrics.keys()
    assert len(both) >= 6
    moved = {
        n: (a.metrics[n], b.metrics[n]) for n in both if abs(a.metrics[n] - b.metrics[n]) > AGREE
    }
    assert not moved, f"{small} -> {large}: {moved}"


def test_a_photo_too_small_declines_instead_of_guessing(ladder) -> None:
    small = ladder["480p"]
    assert "pores" not in small.metrics
    assert small.measures["pores"]["reason_code"] == "too_small"
    assert {"wrinkles", "roughness", "pigmentation"}.isdisjoint(small.metrics)
    assert "redness" in small.metrics
    assert "pores" in ladder["12 MP"].metrics
