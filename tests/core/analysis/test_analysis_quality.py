"""Quality checks and live guidance: each problem gives its check a warn/fail and an instruction."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.analysis import LiveQuality, analyze, assess_frame
from core.analysis.face import default_detector
from core.analysis.face_model import primary_index
from core.analysis.quality import NOSE_DEPTH_U, assess_face, head_yaw_degrees


def quality_of(rgb: np.ndarray):
    faces = default_detector().detect(rgb)
    assert faces
    return assess_face(rgb, faces[primary_index(faces, rgb.shape[1], rgb.shape[0])])


def test_good_portrait_passes(portrait) -> None:
    report = quality_of(portrait)
    assert report.ok
    for name in (
        "sharpness",
        "exposure",
        "head_roll",
        "head_yaw",
        "light_evenness",
        "highlights_clipped",
    ):
        assert report.check(name).status == "pass", name


def test_small_face_asks_to_move_closer(astronaut) -> None:
    check = quality_of(astronaut).check("face_size")
    assert check.status == "warn" and check.message == "Move closer to the camera"
    tiny = cv2.resize(astronaut, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    canvas = np.full((512, 512, 3), 128, np.uint8)
    canvas[128:384, 128:384] = tiny
    faces = default_detector().detect(canvas)
    if faces:  # dlib may not find a 21 px-between-the-eyes face at all, which is also a refusal
        report = assess_face(canvas, faces[primary_index(faces, 512, 512)])
        assert report.check("face_size").status == "fail" and not report.ok


def test_dim_light_is_reported_by_the_eye_whites(portrait) -> None:
    dim = (portrait.astype(np.float32) * 0.22).astype(np.uint8)
    check = quality_of(dim).check("exposure")
    assert check.status in {"warn", "fail"} and "light" in check.message


def test_light_from_one_side_is_reported(portrait, portrait_geometry) -> None:
    x = np.arange(portrait.shape[1], dtype=np.float32) - portrait_geometry.mid[0]
    ramp = (0.4 + 0.6 / (1 + np.exp(x / (0.2 * portrait_geometry.iod))))[None, :, None]
    lit = np.clip(portrait * ramp, 0, 255).astype(np.uint8)
    check = quality_of(lit).check("light_evenness")
    assert check.status in {"warn", "fail"} and check.message.startswith("Face the light")


def test_tilted_head_is_reported(portrait) -> None:
    h, w = portrait.shape[:2]
    tilted = cv2.warpAffine(
        portrait,
        cv2.getRotationMatrix2D((w / 2, h / 2), 14, 1.0),
        (w, h),
        borderMode=cv2.BORDER_REFLECT,
    )
    check = quality_of(tilted).check("head_roll")
    assert check.status in {"warn", "fail"} and check.value > 8


def test_colour_cast_and_hair_are_reported_in_the_analysis(portrait, portrait_result) -> None:
    checks = portrait_result.quality["checks"]
    assert checks["skin_visible"]["status"] == "warn"
    assert checks["skin_visible"]["message"] == "Move your hair off your forehead"
    assert portrait_result.excluded_regions["forehead"] == "hidden by hair or a hat"
    assert "forehead" not in portrait_result.measures["wrinkles"]["regions"]
    # a cast a camera may leave (a light too warm for colour is refused: test_analysis_needs.py)
    tinted = np.clip(portrait.astype(np.float32) * [1.08, 1.0, 0.85], 0, 255).astype(np.uint8)
    cast = analyze(tinted).quality["checks"]["colour_cast"]
    assert cast["status"] == "warn" and cast["value"] > checks["colour_cast"]["value"]


@pytest.fixture(scope="module")
def webcam_frame(astronaut) -> np.ndarray:
    """A 1280x720 frame with the face about a third of the width, like a kiosk capture."""
    big = cv2.resize(astronaut, None, fx=4.6, fy=4.6, interpolation=cv2.INTER_LINEAR)
    cx, cy = int(222 * 4.6), int(125 * 4.6)
    return np.ascontiguousarray(big[cy - 360 : cy + 360, cx - 640 : cx + 640])


def test_live_frame_check(webcam_frame) -> None:
    report = assess_frame(webcam_frame)
    assert report.ok and report.face is not None
    assert report.check("face_size").status == "pass"


def test_tracking_gives_the_same_answer_as_a_full_search(webcam_frame) -> None:
    tracker = LiveQuality()
    first = tracker.assess(webcam_frame)
    second = tracker.assess(webcam_frame)
    for a, b in zip(first.checks, second.checks, strict=True):
        assert a.name == b.name and a.status == b.status
    assert abs(first.face.iod - second.face.iod) < 0.05 * first.face.iod


def test_live_frame_without_a_face(webcam_frame) -> None:
    tracker = LiveQuality()
    tracker.assess(webcam_frame)
    blank = np.full_like(webcam_frame, 90)
    report = tracker.assess(blank)
    assert not report.ok and report.messages == [
        "Come near the camera and look at it, with your face uncovered"
    ]


def test_every_instruction_is_the_vocabulary_s(portrait, portrait_result) -> None:
    """The kiosk shows these messages as they are: each must be a sentence of
    ``core.vocabulary.INSTRUCTIONS`` (blanks filled), never words written inside a check."""
    from core.vocabulary import INSTRUCTIONS

    dim = (portrait.astype(np.float32) * 0.15).astype(np.uint8)
    small = cv2.resize(portrait, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    messages = set(portrait_result.quality["messages"])
    for rgb in (dim, small, portrait[:, : portrait.shape[1] // 2 + 40]):
        messages |= set(analyze(rgb).quality["messages"])
    assert len(messages) >= 3
    known = {t.split("{")[0] for t in INSTRUCTIONS.values()}
    for message in messages:
        assert any(message.startswith(k) for k in known if k), message


@pytest.mark.parametrize("turn", [0.0, 5.0, 12.0, 20.0, 25.0, 35.0, -25.0])
def test_head_yaw_reads_the_turn_of_a_projected_head(turn: float) -> None:
    """Eyes at +-0.5 and the nose base NOSE_DEPTH_U in front, turned and seen orthographically: the
    offset is measured in the *seen* eye distance, which shrinks with the turn, as a photo's does."""
    t = np.radians(turn)
    eyes_x = [x * np.cos(t) for x in (-0.5, 0.5)]
    nose_x = NOSE_DEPTH_U * np.sin(t)
    seen_iod = eyes_x[1] - eyes_x[0]
    offset = (nose_x - sum(eyes_x) / 2) / seen_iod
    assert head_yaw_degrees(offset) == pytest.approx(turn, abs=0.01)


def test_hair_over_the_forehead_and_beside_an_eye_is_asked_off_the_forehead(
    portrait, portrait_geometry
) -> None:
    """The portrait's forehead is under hair; dark hair over one crow's feet too leaves that
    region less visible, but the instruction stays with the forehead, the main region."""
    temple = portrait_geometry.region_mask("right_crows_feet", feather=0.0)[..., None]
    haired = (portrait * (1 - temple) + np.array([18, 14, 12]) * temple).astype(np.uint8)
    result = analyze(haired)
    assert result.excluded_regions["forehead"] == "hidden by hair or a hat"
    assert "right_crows_feet" in result.excluded_regions
    assert result.quality["checks"]["skin_visible"]["message"] == "Move your hair off your forehead"
