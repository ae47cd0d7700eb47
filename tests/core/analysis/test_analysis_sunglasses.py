"""Sunglasses on a real face: the eyes are hidden, so the photo's light cannot be judged by the eye
whites. The person is asked to take the sunglasses off (not to add light, which would not help),
in the words of ``core.vocabulary``, and the skin behind the glasses is left out."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.analysis import LiveQuality, analyze
from core.analysis.quality import EYES_HIDDEN_RATIO
from core.analysis.regions import GLASSES_REASON
from core.vocabulary import instruction
from tests.helpers.faces import sunglasses


@pytest.fixture(scope="module")
def real_face(shared_photo, read_rgb, geometry_of):
    rgb = read_rgb(shared_photo("biden_biden2.jpg"))
    return rgb, geometry_of(rgb)


def test_sunglasses_ask_to_take_them_off_not_to_add_light(real_face) -> None:
    rgb, geometry = real_face
    clear = analyze(rgb).quality
    assert clear["checks"]["eyes_visible"]["status"] == "pass"
    assert clear["checks"]["eyes_visible"]["value"] > 1.0  # eye whites outshine the skin
    shaded = analyze(sunglasses(rgb, geometry)).quality
    eyes = shaded["checks"]["eyes_visible"]
    assert eyes["status"] == "fail" and eyes["value"] < EYES_HIDDEN_RATIO
    assert eyes["message"] == instruction("remove_sunglasses")
    assert shaded["messages"][0] == instruction("remove_sunglasses")
    assert not shaded["ok"]
    # the light is fine: it is judged by the skin instead of the hidden eye whites
    assert shaded["checks"]["exposure"]["status"] == "pass"
    assert instruction("add_light") not in shaded["messages"]


def test_the_skin_behind_sunglasses_is_left_out(real_face) -> None:
    rgb, geometry = real_face
    result = analyze(sunglasses(rgb, geometry))
    hidden = {n for n, why in result.excluded_regions.items() if why == GLASSES_REASON}
    assert hidden == {"left_under_eye", "right_under_eye", "left_crows_feet", "right_crows_feet"}
    assert not result.measures["dark_circles"].get("regions")


def test_dim_light_still_asks_for_light(real_face) -> None:
    """A dark photo darkens eye whites and skin alike: the eyes show, the light is what is wrong."""
    rgb, _ = real_face
    dim = (rgb.astype(np.float32) * 0.2).astype(np.uint8)
    quality = analyze(dim).quality
    assert quality["checks"]["eyes_visible"]["status"] == "pass"
    exposure = quality["checks"]["exposure"]
    assert exposure["status"] in {"warn", "fail"}
    assert exposure["message"] == instruction("add_light")


def test_clear_lenses_are_notsunglasses(real_face) -> None:
    """Light tinted lenses (category 1: 60 % of the light through) leave the eye whites visible."""
    rgb, geometry = real_face
    lenses = np.zeros(rgb.shape[:2], np.uint8)
    for u in (-0.5, 0.5):
        centre = tuple(int(v) for v in geometry.point(u, 0.05))
        cv2.ellipse(
            lenses, centre, (int(0.36 * geometry.iod), int(0.27 * geometry.iod)), 0, 0, 360, 1, -1
        )
    tinted = np.where(lenses[:, :, None] > 0, (rgb * 0.6).astype(np.uint8), rgb)
    assert analyze(tinted).quality["checks"]["eyes_visible"]["status"] == "pass"


def test_live_guidance_asks_the_same(real_face) -> None:
    """The kiosk's live check runs the same checks on each camera frame: it asks the person in
    sunglasses to take them off before any photo is taken."""
    rgb, geometry = real_face
    report = LiveQuality().assess(sunglasses(rgb, geometry))
    assert not report.ok
    assert report.messages[0] == instruction("remove_sunglasses")
    assert LiveQuality().assess(rgb).check("eyes_visible").status == "pass"
