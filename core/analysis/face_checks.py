"""The quality checks that need the chosen face and its regions: one person in the photo, and how
much of the face shows skin (the instruction names what usually covers the worst region, or asks
the person to move when the edge of the photo cuts it)."""

from __future__ import annotations

import numpy as np

from core.analysis.choice import Choice
from core.analysis.framing import Framing
from core.analysis.quality import Check, Status, grade
from core.analysis.regions import CUT_REASON, GLASSES_REASON, MASK_REASON, Regions
from core.vocabulary import instruction

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
