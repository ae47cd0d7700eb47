"""Repeatability as a published number: each measure's retest spread, and what it means for a change.

``MDC95`` (the minimal detectable change at 95 %) is 1.96 x sqrt(2) x SEM, the SEM measured over
retakes of the shared faces (:mod:`core.analysis.retest`, ``bench/bench_repeatability.py``). It is
shipped with every result (``measures.<name>.mdc``) and published in docs/analysis.md; a test
recomputes it and compares. A change between two visits smaller than the MDC is within retest
noise: a retake of the same face on the same day could have moved the level as much.
"""

from __future__ import annotations

from typing import Final, Literal

from core.vocabulary.levels import NOISE_FLOOR, beyond_noise

MEASURED_ON: Final = (
    "alex-lacamoire.png",
    "biden_biden2.jpg",
    "dlib_Tom_Cruise_avp_2014_4.jpg",
    "lin-manuel-miranda.png",
    "rose_leslie_img1.jpg",
    "rose_leslie_img2.jpg",
)
"""The shared portraits (``../shared/data/faces``) the table was measured on, each with
:data:`core.analysis.retest.RETAKES` retakes."""
SEM: Final[dict[str, float]] = {
    "hydration": 0.39,
    "oiliness": 2.01,
    "elasticity": 0.57,
    "pores": 1.40,
    "redness": 1.39,
    "pigmentation": 0.73,
    "wrinkles": 0.78,
    "roughness": 0.69,
    "dark_circles": 1.0,
    "acne": 0.07,
}
"""Standard error of measurement (level points) per measure, from ``bench/bench_repeatability.py``."""
MDC95: Final[dict[str, float]] = {
    "hydration": 1.1,
    "oiliness": 5.6,
    "elasticity": 1.6,
    "pores": 3.9,
    "redness": 3.9,
    "pigmentation": 2.0,
    "wrinkles": 2.2,
    "roughness": 1.9,
    "dark_circles": 2.8,
    "acne": 0.2,
}
"""Minimal detectable change (level points) per measure: 1.96 x sqrt(2) x SEM."""
BY_EYES_AT: Final = (45, 72, 100)
"""Eye distances (px) at which the retakes were measured again with the portraits scaled down."""
SMALL_FROM: Final = 115.0
"""Faces with their eyes at least this far apart use the table at the portraits' own sizes alone
(five of the six are 116-187 px); smaller faces use the larger of it and the per-size table."""
SMALL_FROM_FOR: Final[dict[str, float]] = {"pores": 178.0}
""":data:`SMALL_FROM` of a measure read on fewer of the portraits: pores on the two of 178 and
187 px between the eyes (the others are under its 126 px floor)."""
MDC95_BY_EYES: Final[dict[int, dict[str, float]]] = {
    45: {"redness": 4.9, "dark_circles": 3.7},
    72: {
        "hydration": 2.2,
        "oiliness": 3.6,
        "elasticity": 2.9,
        "redness": 4.5,
        "pigmentation": 3.2,
        "wrinkles": 3.8,
        "roughness": 3.4,
        "dark_circles": 2.9,
        "acne": 0.7,
    },
    100: {
        "hydration": 1.1,
        "oiliness": 3.7,
        "elasticity": 2.1,
        "redness": 4.0,
        "pigmentation": 2.5,
        "wrinkles": 2.4,
        "roughness": 1.4,
        "dark_circles": 3.7,
        "acne": 0.6,
    },
}
"""MDC95 per measure with the same portraits scaled down to each eye distance of
:data:`BY_EYES_AT` (``python -m bench.bench_repeatability``): a smaller face shows fewer pixels of
the same skin, so a retake moves its levels more. A measure absent at a size is not measured
there (its floor is higher)."""
MDC95_NEAR_FLOOR: Final[dict[str, dict[int, float]]] = {"pores": {140: 4.9, 160: 4.4}}
"""MDC95 of a measure whose floor lies above :data:`SMALL_FROM`, between its floor and
:data:`SMALL_FROM_FOR`: the portraits it is read on scaled down to each eye distance (140 px is the
smallest at which every retake, scaled by as little as 0.92, stays above pores' 126 px floor)."""
MDC95_BY_PART: Final[dict[tuple[str, ...], dict[str, float]]] = {
    ("forehead",): {
        "hydration": 1.2,
        "oiliness": 6.1,
        "elasticity": 2.5,
        "pores": 3.7,
        "redness": 3.4,
        "pigmentation": 2.2,
        "wrinkles": 3.3,
        "roughness": 2.0,
        "dark_circles": 3.0,
        "acne": 0.2,
    },
    ("chin",): {
        "hydration": 1.1,
        "oiliness": 5.2,
        "elasticity": 1.6,
        "pores": 3.9,
        "redness": 4.4,
        "pigmentation": 1.3,
        "wrinkles": 2.2,
        "roughness": 2.0,
        "dark_circles": 2.7,
        "acne": 0.2,
    },
    ("forehead", "chin"): {
        "hydration": 1.1,
        "oiliness": 5.6,
        "elasticity": 2.5,
        "pores": 3.7,
        "redness": 4.0,
        "pigmentation": 1.2,
        "wrinkles": 3.3,
        "roughness": 1.8,
        "dark_circles": 3.0,
        "acne": 0.2,
    },
    ("left_cheek", "left_under_eye", "left_crows_feet"): {
        "hydration": 1.3,
        "oiliness": 5.3,
        "elasticity": 1.7,
        "pores": 4.9,
        "redness": 4.3,
        "pigmentation": 2.2,
        "wrinkles": 1.9,
        "roughness": 2.2,
        "dark_circles": 3.5,
        "acne": 0.2,
    },
    ("right_cheek", "right_under_eye", "right_crows_feet"): {
        "hydration": 1.1,
        "oiliness": 6.9,
        "elasticity": 1.9,
        "pores": 5.0,
        "redness": 4.2,
        "pigmentation": 2.6,
        "wrinkles": 2.8,
        "roughness": 1.9,
        "dark_circles": 5.9,
        "acne": 0.2,
    },
}
"""MDC95 per measure with a part of the face left out of every measure, for the parts most often
seen at one visit only (the forehead under hair or cut off at the top of the photo, the chin cut
off at the bottom, one side at a side edge): the retakes at full size read again as a
like-for-like comparison of two visits reads them (``python -m bench.bench_repeatability``)."""
PARTS: Final = tuple(MDC95_BY_PART)
MDC95_PART: Final[dict[str, float]] = {
    name: max(table[name] for table in MDC95_BY_PART.values() if name in table) for name in MDC95
}
"""The spread of a level read from part of the face, per measure: the largest over the parts. A
level read from less skin moves more between retakes: dark circles from one under-eye, oiliness
without one side of the face."""
CROPS_STEP: Final = 4
"""Every this-many-th faces-age crop (76 of the 302) was retaken for :data:`MDC95_CROPS`."""
CROPS_BELOW: Final = 100.0
"""Faces with their eyes closer than this also carry :data:`MDC95_CROPS` (the crops are 62-89 px;
from 100 px on, the portraits' own tables)."""
MDC95_CROPS: Final[dict[str, float]] = {
    "hydration": 2.4,
    "oiliness": 11.3,
    "elasticity": 5.6,
    "redness": 4.6,
    "pigmentation": 18.0,
    "wrinkles": 7.0,
    "roughness": 3.3,
    "dark_circles": 8.5,
    "acne": 5.5,
}
"""MDC95 per measure from retakes of small real photos: faces-age crops (200 px, 62-89 px between
the eyes, JPEG-compressed, with spots, lines and make-up the portraits lack), counting the retakes
that read each measure from the same regions (``python -m bench.bench_repeatability``). The scaled
portraits of :data:`MDC95_BY_EYES` are cleaner than such photos and nearly free of spots, so
their tables understated the spread there: same-skin retakes of the crops moved lines, spots and
dark circles beyond them in 18-33 % of pairs (docs/analysis.md). Several values are over the
goal of 6 points: a small photo's changes in spots, oiliness, dark circles and lines must be large
to be real."""
SCORE_MDC95: Final = 2.2
"""The skin score's MDC95 (score points) over the retakes of :data:`MEASURED_ON`
(``python -m bench.bench_repeatability``): as :data:`MDC95` counts the retakes that measured a
measure, this counts those whose score uses the same measures as the original's (a score from
other measures is not comparable: ``core.analysis.comparison.score_difference``), whatever
regions they read."""
SCORE_MDC95_BY_EYES: Final[dict[int, float]] = {45: 2.9, 72: 1.9, 100: 1.2}
"""The skin score's MDC95 with the portraits scaled down to each eye distance of :data:`BY_EYES_AT`,
as :data:`MDC95_BY_EYES`. At 72 and 100 px the score rests on fewer, steadier measures and spreads
less than at full size; :func:`score_mdc` never gives a smaller face less than the full size's."""
SCORE_MDC95_BY_PART: Final[dict[tuple[str, ...], float]] = {
    ("forehead",): 2.2,
    ("chin",): 1.4,
    ("forehead", "chin"): 1.5,
    ("left_cheek", "left_under_eye", "left_crows_feet"): 2.1,
    ("right_cheek", "right_under_eye", "right_crows_feet"): 2.3,
}
"""The skin score's MDC95 read like for like, with each of :data:`PARTS` left out of every
measure, as :data:`MDC95_BY_PART`."""
SCORE_MDC95_PART: Final = max(SCORE_MDC95_BY_PART.values())
"""The spread of a score read from part of the face: the largest over the parts."""
SCORE_MDC95_CROPS: Final = 3.1
"""The skin score's MDC95 on small real photos (the faces-age crops of :data:`MDC95_CROPS`, 62-89 px
between the eyes), carried below :data:`CROPS_BELOW`: as that table counts the retakes that read a
measure from the same regions, this counts those whose score a comparison judges (the same
measures, each from the same regions). Counting every retake whose score uses the same measures
gives 7.9: on such photos a retake often reads a measure from other regions, and the score then
moves far more, but such a pair is not comparable (read again like for like on the desktop)."""
FALLBACK_MDC: Final = 6.0
"""For a measure not in the table: the goal every measure is held to."""

