"""The report's own words: routine steps and highlights (the vocabulary's are tested in
tests/core/test_vocabulary.py)."""

from __future__ import annotations

from ui.reports.findings import highlight_lines
from ui.reports.page_two import split_step


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
