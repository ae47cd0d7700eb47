"""Repeatability as a published number: each measure's retest spread, and what it means for a change.

``MDC95`` (the minimal detectable change at 95 %) is 1.96 x sqrt(2) x SEM, the SEM measured over
retakes of the shared faces (:mod:`core.analysis.retest`, ``bench/bench_repeatability.py``). It is
shipped with every result (``measures.<name>.mdc``) and published in docs/analysis.md; a test
recomputes it and compares. A change between two visits smaller than the MDC is within retest
noise: a retake of the same face on the same day could have moved the level as much.
"""

from __future__ import annotations

from typing import Final, Literal

MDC95: Final[dict[str, float]] = {}
"""Minimal detectable change (level points) per measure, from ``bench/bench_repeatability.py``."""
SEM: Final[dict[str, float]] = {}
FALLBACK_MDC: Final = 6.0
"""For a measure not in the table: the goal every measure is held to."""

Verdict = Literal["real_change", "within_noise"]


def mdc_of(name: str) -> float:
    return MDC95.get(name, FALLBACK_MDC)


def change_verdict(name: str, before: float, after: float) -> Verdict:
    """``real_change`` when two levels of one measure differ by more than its MDC95."""
    return "real_change" if abs(after - before) > mdc_of(name) else "within_noise"
