"""Quality: is this photo good enough, and if not, one instruction a person can follow.

Shared by the analysis (which lowers its confidence) and the kiosk's live guidance (which runs it on
every frame, see :mod:`core.analysis.live`). Every threshold is relative to the face itself (its
interocular distance, its own contrast, its eye whites, the ratio of its two sides), so that darker
skin is not judged under- or badly exposed by construction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.face_model import Face
from core.analysis.frame import LUMA, FaceFrame, ellipse, eye_areas, face_frame, warp_to_frame
from core.analysis.framing import assess_framing
from core.analysis.mask_cover import FLAT_MOUTH, mouth_spread
from core.analysis.pixels import channel_max, channel_min, pixels_at
from core.vocabulary import instruction

Status = Literal["pass", "warn", "fail"]
QUALITY_IOD: Final = 96.0
"""Interocular distance of the small canvas the checks run on (never upsampled beyond native)."""
_BOX: Final = (-1.25, -1.2, 2.5, 3.5)
_PENALTY: Final = {"pass": 0.0, "warn": 12.0, "fail": 35.0}
NOSE_DEPTH_U: Final = 0.45
"""How far the nose base lies in front of the eye centres, in interocular distances (about 28 of
63 mm in an adult): the lever arm that turns a head turn into a sideways nose offset."""
EYES_HIDDEN_RATIO: Final = 0.5
"""Eye areas whose brightest pixels (95th percentile, 8-bit luma) are under half the skin's median
show neither an eye white nor eyelid skin, but a dark cover: sunglasses. An eye white reflects more
than skin of any tone, so on almost every face the ratio is about 1 or more (median 1.08 on the 302
faces-age and 10 shared faces); eyes in deep shadow or with heavy make-up reach 0.63-0.74, the two
faces there in sunglasses read 0.25 and 0.41. Tinted lenses pass 8-43 % of the light (filter
categories 2-3), so the eye whites behind them read at about that share, below the skin around."""


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    value: float
    unit: str
    message: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "value": round(self.value, 3),
            "unit": self.unit,
            "message": self.message,
        }


@dataclass(frozen=True)
class QualityReport:
    """Every check's status and value; ``ok`` is false as soon as one check fails."""

    checks: tuple[Check, ...]
    face: Face | None = None
    other_faces: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    @property
    def score(self) -> float:
        return max(0.0, 100.0 - sum(_PENALTY[c.status] for c in self.checks))

    @property
    def messages(self) -> list[str]:
        ordered = [c for c in self.checks if c.status == "fail"] + [
            c for c in self.checks if c.status == "warn"
        ]
        seen: list[str] = []
        for check in ordered:
            if check.message and check.message not in seen:
                seen.append(check.message)
        return seen

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def with_checks(self, *extra: Check) -> QualityReport:
        return QualityReport(self.checks + extra, self.face, self.other_faces, self.extra)

    def leading(self, name: str) -> QualityReport:
        """The same checks with ``name`` first, so its message leads the others of its status
        (the first message is the report's "Next time" tip and the kiosk's retake line)."""
        first = tuple(c for c in self.checks if c.name == name)
        rest = tuple(c for c in self.checks if c.name != name)
        return QualityReport(first + rest, self.face, self.other_faces, self.extra)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "score": round(self.score, 1),
            "checks": {c.name: c.to_json() for c in self.checks},
            "messages": self.messages,
        }


def grade(value: float, *, warn: float, fail: float, higher_is_better: bool = True) -> Status:
    """``pass``/``warn``/``fail`` for a value against two limits."""
    if higher_is_better:
        return "fail" if value < fail else "warn" if value < warn else "pass"
    return "fail" if value > fail else "warn" if value > warn else "pass"


def head_yaw_degrees(nose_offset_u: float) -> float:
    """Head turn (degrees, signed) from the nose base's sideways offset from the eye midpoint, in
    interocular distances as seen in the photo.

    A turn by ``t`` moves the nose base (``NOSE_DEPTH_U`` in front of the eyes) sideways by
    ``depth * sin t`` while the eyes' own distance shrinks to ``cos t``, so the offset in seen
    interocular distances is ``depth * tan t`` (orthographic projection). ``asin`` (used up to
    engine 2.2.0) ignored the shrinking and read a 22.9 degree turn as 25.
    """
    return math.degrees(math.atan(nose_offset_u / NOSE_DEPTH_U))


