"""A face too small for the detector's first, 512 px copy of a large photo is searched on the 1024 px
copy only around the skin-coloured areas of the first one, and found where a search of the whole
copy finds it; where no skin hue shows (greyscale, strongly tinted light) the whole copy is searched
as before, so nothing is missed."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from core.analysis import analyze, small_faces
from core.analysis.choice import choose_face, skin_like
from core.analysis.face import (
    GREY_CANDIDATE,
    GREY_SURE,
    HOG_WINDOW,
    DlibFaceDetector,
    _grey,
    _resized,
    default_detector,
)
from core.analysis.look import MAX_SHARE, maybe_skin_mask, skin_areas, skin_mask
from core.analysis.skin_hue import HUE_CHROMA_MIN, SKIN_HUE
from core.analysis.small_faces import LARGEST_SURE, small_face_detector

WIDTH, HEIGHT = 2048, 1152


@pytest.fixture(scope="module")
def landscape(shared_photo, read_rgb) -> np.ndarray:
    """A 16:9 photo with a real face at the right, 80 px between the eyes: too small to be found
    on a 512 px copy, found on a 1024 px one; a smooth blue-green background."""
    face = read_rgb(shared_photo("biden_biden2.jpg"))
    found = default_detector().detect(face)[0]
    small = cv2.resize(
        face, None, fx=80 / found.iod, fy=80 / found.iod, interpolation=cv2.INTER_AREA
    )
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    frame = np.stack(
        [40 + 30 * np.sin(xx / 150), 90 + 30 * np.cos(yy / 100), np.full(xx.shape, 140.0)], axis=2
    ).astype(np.uint8)
    h, w = small.shape[:2]
    frame[200 : 200 + h, 1500 : 1500 + w] = small[: HEIGHT - 200, : WIDTH - 1500]
    return np.ascontiguousarray(frame)


def _copy(rgb: np.ndarray) -> np.ndarray:
    return _resized(rgb, 512 / max(rgb.shape[:2]))


def test_the_face_is_searched_only_around_skin(landscape) -> None:
    first = _copy(landscape)
    assert not default_detector().detect(landscape, levels=(512,))  # too small on the first copy
    crops = skin_areas(first, HOG_WINDOW / 2)
    assert crops is not None
    share = sum((r - x) * (b - y) for x, y, r, b in crops) / (first.shape[0] * first.shape[1])
    assert share < MAX_SHARE
    face_x = (1500 + 150) * 512 / WIDTH
    assert any(x <= face_x <= r for x, _, r, _ in crops)


def test_found_where_a_search_of_the_whole_copy_finds_it(landscape) -> None:
    looked = default_detector().detect(landscape)
    whole = default_detector().detect(landscape, levels=(1024,))
    assert len(looked) == len(whole) == 1
    assert math.dist(looked[0].eye_image_left, whole[0].eye_image_left) < 3.0
    assert math.dist(looked[0].eye_image_right, whole[0].eye_image_right) < 3.0
    assert abs(looked[0].iod - 80) < 8


def test_no_skin_hue_searches_the_whole_copy(landscape) -> None:
    grey = np.repeat(cv2.cvtColor(landscape, cv2.COLOR_RGB2GRAY)[:, :, None], 3, axis=2)
    assert not skin_mask(_copy(grey)).any()
    assert skin_areas(_copy(grey), HOG_WINDOW / 2) is None
    faces = default_detector().detect(grey)
    assert len(faces) == 1 and abs(faces[0].iod - 80) < 8


def test_skin_everywhere_is_no_saving() -> None:
    """A skin-coloured wall: looking in crops would cover most of the copy, so the answer is None
    and the whole copy is searched."""
    wall = np.zeros((288, 512, 3), np.uint8)
    wall[:] = (205, 160, 130)
    assert skin_areas(wall, 40) is None


def test_specks_too_small_for_a_face_are_left_out() -> None:
    frame = np.zeros((288, 512, 3), np.uint8)
    frame[:] = (40, 90, 140)
    frame[100:105, 100:105] = (205, 160, 130)
    assert skin_mask(frame)[102, 102]
    assert skin_areas(frame, 40) is None


def _two_people(face: np.ndarray, *, right: np.ndarray) -> np.ndarray:
    """The same 80 px face at the left and, as ``right``, at the right of a 16:9 frame, as far from
    the centre as each other on a blue-green background: two people of equal size."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    frame = np.stack(
        [40 + 30 * np.sin(xx / 150), 90 + 30 * np.cos(yy / 100), np.full(xx.shape, 140.0)], axis=2
    ).astype(np.uint8)
    h, w = face.shape[:2]
    frame[300 : 300 + h, 300 : 300 + w] = face[: HEIGHT - 300]
    frame[300 : 300 + h, WIDTH - 300 - w : WIDTH - 300] = right[: HEIGHT - 300]
    return np.ascontiguousarray(frame)


