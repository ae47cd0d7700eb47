"""The results screen's typed view: built from the engine's JSON with the vocabulary's words; a key
with no words is a typed error, a measure the photo did not allow says why."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.kiosk.views import photo_problem, result_view
from core import vocabulary as vocab
from core.analysis import AnalysisResult
from core.vocabulary import NOT_MEASURED


@pytest.fixture
def record(portrait_result: AnalysisResult) -> dict[str, Any]:
    return copy.deepcopy(portrait_result.to_json())  # the session's result is shared: never edit it


def test_every_measure_in_the_engine_s_order_with_its_words(record: dict[str, Any]) -> None:
    view = result_view(record, previous=None)
    assert [m.key for m in view.measures] == list(record["measures"])  # measured or not
    for item in view.measures:
        if item.key not in record["metrics"]:
            continue
        words = vocab.measure(item.key)
        level = record["metrics"][item.key]
        assert (item.label, item.meaning, item.estimate) == (
            words.label,
            words.meaning,
            words.estimate,
        )
        assert item.level == level and item.word == vocab.level_word(item.key, level)
        assert item.tone == vocab.tone(item.key, level) and item.change is None
    band = vocab.score_band(record["skin_score"])
    assert (view.score.band, view.score.tone) == (band.label, band.tone)
    assert view.score.shown == str(round(record["skin_score"]))
    assert view.skin.type_label == vocab.skin_type(record["skin_type"]).label
    assert view.skin.monk_colour == vocab.monk_colour(record["skin_tone"]["monk"])
    assert view.disclaimer and view.morning and view.recommendations


def test_changes_since_the_last_visit_point_each_measure_s_way(record: dict[str, Any]) -> None:
    previous = {k: v + 10 for k, v in record["metrics"].items()}
    gain = round(record["skin_score_mdc"]) + 2  # beyond the score's own retest spread
    previous[vocab.SKIN_SCORE] = record["skin_score"] - gain
    view = result_view(record, previous=previous)
    assert view.score.change == vocab.Change("\u25b2", float(gain), True)
    by_key = {m.key: m for m in view.measures}
    assert by_key["redness"].change == vocab.Change("\u25bc", -10.0, True)
    assert by_key["hydration"].change == vocab.Change("\u25bc", -10.0, False)
    assert by_key["hydration"].previous_goodness == pytest.approx(previous["hydration"])


def test_a_change_within_the_measure_s_mdc_is_about_the_same(record: dict[str, Any]) -> None:
    record["measures"]["redness"]["mdc"] = 6.0
    carried = record["measures"]["pigmentation"]["mdc"]  # the engine's, for this face's size
    previous = {
        "redness": record["metrics"]["redness"] + 4,
        "pigmentation": record["metrics"]["pigmentation"] + carried + 1,
    }
    by_key = {m.key: m for m in result_view(record, previous=previous).measures}
    assert by_key["redness"].mdc == 6.0 and by_key["redness"].change is not None
    assert by_key["redness"].change.better is None  # 4 points: within what the measure can tell
    spots = by_key["pigmentation"]
    assert spots.mdc == carried  # one point beyond it: a real change, for the better
    assert spots.change is not None and spots.change.better is True


def test_a_measure_the_photo_did_not_allow_says_why(record: dict[str, Any]) -> None:
    """The portrait has 86 px between the eyes; the engine declines pores (126 px) and says why."""
    assert "pores" not in record["metrics"]
    item = {m.key: m for m in result_view(record, previous=None).measures}["pores"]
    assert item.level is None and item.word == NOT_MEASURED
    assert item.not_measured == record["measures"]["pores"]["reason"] and item.change is None
    assert item.not_measured.startswith("the photo is too small to see pores")


def test_a_score_from_some_measures_and_a_type_not_determined_say_so(
    small_result: AnalysisResult, record: dict[str, Any]
) -> None:
    """A small photo: the score rests on what was measured, the view says how much of it, and
    why the skin type is not determined, in the vocabulary's words."""
    small = small_result.to_json()
    assert small["skin_score_uses"] == ["redness", "dark_circles"] and len(small["measures"]) == 10
    view = result_view(small, previous=None)
    assert view.score.uses == "From 2 of 10 measures: the photo could not support the others."
    assert view.skin.type_label == "Not determined"
    assert view.skin.type_reason == vocab.skin_type("unknown").meaning
    record["skin_score_uses"] = list(record["measures"])  # every measure: nothing to add
    record["skin_type"] = "normal"
    every = result_view(record, previous=None)
    assert every.score.uses == "" and every.skin.type_reason == ""
    del record["skin_score_uses"]  # a result from before schema 2 does not say
    assert result_view(record, previous=None).score.uses == ""


def test_a_skin_tone_the_photo_did_not_allow_says_why(record: dict[str, Any]) -> None:
    record["skin_tone"] = {"measured": False, "reason": "the photo has no colour"}
    view = result_view(record, previous=None)
    assert view.skin.monk == 0 and "no colour" in view.skin.tone_label


def test_a_result_from_before_schema_2_still_shows(record: dict[str, Any]) -> None:
    for entry in record["measures"].values():
        entry.pop("measured")
    record["measures"] = {k: v for k, v in record["measures"].items() if k in record["metrics"]}
    view = result_view(record, previous=None)
    assert [m.key for m in view.measures] == list(record["metrics"])


def test_conditions_in_the_patient_s_words(record: dict[str, Any]) -> None:
    record["conditions"] = [
        {"name": "hyperpigmentation", "severity": "severe", "regions": ["left_crows_feet"]}
    ]
    (found,) = result_view(record, previous=None).conditions
    assert (found.label, found.severity, found.tone) == ("Dark spots", "Severe", "severe")
    assert found.regions == ("left crow's feet",)


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: r["metrics"].update(glow=40.0),
        lambda r: r.update(skin_type="greasy"),
        lambda r: r["skin_tone"].update(category="olive"),
        lambda r: r.update(conditions=[{"name": "freckles", "severity": "mild"}]),
    ],
)
def test_a_key_without_words_is_a_typed_error(record: dict[str, Any], damage: Any) -> None:
    damage(record)
    with pytest.raises(vocab.UnknownTermError):
        result_view(record, previous=None)


def test_a_photo_problem_is_the_first_instruction_of_failed_checks_only() -> None:
    assert photo_problem({}) == ""  # an older result without quality
    assert photo_problem({"ok": True, "messages": ["Face the light"]}) == ""  # warnings only
    assert photo_problem({"ok": False, "messages": [" ", "Take off your mask"]}) == (
        "Take off your mask"
    )
    assert photo_problem({"ok": False, "messages": []}) == ""