def _check(name: str, value: float, unit: str, status: Status, message: str) -> Check:
    return Check(name, status, value, unit, "" if status == "pass" else message)


def quality_frame(face: Face) -> FaceFrame:
    left, top, width, height = _BOX
    iod = min(QUALITY_IOD, max(face.iod, 8.0))
    return face_frame(face, iod=iod, left_u=left, top_u=top, width_u=width, height_u=height)


def sharpness(gray: NDArray[np.float32], where: NDArray[np.bool_], iod: float) -> float:
    """How much detail a re-blur removes (0 = already blurred, 1 = crisp), at a face-relative scale.

    References
    ----------
    Crete, F. et al. (2007). The blur effect: perception and estimation with a new no-reference
    perceptual blur metric. Proc. SPIE 6492, Human Vision and Electronic Imaging XII.
    """
    del iod
    blurred = cv2.GaussianBlur(gray, (0, 0), 1.0)
    total = 0.0
    removed = 0.0
    for axis in (0, 1):
        d_orig = np.abs(np.diff(gray, axis=axis))
        d_blur = np.abs(np.diff(blurred, axis=axis))
        inside = where[1:, :] if axis == 0 else where[:, 1:]
        total += float(d_orig[inside].sum())
        removed += float(np.clip(d_orig - d_blur, 0.0, None)[inside].sum())
    return removed / total if total > 0 else 0.0


def assess_face(
    rgb: NDArray[np.uint8], face: Face, *, image_iod: float | None = None, other_faces: int = 0
) -> QualityReport:
    """Size, framing, pose, sharpness, exposure and evenness of ``face`` in ``rgb``.

    ``image_iod`` is the interocular distance in the original photo when ``rgb`` is a reduced copy.
    """
    frame = quality_frame(face)
    canvas, inside = warp_to_frame(rgb, frame)
    gray = (canvas.astype(np.float32) @ LUMA).astype(np.float32)
    nose_u = frame.to_units(face.nose)
    eyes = eye_areas(frame)
    face_zone = ellipse(frame, (nose_u[0], 0.45), (0.85, 0.85)) & inside & ~eyes
    band = ellipse(frame, (0.0, 0.15), (0.95, 0.55)) & inside
    cheeks = [ellipse(frame, (s * 0.6, 0.65), (0.22, 0.22)) & inside for s in (-1.0, 1.0)]

    checks: list[Check] = []
    iod = image_iod if image_iod is not None else face.iod
    checks.append(
        _check(
            "face_size",
            iod,
            "px_between_eyes",
            grade(iod, warn=100, fail=40),
            instruction("move_closer"),
        )
    )
    height, width = rgb.shape[:2]
    coverage = float(inside[face_zone | eyes].mean()) if (face_zone | eyes).any() else 0.0
    cx, cy = face.centre
    offset = max(abs(cx / width - 0.5), abs(cy / height - 0.5)) * 2
    framing = assess_framing(face, (width, height))
    cut = framing.cut_off or coverage < 0.9
    checks.append(
        _check(
            "centring",
            offset,
            "fraction_of_half_frame",
            "fail" if cut else "warn" if offset > 0.6 else "pass",
            framing.instruction,
        )
    )
    roll = abs(face.roll_degrees)
    checks.append(
        _check(
            "head_roll",
            roll,
            "degrees",
            grade(roll, warn=8, fail=20, higher_is_better=False),
            instruction("head_level"),
        )
    )
    yaw = head_yaw_degrees(nose_u[0])
    checks.append(
        _check(
            "head_yaw",
            abs(yaw),
            "degrees",
            grade(abs(yaw), warn=12, fail=25, higher_is_better=False),
            instruction("face_camera"),
        )
    )
    pitch_gap = abs(nose_u[1] - 0.75)
    checks.append(
        _check(
            "head_pitch",
            float(nose_u[1]),
            "eye_nose_over_iod",
            grade(pitch_gap, warn=0.18, fail=0.35, higher_is_better=False),
            instruction("chin_level"),
        )
    )
    sharp = sharpness(gray, band, frame.iod)
    checks.append(
        _check(
            "sharpness",
            sharp,
            "detail_fraction",
            grade(sharp, warn=0.12, fail=0.07),
            instruction("hold_still"),
        )
    )
    exposure = _exposure_checks(canvas, gray, face_zone, eyes & inside)
    checks.extend(exposure)
    lit = all(c.status != "fail" for c in exposure if c.name != "eyes_visible")
    checks.append(_mouth_visible(mouth_spread(gray, inside, frame, nose_u) if lit else None))
    checks.append(_evenness(gray, cheeks))
    return QualityReport(tuple(checks), face, other_faces)


