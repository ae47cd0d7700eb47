"""Two visits that saw different skin, read again like for like: the same face whole and with the
chin cut off by the frame. As stored, every measure that reads the chin is not comparable; with
the chin left out of the whole photo too, both read the same skin, and the same face reads as
within retest noise, never as a real change. The spread of such a reading is the retakes' with a
part of the face left out."""

from __future__ import annotations

from typing import Any

import cv2
import pytest

from core.analysis import AnalysisResult, analyze
from core.analysis.comparison import (
    LEFT_OUT_REASON,
    compare,
    left_out,
    like_for_like,
    part_spread,
    spread,
)
from core.analysis.errors import AnalysisInputError
from core.analysis.regions import CUT_REASON
from core.analysis.repeatability import MDC95, MDC95_PART
from core.cache import DiskCache


@pytest.fixture(scope="module")
def stored(portrait_result: AnalysisResult, chin_cut_result: AnalysisResult):
    return portrait_result.to_json(), chin_cut_result.to_json()


@pytest.fixture(scope="module")
def shared(portrait, chin_cut_portrait, stored) -> tuple[dict[str, Any], dict[str, Any]]:
    drop = left_out(*stored)
    return (
        analyze(portrait, leave_out=drop).to_json(),
        analyze(chin_cut_portrait, leave_out=drop).to_json(),
    )


def test_both_photos_leave_out_what_only_one_showed(stored) -> None:
    whole, cut = stored
    assert left_out(whole, cut) == left_out(cut, whole) == {"chin": LEFT_OUT_REASON}
    assert left_out(whole, whole) == {}
    assert left_out({}, cut) == {}  # a result that does not say its regions


def test_a_region_seen_by_both_for_one_measure_only_is_left_out_of_both(stored) -> None:
    """An under-eye one photo measured for redness only and the other for redness and lines:
    leaving it out of the second alone would leave redness reading different skin."""
    whole, _ = stored
    key = next(k for k, m in whole["measures"].items() if "left_under_eye" in m.get("regions", {}))
    other = next(
        k
        for k, m in whole["measures"].items()
        if k != key and "left_under_eye" in m.get("regions", {})
    )
    fewer = {**whole, "measures": {**whole["measures"]}}
    entry = dict(whole["measures"][other])
    entry["regions"] = {r: v for r, v in entry["regions"].items() if r != "left_under_eye"}
    fewer["measures"][other] = entry
    assert left_out(whole, fewer) == {"left_under_eye": LEFT_OUT_REASON}


def test_the_same_face_reads_alike_on_the_same_skin(stored, shared) -> None:
    whole, cut = stored
    assert shared[0]["excluded_regions"] == {**whole["excluded_regions"], "chin": LEFT_OUT_REASON}
    assert shared[1]["excluded_regions"] == cut["excluded_regions"]
    assert cut["excluded_regions"]["chin"] == CUT_REASON
    read_again = 0
    for key in whole["metrics"]:
        as_stored = compare(key, whole, cut)
        if as_stored is None or as_stored.verdict != "different_skin":
            continue
        change = like_for_like(key, whole, cut, shared=shared)
        assert change is not None, key
        assert change.verdict == "within_noise", (key, change)
        assert change.reason == "without the chin"
        assert abs(change.delta) <= change.spread
        read_again += 1
    assert read_again >= 5  # most measures read the chin


def test_a_real_change_on_the_shared_skin_is_called_real(stored, shared) -> None:
    whole, cut = stored
    key = next(
        k
        for k in whole["metrics"]
        if (c := compare(k, whole, cut)) and c.verdict == "different_skin"
    )
    later = {**shared[1], "metrics": {**shared[1]["metrics"]}}
    later["metrics"][key] = min(100.0, shared[0]["metrics"][key] + 3 * part_spread(key, whole, cut))
    change = like_for_like(key, whole, cut, shared=(shared[0], later))
    assert change is not None and change.verdict == "real_change"


def test_a_reading_from_part_of_the_face_carries_a_wider_spread(stored) -> None:
    whole, cut = stored
    for key in MDC95:
        assert part_spread(key, whole, cut) >= spread(key, whole, cut)
    grown = max(MDC95, key=lambda k: MDC95_PART[k] / MDC95[k])
    assert part_spread(grown, whole, cut) > spread(grown, whole, cut)


def test_leaving_out_nothing_changes_nothing(portrait, portrait_result) -> None:
    again = analyze(portrait, leave_out={})
    assert again.photo_json() == portrait_result.photo_json()


def test_a_region_that_does_not_exist_is_refused(portrait) -> None:
    with pytest.raises(ValueError, match="no face region called 'elbow'"):
        analyze(portrait, leave_out={"elbow": "left out"})


def test_a_reading_without_a_region_is_never_cached(tmp_path, portrait) -> None:
    cache = DiskCache(tmp_path / "cache")
    photo = cv2.imencode(".png", portrait[:, :, ::-1])[1].tobytes()  # the cache keys bytes
    whole = analyze(photo, cache=cache)
    partial = analyze(photo, cache=cache, leave_out={"left_cheek": LEFT_OUT_REASON})
    assert not partial.cached and partial.excluded_regions.get("left_cheek") == LEFT_OUT_REASON
    again = analyze(photo, cache=cache)
    assert again.cached and again.metrics == whole.metrics
    assert "left_cheek" not in again.excluded_regions


def test_leaving_out_every_region_measures_nothing(portrait) -> None:
    from core.analysis.regions import REGION_NAMES

    with pytest.raises(AnalysisInputError) as refused:
        analyze(portrait, leave_out=dict.fromkeys(REGION_NAMES, LEFT_OUT_REASON))
    assert refused.value.code == "too_small"
