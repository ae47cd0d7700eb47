"""A face mask drawn on real faces: the mouth is covered, so the regions under the mask are left out
"hidden by a mask", the skin colour is taken from the under-eyes instead of the mask, the quality
check fails and asks to take the mask off; the same faces bare are never taken for masked."""

from __future__ import annotations

import numpy as np
import pytest

from core.analysis import analyze
from core.analysis.face import default_detector
from core.analysis.finding import upright
from core.analysis.intake import load_image
from core.analysis.mask_cover import MASK_REASON, MASK_REGIONS, mouth_covered
from core.analysis.normalise import normalise
from core.vocabulary import instruction
from tests.helpers.faces import face_mask

COLOURS = {
    "light blue": (160, 200, 230),
    "skin-coloured": (200, 160, 140),
    "white": (235, 235, 235),
}


@pytest.fixture(scope="module", params=["rose_leslie_img2.jpg", "lin-manuel-miranda.png"])
def real_face(request, shared_photo, read_rgb, geometry_of):
    rgb = read_rgb(shared_photo(request.param))
    return rgb, geometry_of(rgb)


@pytest.mark.parametrize("colour", list(COLOURS))
def test_a_mask_is_left_out_and_asked_to_come_off(real_face, colour: str) -> None:
    rgb, geometry = real_face
    result = analyze(face_mask(rgb, geometry, COLOURS[colour]))
    assert {n: result.excluded_regions.get(n) for n in MASK_REGIONS} == dict.fromkeys(
        MASK_REGIONS, MASK_REASON
    )
    check = result.quality["checks"]["skin_visible"]
    assert check["status"] == "fail" and not result.quality["ok"]
    assert check["message"] == instruction("remove_mask")
    for name, measure in result.measures.items():
        assert not set(MASK_REGIONS) & set(measure.get("regions", {})), name
        if measure.get("reason_code") == "too_little_skin":  # what to do: the mask, not hair
            assert measure["reason"].endswith(
                ": take off your mask: the camera must see your whole face"
            )


def test_a_measure_left_without_skin_asks_for_the_mask_off(shared_photo, read_rgb, geometry_of):
    """biden_biden2 is large enough for pores, which read the cheeks and nose: under a mask the
    reason says what to do about the mask, not about hair or glasses."""
    rgb = read_rgb(shared_photo("biden_biden2.jpg"))
    result = analyze(face_mask(rgb, geometry_of(rgb), COLOURS["skin-coloured"]))
    pores = result.measures["pores"]
    assert pores["reason_code"] == "too_little_skin"
    assert pores["reason"].endswith(": take off your mask: the camera must see your whole face")


def test_a_bare_face_is_not_taken_for_a_masked_one(real_face) -> None:
    rgb, _ = real_face
    result = analyze(rgb)
    assert MASK_REASON not in result.excluded_regions.values()
    assert result.quality["checks"]["skin_visible"]["message"] != instruction("remove_mask")


def test_a_flat_mouth_is_covered_and_a_real_one_is_not(portrait) -> None:
    """On the canonical canvas: the portrait's own mouth, then the same canvas with the mouth's
    ellipse painted flat (the mask's one property the check reads)."""
    image, chosen, _ = upright(load_image(portrait), default_detector())
    face = normalise(image.rgb, chosen.face)
    canvas = face.canon
    assert not mouth_covered(canvas.lightness, canvas.inside, canvas.frame, face.nose_u)
    flat = np.full_like(canvas.lightness, float(np.median(canvas.lightness)))
    assert mouth_covered(flat, canvas.inside, canvas.frame, face.nose_u)
    cut = np.zeros_like(canvas.inside)  # a mouth outside the photo is not judged
    assert not mouth_covered(flat, cut, canvas.frame, face.nose_u)