@pytest.fixture(scope="module")
def small_face(shared_photo, read_rgb) -> np.ndarray:
    face = read_rgb(shared_photo("biden_biden2.jpg"))
    found = default_detector().detect(face)[0]
    scale = 80 / found.iod
    return np.asarray(
        cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), np.uint8
    )


def test_a_colourless_second_face_is_searched_and_counted(small_face) -> None:
    """The second of two people, in black and white (or very dark skin in shadow): no skin hue,
    yet the choice weighs it as a face, so the search around skin must find it too."""
    grey = np.repeat(cv2.cvtColor(small_face, cv2.COLOR_RGB2GRAY)[:, :, None], 3, axis=2)
    photo = _two_people(small_face, right=grey)
    assert not default_detector().detect(photo, levels=(512,))  # the shortcut is what runs
    first = _copy(photo)
    crops = skin_areas(first, HOG_WINDOW / 2)
    assert crops is not None and len(crops) == 2  # around each face, not the whole copy
    whole = default_detector().detect(photo, levels=(1024,))
    looked = default_detector().detect(photo)
    assert len(looked) == len(whole) == 2
    result = analyze(photo)
    assert result.other_faces == 1
    assert result.quality["checks"]["one_face"]["status"] == "warn"
    assert "of two about the same size" in result.face["chosen"]


def test_a_face_of_a_clear_non_skin_hue_changes_only_the_count(small_face) -> None:
    """What the search around skin still leaves out: a face of a clear non-skin hue (here blue, as
    under a coloured light or printed in one ink) beside a real one. A search of the whole copy
    finds it, but the choice weighs it at NOT_SKIN_WEIGHT, so the face chosen and the absence of
    a rival are the same either way; only ``other_faces`` is one lower."""
    blue = small_face.copy()
    blue[:, :, 0] //= 3
    blue[:, :, 1] //= 2
    photo = _two_people(small_face, right=blue)
    whole = default_detector().detect(photo, levels=(1024,))
    looked = default_detector().detect(photo)
    assert len(whole) == 2 and len(looked) == 1
    assert not skin_like(photo, max(whole, key=lambda f: f.centre[0]))
    full_choice = choose_face(photo, whole)
    assert full_choice.rival is None
    assert math.dist(full_choice.face.nose, looked[0].nose) < 3.0
    assert choose_face(photo, looked).rival is None


def _grey_candidates(rgb: np.ndarray) -> list[float]:
    """Scores of the grey search of the whole 1024 px copy, as the detector runs it."""
    copy = _resized(rgb, 1024 / max(rgb.shape[:2]), rest=cv2.INTER_LINEAR)
    return [score for _, score in default_detector()._hog(_grey(copy), GREY_CANDIDATE)]


def test_a_sure_grey_search_finds_what_colour_finds(landscape) -> None:
    """The 1024 px copies are searched in grey first; when every candidate is sure, grey's face
    is taken, at the same place as colour's."""
    scores = _grey_candidates(landscape)
    assert scores and all(score >= GREY_SURE for score in scores)
    looked = default_detector().detect(landscape)
    copy = _resized(landscape, 1024 / WIDTH, rest=cv2.INTER_LINEAR)
    colour = default_detector()._run(landscape, copy, 1024 / WIDTH, (0, 0))
    assert len(looked) == len(colour) == 1
    assert math.dist(looked[0].eye_image_left, colour[0].eye_image_left) < 3.0
    assert math.dist(looked[0].eye_image_right, colour[0].eye_image_right) < 3.0


