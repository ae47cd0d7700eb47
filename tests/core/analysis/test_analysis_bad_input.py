"""Bad photos a clinic will meet: two people of the same size, a photo saved on its side without
an EXIF orientation, a face larger than the frame. Each is analysed with what it allows and says
what happened, or is refused with a typed error (the tiny face, greyscale, infrared and tinted
frames are in test_analysis_needs.py; faces cut by an edge in test_analysis_framing.py)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import skimage.data

from core.analysis import analyze
from core.analysis.errors import AnalysisInputError


def test_two_faces_of_the_same_size_say_which_one_was_analysed(portrait) -> None:
    pair = np.ascontiguousarray(np.hstack([portrait, portrait[:, ::-1]]))
    result = analyze(pair)
    assert result.other_faces == 1
    assert "of two about the same size" in result.face["chosen"]
    assert "was not analysed" in result.face["chosen"]
    check = result.quality["checks"]["one_face"]
    assert check["status"] == "warn" and "one person" in check["message"]


def test_one_face_says_it_was_the_only_one(portrait_result) -> None:
    assert portrait_result.face["chosen"] == "the only face found in the photo"
    assert portrait_result.quality["checks"]["one_face"]["status"] == "pass"


@pytest.mark.parametrize("quarters", [1, 3])
def test_photo_on_its_side_without_exif_is_turned_upright(
    portrait, portrait_result, quarters
) -> None:
    ok, data = cv2.imencode(".jpg", np.rot90(portrait, quarters)[:, :, ::-1].copy())
    assert ok
    result = analyze(data.tobytes())
    assert result.face["turned_degrees"] in (90, 270)
    assert result.face["interocular_px"] == pytest.approx(
        portrait_result.face["interocular_px"], rel=0.05
    )
    assert result.metrics.keys() == portrait_result.metrics.keys()
    for name, level in portrait_result.metrics.items():
        assert abs(result.metrics[name] - level) <= 6.0, name


def test_face_larger_than_the_frame_asks_to_move_back(portrait, portrait_geometry) -> None:
    mx, my = portrait_geometry.mid
    d = portrait_geometry.iod
    crop = portrait[int(my - 0.8 * d) : int(my + 1.3 * d), int(mx - 0.85 * d) : int(mx + 0.85 * d)]
    result = analyze(np.ascontiguousarray(cv2.resize(crop, None, fx=3, fy=3)))
    assert not result.quality["ok"]
    assert result.quality["checks"]["centring"]["message"].startswith("Move back from the camera")
    assert {"forehead", "chin"} <= set(result.excluded_regions)


def test_photo_upside_down_is_turned_even_when_a_doubtful_face_shows(
    shared_photo, read_rgb
) -> None:
    """rose_leslie_img2 upside down: the upright detector half-matches it (score 0.01) and the
    photo was analysed as it was, the forehead region on the mouth, scoring 'Excellent'."""
    rgb = read_rgb(shared_photo("rose_leslie_img2.jpg"))
    upright = analyze(rgb)
    result = analyze(np.ascontiguousarray(np.rot90(rgb, 2)))
    assert result.face["turned_degrees"] == 180
    assert result.face["interocular_px"] == pytest.approx(upright.face["interocular_px"], rel=0.05)
    for name, level in upright.metrics.items():
        assert abs(result.metrics[name] - level) <= 6.0, name


@pytest.mark.parametrize(
    ("eyes", "frame"),
    [(42, (1080, 1920)), (70, (2600, 4624))],
    ids=["tiny face in a 1080p frame", "small face in a 12 MP photo"],
)
def test_a_small_face_far_from_the_camera_is_found_and_analysed(
    astronaut, eyes: int, frame: tuple[int, int]
) -> None:
    """A face under 2 % of the frame's width is smaller than the detector's window on the usual
    copies; the last look, on a larger copy, finds it (both were "no face" before)."""
    small = cv2.resize(astronaut, None, fx=eyes / 42, fy=eyes / 42, interpolation=cv2.INTER_AREA)
    canvas = np.full((*frame, 3), 128, np.uint8)
    canvas[200 : 200 + small.shape[0], 300 : 300 + small.shape[1]] = small
    ok, data = cv2.imencode(".jpg", canvas[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    result = analyze(data.tobytes())
    assert result.scale["interocular_px"] == pytest.approx(eyes, rel=0.1)
    assert 300 < result.face["box"][0] < 300 + small.shape[1]  # the face pasted there
    assert result.skin_score_uses  # analysed with what its size allows, not refused


def test_a_photo_without_a_face_is_still_refused_after_the_last_look() -> None:
    coffee = cv2.resize(skimage.data.coffee(), (1920, 1440), interpolation=cv2.INTER_CUBIC)
    with pytest.raises(AnalysisInputError) as refused:
        analyze(np.ascontiguousarray(coffee))
    assert refused.value.code == "no_face"