def _exposure_checks(
    canvas: NDArray[np.uint8],
    gray: NDArray[np.float32],
    skin: NDArray[np.bool_],
    eyes: NDArray[np.bool_],
) -> list[Check]:
    """Clipping on the skin, and scene brightness judged by the eye whites, not by skin lightness.

    Highlights count as clipped only when all three channels saturate (burnt to white): very light
    skin legitimately reaches the top of the red channel. Eyes hidden behind dark lenses (see
    ``EYES_HIDDEN_RATIO``) say nothing about the light: the person is asked to take the sunglasses
    off, and the light is judged by the skin's brightest pixels instead, as when no eye is seen.
    """
    if not skin.any():
        return [Check("exposure", "fail", 0.0, "eye_white_level", instruction("face_light"))]
    pixels = pixels_at(canvas, skin)
    clipped = 100.0 * float((channel_min(pixels) >= 250).mean())
    crushed = 100.0 * float((channel_max(pixels) <= 6).mean())
    eyes_check = _eyes_visible(gray, skin, eyes)
    seen = eyes.any() and eyes_check.status == "pass"
    eye_white = float(np.percentile(gray[eyes], 95) if seen else np.percentile(gray[skin], 99))
    under: Status = grade(eye_white, warn=70, fail=35)
    over: Status = grade(clipped, warn=3, fail=25, higher_is_better=False)
    dark: Status = grade(crushed, warn=3, fail=12, higher_is_better=False)
    return [
        _check("exposure", eye_white, "eye_white_level", under, instruction("add_light")),
        _check("highlights_clipped", clipped, "%_skin", over, instruction("too_bright")),
        _check("shadows_clipped", crushed, "%_skin", dark, instruction("too_dark")),
        eyes_check,
    ]


def _eyes_visible(
    gray: NDArray[np.float32], skin: NDArray[np.bool_], eyes: NDArray[np.bool_]
) -> Check:
    """Whether the eyes show: the brightest of the eye areas against the skin's median."""
    if not eyes.any():
        return Check("eyes_visible", "pass", 0.0, "eye_over_skin")
    ratio = float(np.percentile(gray[eyes], 95)) / max(float(np.median(gray[skin])), 1.0)
    status: Status = "fail" if ratio < EYES_HIDDEN_RATIO else "pass"
    return _check("eyes_visible", ratio, "eye_over_skin", status, instruction("remove_sunglasses"))


def _mouth_visible(spread: float | None) -> Check:
    """Whether the mouth shows (``mask_cover``): a flat mouth is a mask. Not judged (pass) when the
    mouth is outside the photo, or the light fails (clipped or crushed): those checks speak."""
    if spread is None:
        return Check("mouth_visible", "pass", 0.0, "grey_cv")
    status: Status = "fail" if spread < FLAT_MOUTH else "pass"
    return _check("mouth_visible", spread, "grey_cv", status, instruction("remove_mask"))


def _evenness(gray: NDArray[np.float32], cheeks: list[NDArray[np.bool_]]) -> Check:
    if not all(c.any() for c in cheeks):
        return Check("light_evenness", "warn", 0.0, "log2_ratio", instruction("face_light"))
    left, right = (float(np.median(gray[c])) + 1.0 for c in cheeks)
    ratio = math.log2(left / right)
    darker = "right side of the picture" if ratio > 0 else "left side of the picture"
    status = grade(abs(ratio), warn=0.4, fail=1.0, higher_is_better=False)
    return _check(
        "light_evenness",
        abs(ratio),
        "log2_ratio",
        status,
        instruction("uneven_light", side=darker),
    )