Verdict = Literal["real_change", "within_noise"]


MDC_FLOOR: Final = NOISE_FLOOR
"""No change of less than one point is called real, whatever the table says: levels are shown as
whole numbers, and a measure that read 0 on every retake (acne on clear skin) has a tiny spread
(the screens' :data:`core.vocabulary.levels.NOISE_FLOOR`)."""


def _by_size(name: str) -> list[tuple[int, float]]:
    """The measure's MDC95 at every smaller eye distance it was measured at, smallest first."""
    sized = [(at, table[name]) for at, table in MDC95_BY_EYES.items() if name in table]
    return sorted([*sized, *MDC95_NEAR_FLOOR.get(name, {}).items()])


def _for_size(
    full: float,
    sized: list[tuple[int, float]],
    crops: float | None,
    *,
    interocular_px: float | None,
    small_from: float,
) -> float:
    """The rule of :func:`mdc_of` and :func:`score_mdc`: the largest of the spread at full size and
    the per-size spreads (``sized``, smallest size first) from the largest size not above the
    face's upwards, and below :data:`CROPS_BELOW` the small real photos' (``crops``)."""
    full = max(full, MDC_FLOOR)
    if interocular_px is None or interocular_px >= small_from:
        return full
    first = max([i for i, (at, _) in enumerate(sized) if at <= interocular_px], default=0)
    spreads = [value for _, value in sized[first:]]
    if interocular_px < CROPS_BELOW and crops is not None:
        spreads.append(crops)
    return max([full, *spreads])


