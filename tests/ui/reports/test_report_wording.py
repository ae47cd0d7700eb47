"""The words of the report: score bands, verdicts in each measure's direction, changes, steps."""

from __future__ import annotations

import pytest

from ui.reports.findings import highlight_lines
from ui.reports.page_two import split_step
from ui.reports.wording import (
    MEASURES,
    MONK_SWATCHES,
    change,
    level_word,
    measure_name,
    score_band,
    signed,
)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "Excellent"), (90, "Excellent"), (89.9, "Great"), (80, "Great"), (79.9, "Good"),
        (70, "Good"), (69.9, "Average"), (50, "Average"), (49.9, "Poor"), (30, "Poor"),
        (29.9, "Bad"), (0, "Bad"),
    ],
)  # fmt: skip
def test_score_bands_follow_the_published_ranges(score: float, band: str) -> None:
    assert score_band(score) == band


def test_every_engine_metric_has_a_name_and_a_one_line_meaning() -> None:
    from core.analysis import METRIC_NAMES

    assert set(MEASURES) == set(METRIC_NAMES)
    for metric in METRIC_NAMES:
        name, meaning = MEASURES[metric]
        assert name and meaning.endswith(".") and len(meaning) <= 72, metric
    assert len(MONK_SWATCHES) == 10


def test_verdicts_point_the_right_way_for_concerns_and_estimates() -> None:
    assert level_word("redness", 5) == "Minimal" and level_word("redness", 90) == "Marked"
    assert level_word("hydration", 90) == "Good" and level_word("hydration", 10) == "Very low"
    assert measure_name("acne") == "Blemishes"


def test_a_change_is_an_improvement_in_the_measure_s_own_direction() -> None:
    assert change("redness", 20, 30) == ("\u25bc", -10, True)
    assert change("hydration", 20, 30) == ("\u25bc", -10, False)
    assert change("skin_score", 85, 80) == ("\u25b2", 5, True)
    assert change("pores", 40.4, 40) == ("=", 0.4, None)
    assert signed(-3) == "\u22123" and signed(4) == "+4" and signed(0.2) == "\u00b10"


def test_routine_steps_split_into_action_and_product() -> None:
    assert split_step("Cleanse: gentle cleanser") == ("Cleanse", "Gentle cleanser")
    assert split_step("Drink water") == ("", "Drink water")
    assert split_step("Note: ") == ("", "Note: ")


def test_highlights_name_strengths_watch_points_and_improvements() -> None:
    metrics = {"redness": 70.0, "acne": 0.0, "pores": 30.0, "hydration": 90.0}
    lines = dict(highlight_lines(metrics, {"redness": 80.0, "acne": 0.0, "pores": 30.0}))
    assert lines["Your strengths"].startswith("Blemishes")
    assert lines["Worth watching"] == "Redness, Pores"
    assert lines["Most improved"] == "Redness"
    assert "Most improved" not in dict(highlight_lines(metrics, None))
