"""Is a change between two visits larger than a retake of the same face would give?

Each measure has a retest spread: how far its level can move when the same face is photographed
again, minutes apart. A change larger than that is a *real change*; a smaller one is *within retest
noise*. Results from engine 2 carry the spread itself (``measures.<name>.mdc``, the minimal
detectable change at 95 %); for older results, the bounds the repeatability test enforces
(``tests/core/analysis/test_analysis_repeatability.py``, docs/analysis.md "Repeatability") stand in.
:func:`retest_spread` is the one place that decides, so moving to another source is one change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from core.vocabulary import concern

DOCUMENTED_BOUNDS: Final[Mapping[str, float]] = {
    "pores": 5.0,
    "roughness": 4.0,
    "pigmentation": 4.0,
}
"""Worst retest movement seen per measure where it exceeds the ±3 points goal (docs/analysis.md)."""
GOAL: Final = 3.0
"""The repeatability every other measure is held to (level points)."""
FLOOR: Final = 1.0
"""Levels are shown as whole numbers: less than a point is never called a real change."""


def _carried(result: Mapping[str, Any] | None, measure: str) -> float | None:
    entry = (result or {}).get("measures", {}).get(measure)
    value = entry.get("mdc") if isinstance(entry, Mapping) else None
    return float(value) if isinstance(value, (int, float)) and value >= 0 else None


def retest_spread(measure: str, *results: Mapping[str, Any] | None) -> float:
    """The measure's retest spread (level points): the largest any of ``results`` carries, or the
    documented bound when none carries one."""
    carried = [s for s in (_carried(r, measure) for r in results) if s is not None]
    spread = max(carried) if carried else DOCUMENTED_BOUNDS.get(measure, GOAL)
    return max(spread, FLOOR)


@dataclass(frozen=True)
class MeasureChange:
    measure: str
    before: float
    after: float
    spread: float

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def real(self) -> bool:
        """Larger than a retake of the same face would give."""
        return abs(self.delta) > self.spread

    @property
    def better(self) -> bool | None:
        """An improvement in the measure's own direction; None when within retest noise."""
        if not self.real:
            return None
        return concern(self.measure, self.after) < concern(self.measure, self.before)


def measure_change(
    measure: str,
    before: float,
    after: float,
    *,
    before_result: Mapping[str, Any] | None = None,
    after_result: Mapping[str, Any] | None = None,
) -> MeasureChange:
    return MeasureChange(
        measure, before, after, retest_spread(measure, before_result, after_result)
    )
