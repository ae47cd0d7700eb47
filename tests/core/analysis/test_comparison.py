"""Two visits compared measure by measure: real analyses of one face, once whole and once with the
chin cut off by the bottom of the frame. A measure the two photos measured on different regions
is not comparable (whatever the size of its change), and the region and why it was left out are
named; the same regions compare as real change or retest noise, as before."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from core.analysis import AnalysisResult
from core.analysis.comparison import (
    NO_COLOUR_AT,
    SCORE_NOT_COMPARABLE,
    compare,
    differences,
    part_spread,
    score_change,
    score_difference,
    score_part_spread,
    score_spread,
    skin_difference,
    spread,
)
from core.analysis.regions import CUT_REASON
from core.analysis.repeatability import (
    SCORE_MDC95,
    SCORE_MDC95_PART,
    change_verdict,
    mdc_of,
    score_mdc,
)
from core.vocabulary import SKIN_SCORE


@pytest.fixture(scope="module")
def whole(portrait_result: AnalysisResult) -> dict[str, Any]:
    return portrait_result.to_json()


@pytest.fixture(scope="module")
def chin_cut(chin_cut_result: AnalysisResult) -> dict[str, Any]:
    result = chin_cut_result.to_json()
    assert result["excluded_regions"].get("chin") == CUT_REASON
    return result


def _with_chin(result: dict[str, Any]) -> list[str]:
    return [k for k, m in result["measures"].items() if "chin" in m.get("regions", {})]


def test_the_same_skin_compares_as_before(whole: dict[str, Any]) -> None:
    later = copy.deepcopy(whole)
    later["metrics"]["redness"] = whole["metrics"]["redness"] + 10.0
    assert differences([*whole["metrics"], SKIN_SCORE], whole, later) == {}
    moved = compare("redness", whole, later)
    assert moved is not None and moved.verdict == "real_change" and moved.delta == pytest.approx(10)
    same = compare("oiliness", whole, later)
    assert same is not None and same.verdict == change_verdict("oiliness", same.before, same.after)
    assert same.verdict == "within_noise"


def test_a_chin_seen_at_one_visit_only_is_not_comparable(
    whole: dict[str, Any], chin_cut: dict[str, Any]
) -> None:
    affected = _with_chin(whole)
    assert len(affected) >= 5, affected  # most measures read the chin
    for key in affected:
        if compare(key, whole, chin_cut) is None:
            continue  # declined on the cropped photo: nothing to compare anyway
        change = compare(key, whole, chin_cut)
        assert change is not None and change.verdict == "different_skin", key
        assert change.reason == f"chin measured only at the earlier visit ({CUT_REASON})"
    back = skin_difference(chin_cut, whole, affected[0])
    assert back == f"chin measured only at the later visit ({CUT_REASON})"
    assert score_difference(whole, chin_cut)
    left_out = differences([*whole["metrics"], SKIN_SCORE], whole, chin_cut)
    assert SKIN_SCORE in left_out and set(affected) & set(left_out)
    # a measure that never reads the chin (dark circles: under the eyes) still compares
    assert "dark_circles" not in affected and "dark_circles" not in left_out


def test_a_change_beyond_its_spread_is_still_not_called_real_on_different_skin(
    whole: dict[str, Any], chin_cut: dict[str, Any]
) -> None:
    """The guard is about what was measured, not the size of the change: even a change far
    beyond the retest spread is not called real when the regions differ."""
    later = copy.deepcopy(chin_cut)
    key = next(k for k in _with_chin(whole) if compare(k, whole, chin_cut) is not None)
    later["metrics"][key] = min(100.0, whole["metrics"][key] + 40.0)
    change = compare(key, whole, later)
    assert change is not None and change.verdict == "different_skin"


def test_results_that_do_not_say_their_regions_compare_by_level_alone(
    whole: dict[str, Any], chin_cut: dict[str, Any]
) -> None:
    """An older result (no per-measure regions, no region table) cannot show a difference."""
    old = copy.deepcopy(whole)
    for entry in old["measures"].values():
        entry.pop("regions", None)
    old.pop("regions", None)
    assert differences(list(whole["metrics"]), old, chin_cut) == {}


def test_scores_built_from_different_measures_are_not_comparable(whole: dict[str, Any]) -> None:
    later = copy.deepcopy(whole)
    later["skin_score_uses"] = [k for k in whole["skin_score_uses"] if k != "wrinkles"]
    assert score_difference(whole, later) == SCORE_NOT_COMPARABLE


def test_a_score_change_is_real_only_beyond_the_score_s_own_spread(whole: dict[str, Any]) -> None:
    """The score carries its retest spread (``skin_score_mdc``, for the face's size) and a change
    of it is judged as a measure's (session 17, D12: the score's change had no verdict)."""
    noise = whole["skin_score_mdc"]
    assert noise == score_mdc(whole["scale"]["interocular_px"]) >= score_mdc() >= 1.0
    assert score_spread(whole, whole) == spread(SKIN_SCORE, whole, whole) == noise
    for moved, verdict in ((noise - 0.2, "within_noise"), (noise + 0.2, "real_change")):
        later = {**whole, "skin_score": whole["skin_score"] + moved}
        found = score_change(whole, later)
        assert found is not None and found.verdict == verdict and found.spread == noise
        assert compare(SKIN_SCORE, whole, later) == found
        held = compare(SKIN_SCORE, {}, {}, levels=(whole["skin_score"], later["skin_score"]))
        assert held is not None and held.spread == score_mdc()  # the table's, at full size


def test_the_score_s_spread_is_the_larger_of_the_two_photos(whole: dict[str, Any]) -> None:
    small, large = {**whole, "skin_score_mdc": 5.0}, {**whole, "skin_score_mdc": 2.0}
    assert score_spread(small, large) == score_spread(large, small) == 5.0
    like_for_like = score_part_spread(small, large)
    assert like_for_like == part_spread(SKIN_SCORE, small, large)
    assert like_for_like == pytest.approx(5.0 * max(1.0, SCORE_MDC95_PART / SCORE_MDC95))


def test_a_stored_score_without_its_spread_still_compares(whole: dict[str, Any]) -> None:
    """Results of engines before 2.16.0 carry no ``skin_score_mdc`` (nor do damaged ones carry a
    number): the table's spread at full size judges their score, or the other photo's own."""
    older = {k: v for k, v in whole.items() if k != "skin_score_mdc"}
    broken = {**older, "skin_score_mdc": "wide"}
    for stored in (older, broken):
        assert score_spread(stored, stored) == score_mdc()
        assert score_spread(stored, whole) == whole["skin_score_mdc"]
        later = {**stored, "skin_score": stored["skin_score"] + score_mdc() + 0.5}
        found = score_change(stored, later)
        assert found is not None and found.verdict == "real_change"
    assert score_change(older, {}) is None and score_change({}, {"skin_score": None}) is None
    apart = {**whole, "skin_score_uses": whole["skin_score_uses"][:-1]}
    found = score_change(older, apart)
    assert found is not None and found.verdict == "different_skin"
    assert found.reason == SCORE_NOT_COMPARABLE


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"metrics": None, "measures": None},
        {"metrics": {"redness": "high"}, "measures": {"redness": "x"}},
        {"metrics": {"redness": True}, "measures": {"redness": {"regions": ["forehead"]}}},
        {"metrics": {}, "measures": {"redness": {"measured": False, "reason": "too small"}}},
    ],
)
def test_damaged_or_partial_results_give_no_change_rather_than_an_error(
    whole: dict[str, Any], broken: dict[str, Any]
) -> None:
    assert compare("redness", whole, broken) is None
    assert compare("redness", broken, whole) is None
    assert skin_difference(whole, broken, "redness") == ""


def test_a_change_must_exceed_the_spread_of_the_smaller_face(whole: dict[str, Any]) -> None:
    """The portrait (84 px between the eyes) carries a small face's spread for lines; the same
    change between two photos that both carry the full-size spread is real."""
    key = "wrinkles"
    small_face = whole["measures"][key]["mdc"]
    assert small_face == mdc_of(key, whole["scale"]["interocular_px"]) > mdc_of(key)
    delta = (small_face + mdc_of(key)) / 2  # beyond the full-size spread, within the small one's
    later = copy.deepcopy(whole)
    later["metrics"][key] = whole["metrics"][key] + delta
    large = copy.deepcopy(later)
    large["measures"][key]["mdc"] = mdc_of(key)
    mixed = compare(key, whole, large)
    assert mixed is not None and mixed.spread == small_face and mixed.verdict == "within_noise"
    both_large = copy.deepcopy(whole)
    both_large["measures"][key]["mdc"] = mdc_of(key)
    sure = compare(key, both_large, large)
    assert sure is not None and sure.spread == mdc_of(key) and sure.verdict == "real_change"
    assert spread(key, {}, {}) == mdc_of(key)  # results that carry none: the table's


def test_a_colour_photo_and_an_infrared_frame_compare_no_measure(infrared_pair) -> None:
    """A follow-up visit on an infrared webcam read lines 19 points lower: a 'real' improvement
    (acceptance test, session 17, D6). The grey frame's levels rest on its camera's tone curve,
    so no measure is compared with a colour photo's; two frames of one kind still compare."""
    colour, frame = (result.to_json() for result in infrared_pair)
    shared = [key for key in colour["metrics"] if key in frame["metrics"]]
    assert {"wrinkles", "roughness", "elasticity", "pigmentation"} <= set(shared)
    for key in shared:
        moved = compare(key, colour, frame)
        assert moved is not None and moved.verdict == "different_skin", key
        assert moved.reason == NO_COLOUR_AT.format(visit="later")
    assert differences(shared, frame, colour) == dict.fromkeys(
        shared, NO_COLOUR_AT.format(visit="earlier")
    )
    again = compare("wrinkles", frame, frame)
    assert again is not None and again.verdict == "within_noise"
