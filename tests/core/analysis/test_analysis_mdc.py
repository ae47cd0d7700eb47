"""Repeatability as a published number: the MDC95 table that ships is recomputed here from retakes
of the shared faces (the same protocol and faces as bench/bench_repeatability.py), every measure
meets the goal of 6 points, and a result carries each measure's MDC."""

from __future__ import annotations

import pytest

from core.analysis import METRIC_NAMES, analyze
from core.analysis.repeatability import MDC95, MEASURED_ON, change_verdict, mdc_of
from core.analysis.retest import mdc95, retest_table

GOAL = 6.0


def _levels(source) -> dict[str, float | None]:
    result = analyze(source)
    return {n: (e["level"] if e["measured"] else None) for n, e in result.measures.items()}


@pytest.fixture(scope="module")
def recomputed(shared_photo, read_rgb) -> dict[str, tuple[float, int]]:
    photos = [read_rgb(shared_photo(name)) for name in MEASURED_ON]
    return retest_table(photos, _levels, METRIC_NAMES)


def test_the_shipped_table_is_what_the_retakes_give(recomputed) -> None:
    assert set(MDC95) == set(METRIC_NAMES)
    for name, (sem, faces) in recomputed.items():
        assert faces >= 2, f"{name} measured on too few faces to have a spread"
        assert mdc95(sem) == pytest.approx(MDC95[name], abs=0.3), name


def test_every_measure_meets_the_retest_goal(recomputed) -> None:
    assert all(mdc95(sem) <= GOAL for sem, _ in recomputed.values()), recomputed


def test_every_result_carries_the_mdc(portrait_result) -> None:
    for name, entry in portrait_result.measures.items():
        assert entry["mdc"] == mdc_of(name) >= 1.0


def test_a_change_is_real_only_beyond_the_mdc() -> None:
    spread = mdc_of("redness")
    assert change_verdict("redness", 40.0, 40.0 + spread + 0.1) == "real_change"
    assert change_verdict("redness", 40.0, 40.0 - spread + 0.1) == "within_noise"
    assert change_verdict("acne", 0.0, 0.5) == "within_noise"