def test_an_unsure_grey_candidate_leaves_the_answer_to_colour(portrait) -> None:
    """Two astronauts side by side: grey alone sees a third 'face' on a suit, scoring under
    GREY_SURE, so colour searches again and finds the two people only."""
    pair = np.ascontiguousarray(np.hstack([portrait, portrait[:, ::-1]]))
    scores = _grey_candidates(pair)
    assert any(score < GREY_SURE for score in scores)
    assert len(default_detector().detect(pair)) == 2


def test_the_search_after_the_first_copy_looks_for_small_faces_only(portrait, landscape) -> None:
    """The grey search of the later copies stops its pyramid at boxes of 166 px: it finds the
    landscape's small face exactly as the full detector does, and not the portrait's large one."""
    small_faces = small_face_detector()
    copy = _grey(_resized(landscape, 1024 / WIDTH, rest=cv2.INTER_LINEAR))
    limited = default_detector()._hog(copy, GREY_CANDIDATE, small_faces)
    full = default_detector()._hog(copy, GREY_CANDIDATE)
    assert [(str(r), round(s, 6)) for r, s in limited] == [(str(r), round(s, 6)) for r, s in full]
    big = _grey(cv2.resize(portrait, None, fx=1.6, fy=1.6))  # a face box of about 290 px
    assert default_detector()._hog(big, GREY_CANDIDATE)
    assert not default_detector()._hog(big, GREY_CANDIDATE, small_faces)
    edge = default_detector()._hog(_grey(portrait), GREY_CANDIDATE, small_faces)  # ~180 px box
    assert all(rect.width() > LARGEST_SURE for rect, _ in edge)  # seen smaller: never sure


def test_a_large_face_missed_on_the_first_copy_is_still_found(portrait) -> None:
    """A first copy too small for any face (64 px) and a second where the face is larger than the
    limited grey search looks for: colour's full search finds it, as before."""
    big = np.ascontiguousarray(cv2.resize(portrait, None, fx=1.6, fy=1.6))
    assert not default_detector()._hog(_grey(big), GREY_CANDIDATE, small_face_detector())
    faces = default_detector().detect(big, levels=(64, max(big.shape[:2])))
    face = max(faces, key=lambda f: f.score)
    assert abs(face.iod - 1.6 * 84) < 12


def test_without_a_writable_temporary_folder_the_full_detector_searches(
    landscape, monkeypatch
) -> None:
    """The limited detector is written to a temporary folder and read back; where none can be
    written, the full detector is used and the face is still found."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(small_faces.tempfile, "TemporaryDirectory", refuse)
    small_faces.small_face_detector.cache_clear()
    try:
        fallback = small_faces.small_face_detector()
        copy = _grey(_resized(landscape, 1024 / WIDTH, rest=cv2.INTER_LINEAR))
        assert fallback.run(copy, 0, 0.0)[0]  # type: ignore[attr-defined]
        assert len(DlibFaceDetector().detect(landscape)) == 1
    finally:
        small_faces.small_face_detector.cache_clear()


@pytest.mark.parametrize(
    "name", ["biden_biden2.jpg", "dlib_bald_guys.jpg", "lin-manuel-miranda.png"]
)
def test_the_hue_lookup_gives_the_per_pixel_answers(name, shared_photo, read_rgb) -> None:
    """The look reads hue and chroma from a table of the 65,536 8-bit (a, b) pairs: on real photos
    it says exactly what the per-pixel arithmetic says, pixel for pixel."""
    rgb = read_rgb(shared_photo(name))
    lab = cv2.cvtColor(cv2.blur(rgb, (3, 3)), cv2.COLOR_RGB2Lab).astype(np.float32)
    a, b = lab[:, :, 1] - 128.0, lab[:, :, 2] - 128.0
    hue = np.degrees(np.arctan2(b, a))
    coloured = np.hypot(a, b) >= HUE_CHROMA_MIN
    lit = (lab[:, :, 0] > 0.1 * 255) & (lab[:, :, 0] < 0.98 * 255)
    expected = (hue >= SKIN_HUE[0]) & (hue <= SKIN_HUE[1]) & coloured & lit
    assert 0.05 < expected.mean() < 0.95  # both answers occur
    assert np.array_equal(skin_mask(rgb), expected)
    assert np.array_equal(
        maybe_skin_mask(rgb), lit & ((hue >= SKIN_HUE[0]) & (hue <= SKIN_HUE[1]) | ~coloured)
    )
