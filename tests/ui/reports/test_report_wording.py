"""The report's own words and shapes: routine steps, highlights, the radar's last visit (the
vocabulary's words are tested in tests/core/test_vocabulary.py)."""

from __future__ import annotations

from ui.reports import not_compared
from ui.reports.charts import previous_shape
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


def test_the_radar_s_last_visit_keeps_a_zero_and_fills_gaps_with_today() -> None:
    metrics = {"acne": 30.0, "hydration": 60.0, "pores": 20.0}
    shape = previous_shape(metrics, {"acne": 0.0, "hydration": 80.0, "pores": None})
    assert shape == [100.0, 80.0, 80.0]  # acne 0 is "how good" 100, not today's 70
    assert previous_shape(metrics, None) is None


def test_reasons_for_not_comparing_name_the_measures_only_when_they_differ() -> None:
    one = not_compared.lines([("Oiliness", "chin cut"), ("Redness", "chin cut")])
    assert one == ["Not compared: chin cut."]
    two = not_compared.lines(
        [("Oiliness", "chin cut"), ("Dark circles", "glasses"), ("Acne", "chin cut")]
    )
    assert two == [
        "Not compared (Oiliness, Acne): chin cut.",
        "Not compared (Dark circles): glasses.",
    ]
    assert not_compared.lines([]) == []


def test_a_measure_is_a_strength_or_worth_watching_never_both() -> None:
    """A photo where only redness (mild) and dark circles were measured: redness was both the
    second strength and the one thing worth watching."""
    lines = dict(highlight_lines({"redness": 60.0, "dark_circles": 14.0}, None))
    assert lines["Your strengths"] == "Dark circles"
    assert lines["Worth watching"] == "Redness"
    everything = dict(highlight_lines({"redness": 60.0, "acne": 50.0}, None))
    assert everything["Your strengths"] == "None this time"
    assert everything["Worth watching"] == "Redness, Blemishes"


def test_most_improved_names_a_change_read_like_for_like() -> None:
    """Redness was measured on different skin, so it is not in the stored previous levels; read
    again like for like it fell by more than its spread: page one calls it a real change, and so
    must "Most improved"."""
    metrics = {"redness": 40.0, "dark_circles": 14.0}
    lines = dict(
        highlight_lines(
            metrics, {"dark_circles": 15.0}, lambda _: 4.4, again={"redness": (74.0, 40.0)}
        )
    )
    assert lines["Most improved"] == "Redness"
    within = dict(highlight_lines(metrics, {}, lambda _: 4.4, again={"redness": (43.0, 40.0)}))
    assert within["Most improved"] == "No real improvement since your last visit"