def mdc_of(name: str, interocular_px: float | None = None) -> float:
    """The measure's MDC95; with the photo's eye distance, for a face of that size: the largest of
    the table at full size and the per-size values from the largest size not above it (the
    smallest, below all of them) upwards, and below :data:`CROPS_BELOW` the small real photos'
    table. So a smaller face never gets a smaller spread than a larger one, although five faces
    per size give a noisy estimate of each."""
    return _for_size(
        MDC95.get(name, FALLBACK_MDC),
        _by_size(name),
        MDC95_CROPS.get(name),
        interocular_px=interocular_px,
        small_from=SMALL_FROM_FOR.get(name, SMALL_FROM),
    )


def score_mdc(interocular_px: float | None = None) -> float:
    """The skin score's MDC95, for a face of that eye distance by :func:`mdc_of`'s rule (a smaller
    face never gets a smaller spread)."""
    return _for_size(
        SCORE_MDC95,
        sorted(SCORE_MDC95_BY_EYES.items()),
        SCORE_MDC95_CROPS,
        interocular_px=interocular_px,
        small_from=SMALL_FROM,
    )


def change_verdict(name: str, before: float, after: float, *, mdc: float | None = None) -> Verdict:
    """``real_change`` when two levels of one measure differ by more than its MDC95 (``mdc``: the
    one the two photos carry, else the table's at full size)."""
    spread = mdc_of(name) if mdc is None else mdc
    return "real_change" if beyond_noise(after - before, spread) else "within_noise"
