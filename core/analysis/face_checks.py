"""The quality checks that need the chosen face and its regions: one person in the photo, how
much of the face shows skin (the instruction names what usually covers the worst region, or asks
the person to move when the edge of the photo cuts it), and the light's colour."""

from __future__ import annotations

from typing import Final

import numpy as np

from core.analysis.choice import Choice
from core.analysis.colour import NO_COLOUR
from core.analysis.framing import Framing
from core.analysis.needs import Declined
from core.analysis.quality import Check, Status, grade
from core.analysis.regions import CUT_REASON, GLASSES_REASON, MASK_REASON, Regions
from core.vocabulary import instruction

CAST_WARN: Final = 0.12
"""The light's estimated cast (largest |log gain| of the white-balance estimate) from which the
photo is told to use neutral white light; a severe finding resting only on colour measures is then
not referred to a dermatologist before a retake (the cast alone moved redness by 20 points)."""
MAIN_REGIONS = ("forehead", "left_cheek", "right_cheek", "nose", "chin")
_REGION_ADVICE = {
    "forehead": "hair_off_forehead",
    "left_under_eye": "remove_glasses",
    "right_under_eye": "remove_glasses",
    "left_crows_feet": "hair_behind_ears",
    "right_crows_feet": "hair_behind_ears",
}
"""What usually covers each region, as the key of its instruction (``core.vocabulary``)."""
_COVER_ADVICE = {GLASSES_REASON: "remove_glasses", MASK_REASON: "remove_mask"}
"""The instruction for a region left out because something known covers it."""


def one_face_check(choice: Choice) -> Check:
    status: Status = "warn" if choice.rival is not None else "pass"
    message = instruction("one_person")
    return Check(
        "one_face", status, float(choice.others + 1), "faces", message if choice.rival else ""
    )


def _worst(hidden: list[str], fractions: dict[str, float]) -> str:
    """The region the instruction is about: of those hidden, a main region first (hair over the
    forehead and beside one eye is "off your forehead", the larger and more measured skin), then
    the least visible; with none hidden, the least visible region."""
    if hidden:
        return min(hidden, key=lambda n: (n not in MAIN_REGIONS, fractions[n]))
    return min(fractions, key=lambda n: fractions[n])


def coverage_check(regions: Regions, framing: Framing) -> Check:
    """How much of the face shows skin; the instruction names what covers the worst region, or
    gives ``framing``'s instruction when the edge of the photo cuts it: nothing covers it there.
    A mask hides most of the face: it fails the check, and its instruction comes first."""
    fractions = dict(regions.visible)
    main = float(np.mean([fractions[n] for n in MAIN_REGIONS]))
    hidden = [n for n, why in regions.excluded.items() if why != CUT_REASON]
    masked = [n for n in hidden if regions.excluded[n] == MASK_REASON]
    worst = masked[0] if masked else _worst(hidden, fractions)
    status = (
        "fail"
        if main < 0.3 or masked
        else "warn"
        if hidden
        else grade(fractions[worst], warn=0.5, fail=-1.0)
    )
    why = regions.excluded.get(worst)
    if why == CUT_REASON:
        advice = framing.instruction
    else:
        advice = instruction(
            _COVER_ADVICE.get(why or "", _REGION_ADVICE.get(worst, "uncover_face"))
        )
    return Check(
        "skin_visible", status, main, "fraction_of_regions", "" if status == "pass" else advice
    )


def colour_check(cast: float, problem: Declined | None) -> Check:
    """The light's colour: a warning from a strong estimated cast (``cast``), a failure when the
    skin shows no colour at all (``problem`` is :data:`~core.analysis.colour.NO_COLOUR`).

    A photo without colour (greyscale, or an infrared webcam's frame) declines every colour
    measure, and what it still reports (lines, spots, texture, firmness) rests on the camera's
    unknown tone curve: brightening a shared face's grey copy with gamma 0.6, as infrared
    webcams do, read lines 15-20 points lower on four shared faces, and even gamma 0.8 or 1.25
    moved them by 4-11 (session 18, docs/analysis.md). So the photo is not judged good: the person is asked for a
    colour camera. (A tinted light declines every measure: that photo is refused, not graded.)
    """
    if problem is not None and problem.code == NO_COLOUR.code:
        return Check("colour_cast", "fail", cast, "max_abs_log_gain", instruction("colour_camera"))
    status = grade(cast, warn=CAST_WARN, fail=1e9, higher_is_better=False)
    message = instruction("neutral_light") if status != "pass" else ""
    return Check("colour_cast", status, cast, "max_abs_log_gain", message)
