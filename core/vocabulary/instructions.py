"""What to do to take a better photo: the one sentence each photo problem gets, wherever it shows
(the kiosk's live guidance, the analysis's quality checks, the screens that repeat them)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from core.vocabulary.measures import UnknownTermError

INSTRUCTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "look_at_camera": "Come near the camera and look at it, with your face uncovered",
        "move_closer": "Move closer to the camera",
        "move_to_middle": "Move into the middle of the frame",
        "move_back": "Move back from the camera: your whole face must fit in the frame",
        "one_person": "Two faces of about the same size: take the photo of one person only",
        "head_level": "Keep your head level",
        "face_camera": "Turn your face straight towards the camera",
        "chin_level": "Keep your chin level and look straight ahead",
        "hold_still": "Hold still and check the camera is focused",
        "add_light": "Add light or face the light",
        "face_light": "Face the light",
        "uneven_light": "Face the light: the {side} of your face is darker",
        "too_bright": "Too bright: move away from the light",
        "too_dark": "Too dark: add light in front of you",
        "remove_sunglasses": "Take off your sunglasses: the camera must see your eyes",
        "remove_glasses": "Take off your glasses",
        "remove_mask": "Take off your mask: the camera must see your whole face",
        "hair_off_forehead": "Move your hair off your forehead",
        "hair_behind_ears": "Move your hair behind your ears",
        "uncover_face": "Move your hair, hands or glasses away from your face",
        "neutral_light": "Use neutral white light",
        "colour_camera": "Use a colour camera in white light: this photo has no colour",
    }
)
"""The one sentence each photo problem gets, as the kiosk's live guidance, the analysis's quality
checks and every screen that repeats them say it (an imperative a person can follow at once)."""


def instruction(key: str, **fill: str) -> str:
    """The instruction for a photo problem, with its blanks filled (``side`` for uneven light)."""
    try:
        text = INSTRUCTIONS[key]
    except KeyError:
        raise UnknownTermError(f"SkinLab has no words for the photo problem {key!r}.") from None
    return text.format(**fill)
