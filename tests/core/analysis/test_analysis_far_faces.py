"""A face far from the camera in a large photo (the issue's "eyes 30 px apart", in a 4K frame or
a 12 MP photo): found where the cascade proposes it and analysed with what its size allows, or
told it is too small; never "no face", and never a half-match of it upside down."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import skimage.data

from core.analysis import analyze
from core.analysis.errors import AnalysisInputError
from core.analysis.far_faces import far_candidates, hog_factor
from core.analysis.finding import FARTHEST_IOD

ASTRONAUT_EYES = 42.0
"""skimage's astronaut has her eyes about 42 px apart."""
FOUR_K = (2160, 3840)
TWELVE_MP = (2600, 4624)


def _pasted(face: np.ndarray, scale: float, frame: tuple[int, int]) -> tuple[bytes, int]:
    """``face`` scaled by ``scale`` on a grey ``frame`` a third of the way across, as a JPEG; and
    the left edge of the face pasted."""
    small = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    canvas = np.full((*frame, 3), 128, np.uint8)
    top, left = (frame[0] - small.shape[0]) // 2, (frame[1] - small.shape[1]) // 3
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    ok, data = cv2.imencode(".jpg", canvas[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return data.tobytes(), left


@pytest.mark.parametrize(
    ("eyes", "frame"),
    [(32, FOUR_K), (32, TWELVE_MP), (45, TWELVE_MP)],
    ids=["32 px in 4K", "32 px in 12 MP", "45 px in 12 MP"],
)
def test_a_face_far_from_the_camera_in_a_large_photo_is_analysed(
    astronaut, eyes: int, frame: tuple[int, int]
) -> None:
    """Under the last look's 2048 px copy's window: "no face" before the cascade's proposals."""
    data, left = _pasted(astronaut, eyes / ASTRONAUT_EYES, frame)
    result = analyze(data)
    assert result.scale["interocular_px"] == pytest.approx(eyes, rel=0.1)
    assert left < result.face["box"][0] < left + 512 * eyes / ASTRONAUT_EYES
    assert result.face["turned_degrees"] == 0
    assert result.skin_score_uses  # analysed with the measures its size allows
    assert any(not measure["measured"] for measure in result.measures.values())


@pytest.mark.parametrize(
    ("quarters", "eyes", "frame"),
    [(1, 36, (1080, 1920)), (2, 36, FOUR_K), (3, 50, TWELVE_MP)],
    ids=["36 px in 1080p, on its side", "36 px in 4K, upside down", "50 px in 12 MP, other side"],
)
def test_a_far_face_in_a_photo_saved_on_its_side_is_turned_upright(
    astronaut, quarters: int, eyes: int, frame: tuple[int, int]
) -> None:
    """A phone photo sent through a messenger loses its EXIF orientation: a far face in it was
    "no face" (acceptance test, session 17, D3: 30 of 36 such photos), as the last look searched
    upright only."""
    upright, _ = _pasted(astronaut, eyes / ASTRONAUT_EYES, frame)
    photo = np.rot90(cv2.imdecode(np.frombuffer(upright, np.uint8), cv2.IMREAD_COLOR), quarters)
    ok, data = cv2.imencode(".jpg", np.ascontiguousarray(photo), [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    result = analyze(data.tobytes(), threads=2)
    assert result.face["turned_degrees"] == 90 * ((4 - quarters) % 4)
    assert result.scale["interocular_px"] == pytest.approx(eyes, rel=0.1)
    if quarters == 2:  # the turns are searched at once on two threads, in order on one
        assert analyze(data.tobytes(), threads=1).face == result.face


def test_a_far_face_on_grass_is_found(astronaut) -> None:
    """On grass the cascade proposes 10-20 places in a 12 MP photo; more than the first copy's 4
    gave up the far search ("no face" for every face of 30-50 px pasted there)."""
    grass = cv2.resize(
        np.stack([skimage.data.grass()] * 3, axis=-1),
        TWELVE_MP[::-1],
        interpolation=cv2.INTER_CUBIC,
    )
    scale = 40 / ASTRONAUT_EYES
    small = cv2.resize(astronaut, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grass[866 : 866 + small.shape[0], 1156 : 1156 + small.shape[1]] = small
    ok, data = cv2.imencode(".jpg", grass[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    result = analyze(data.tobytes())
    assert result.scale["interocular_px"] == pytest.approx(40, rel=0.1)
    assert 1156 < result.face["box"][0] < 1156 + small.shape[1]


def test_a_face_just_under_every_floor_is_told_it_is_too_small_not_missing(
    shared_photo, read_rgb
) -> None:
    rgb = read_rgb(shared_photo("lin-manuel-miranda.png"))
    data, _ = _pasted(rgb, 26 / analyze(rgb).scale["interocular_px"], FOUR_K)
    with pytest.raises(AnalysisInputError) as refused:
        analyze(data)
    assert refused.value.code == "too_small"
    assert "move closer to the camera" in str(refused.value)


def test_a_small_upright_face_is_not_taken_upside_down(shared_photo, read_rgb) -> None:
    """rose_leslie_img2 at 100 px between the eyes in a 12 MP photo: too small for the usual
    copies, and the upside-down turn half-matched it (score 0.006), so it was analysed upside
    down at 122 px, eyes on the mouth. The last look, upright, comes before a doubtful turn."""
    rgb = read_rgb(shared_photo("rose_leslie_img2.jpg"))
    eyes = analyze(rgb).scale["interocular_px"]
    data, _ = _pasted(rgb, 100 / eyes, TWELVE_MP)
    result = analyze(data)
    assert result.face["turned_degrees"] == 0
    assert result.scale["interocular_px"] == pytest.approx(100, rel=0.05)


def test_a_pattern_half_matching_a_face_at_a_turn_is_not_taken_for_one() -> None:
    """scikit-image's coins at 1080p: turned 270 degrees, dlib half-matched a face (score 0.27)
    and it was analysed as the only face in the photo (acceptance test, session 17)."""
    coins = cv2.resize(
        cv2.cvtColor(skimage.data.coins(), cv2.COLOR_GRAY2RGB),
        (1920, 1080),
        interpolation=cv2.INTER_CUBIC,
    )
    ok, data = cv2.imencode(".jpg", coins, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    with pytest.raises(AnalysisInputError) as refused:
        analyze(data.tobytes())
    assert refused.value.code == "no_face"


def test_a_doubtful_match_in_a_grey_photo_is_no_face() -> None:
    """The coins at 4K on their side: dlib half-matches a face (score 0.23) that no colour can
    vouch for, and it was analysed and scored 60 (acceptance test, session 17, D1)."""
    coins = cv2.resize(
        cv2.cvtColor(skimage.data.coins(), cv2.COLOR_GRAY2RGB),
        (3840, 2160),
        interpolation=cv2.INTER_CUBIC,
    )
    turned = np.ascontiguousarray(np.rot90(coins, 3))
    ok, data = cv2.imencode(".jpg", turned, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    with pytest.raises(AnalysisInputError) as refused:
        analyze(data.tobytes())
    assert refused.value.code == "no_face"


def test_a_badge_the_detector_half_matches_is_no_face(astronaut) -> None:
    """The astronaut's suit without her face, at 1080p: dlib half-matched the mission patch
    (score 0.09) and the photo was refused for a "light too strongly coloured" (acceptance test,
    session 17). A doubtful match without a skin colour is not a face."""
    suit = cv2.resize(astronaut[200:], (1920, 1080), interpolation=cv2.INTER_CUBIC)
    ok, data = cv2.imencode(".jpg", suit[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    with pytest.raises(AnalysisInputError) as refused:
        analyze(data.tobytes())
    assert refused.value.code == "no_face"


def test_a_large_photo_without_a_face_is_still_refused() -> None:
    coffee = cv2.resize(skimage.data.coffee(), TWELVE_MP[::-1], interpolation=cv2.INTER_CUBIC)
    ok, data = cv2.imencode(".jpg", coffee[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    with pytest.raises(AnalysisInputError) as refused:
        analyze(data.tobytes())
    assert refused.value.code == "no_face"


def test_the_cascade_proposes_the_far_face_and_nothing_when_the_copy_was_large_enough(
    astronaut,
) -> None:
    scale = 32 / ASTRONAUT_EYES
    small = cv2.resize(astronaut, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    canvas = np.full((*FOUR_K, 3), 128, np.uint8)
    canvas[1000 : 1000 + small.shape[0], 2000 : 2000 + small.shape[1]] = small
    plan = far_candidates(canvas, 2048 / FOUR_K[1], FARTHEST_IOD)
    assert plan is not None
    centre = np.array([2000 + small.shape[1] / 2, 1000 + small.shape[0] / 3])
    boxes = np.array(plan.boxes, dtype=float) / plan.cascade_factor
    assert any(b[0] < centre[0] < b[2] and b[1] < centre[1] < b[3] for b in boxes)
    # a copy already at the scale the smallest face needs: nothing left for the cascade to find
    assert far_candidates(canvas, hog_factor(FARTHEST_IOD), FARTHEST_IOD) is None
