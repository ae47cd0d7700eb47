"""Repeatability as a published number: each measure's retest spread, and what it means for a change.

``MDC95`` (the minimal detectable change at 95 %) is 1.96 x sqrt(2) x SEM, the SEM measured over
retakes of the shared faces (:mod:`core.analysis.retest`, ``bench/bench_repeatability.py``). It is
shipped with every result (``measures.<name>.mdc``) and published in docs/analysis.md; a test
recomputes it and compares. A change between two visits smaller than the MDC is within retest
noise: a retake of the same face on the same day could have moved the level as much.
"""

from __future__ import annotations

from typing import Final, Literal

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
    "pores": 1.17,
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
    "pores": 3.2,
    "redness": 3.9,
    "pigmentation": 2.0,
    "wrinkles": 2.2,
    "roughness": 1.9,
    "dark_circles": 2.8,
    "acne": 0.2,
}
"""Minimal detectable change (level points) per measure: 1.96 x sqrt(2) x SEM."""
FALLBACK_MDC: Final = 6.0
"""For a measure not in the table: the goal every measure is held to."""

Verdict = Literal["real_change", "within_noise"]


MDC_FLOOR: Final = 1.0
"""No change of less than one point is called real, whatever the table says: levels are shown as
whole numbers, and a measure that read 0 on every retake (acne on clear skin) has a tiny spread."""


def mdc_of(name: str) -> float:
    return max(MDC95.get(name, FALLBACK_MDC), MDC_FLOOR)


def change_verdict(name: str, before: float, after: float) -> Verdict:
    """``real_change`` when two levels of one measure differ by more than its MDC95."""
    return "real_change" if abs(after - before) > mdc_of(name) else "within_noise"
