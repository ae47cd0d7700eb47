"""The results screen shows a typed view: a measure that was not measured says why and stays off
the radar; the scroll area no longer hides ``QWidget.scroll``."""

from __future__ import annotations

from typing import Any

import pytest

from app.kiosk.views import result_view
from app.kiosk.worker import Measured, measure
from core import vocabulary
from core.analysis import analyze
from core.analysis.comparison import differences
from core.vocabulary import SKIN_SCORE, instruction
from tests.helpers.faces import face_mask
from ui.kiosk.ports import AnalysisView
from ui.kiosk.results import NOT_COMPARED, RETAKE_HINT, ResultsScreen

UP = "\u25b2"


@pytest.fixture(scope="module")
def measured(astronaut: Any) -> Measured:
    return measure(astronaut)


@pytest.fixture
def screen(qtbot: Any) -> ResultsScreen:
    shown = ResultsScreen()
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    return shown


def test_a_measure_that_was_not_measured(screen: ResultsScreen, measured: Measured) -> None:
    record = dict(measured.result)
    assert "pores" not in record["metrics"]  # the engine declines pores at this face size
    reason = record["measures"]["pores"]["reason"]
    view = AnalysisView(
        result=result_view(record, previous=None),
        photo=measured.display,
        overlays=measured.layers,
        saved=False,
        record=record,
    )
    screen.show_view(view)
    row = next(r for r in screen.measures if r.name.text() == "Pores")
    assert row.verdict.text() == "Not measured" and row.meaning.text() == reason
    assert row.gauge.level is None
    assert "Pores" not in screen.radar.axes and len(screen.radar.axes) == len(record["metrics"])
    assert callable(screen.scroll) and screen.results_scroll.widget() is not None
    screen.clear()
    assert screen.band.text() == "" and all(r.gauge.level is None for r in screen.measures)


def _after_a_visit_without_chin(
    today: Any, earlier: Any
) -> tuple[dict[str, Any], dict[str, str], dict[str, float]]:
    """Today's record, and what the last visit (photographed with the chin cut off) compares as
    stored: why each other measure does not, and the levels that do."""
    record, before = today.to_json(), earlier.to_json()
    levels = {**before["metrics"], SKIN_SCORE: before["skin_score"]}
    why = differences(levels, before, record)
    return record, why, {k: v for k, v in levels.items() if k not in why}


def _since_last_visit(
    photo: Any, record: dict[str, Any], previous: dict[str, float], **fields: Any
) -> AnalysisView:
    """A signed-in patient's stored results, with the last visit of 03 Nov 2026."""
    return AnalysisView(
        photo=photo,
        overlays={},
        saved=True,
        record=record,
        previous=previous,
        previous_date="03 Nov 2026",
        **fields,
    )


def test_a_last_visit_on_different_skin_is_not_compared(
    screen: ResultsScreen, portrait: Any, portrait_result: Any, chin_cut_result: Any
) -> None:
    """The last visit's photo had the chin cut off: no measure that reads the chin gets an arrow,
    the score says why it is not compared, and a measure on the same skin keeps its change."""
    record, why, previous = _after_a_visit_without_chin(portrait_result, chin_cut_result)
    assert SKIN_SCORE in why and "redness" in why and "dark_circles" in previous
    view = _since_last_visit(
        portrait, record, previous, result=result_view(record, previous=previous), not_compared=why
    )
    screen.show_view(view)
    assert screen.since.text() == NOT_COMPARED.format(date="03 Nov 2026")
    assert screen.since.toolTip() == why[SKIN_SCORE]
    rows = {r.name.text(): r for r in screen.measures}
    assert rows["Redness"].change.text() == ""
    assert rows["Dark circles"].change.text().endswith("since 03 Nov 2026")


def test_the_score_s_change_carries_its_verdict(
    screen: ResultsScreen, portrait: Any, portrait_result: Any
) -> None:
    """The score's line since the last visit is judged against its own retest spread, as each
    measure's row is: an arrow beyond it, "=" within it (session 17, D12)."""
    record = portrait_result.to_json()
    noise = record["skin_score_mdc"]
    for moved, shown in ((round(noise) + 2, f"{UP} +{round(noise) + 2}"), (1, "= +1")):
        previous = {**record["metrics"], SKIN_SCORE: record["skin_score"] - moved}
        result = result_view(record, previous=previous)
        screen.show_view(_since_last_visit(portrait, record, previous, result=result))
        assert screen.since.text() == f"{shown} points since your visit on 03 Nov 2026"
        assert screen.since.property("better") == "yes"


def test_a_change_read_like_for_like_is_marked_and_explained(
    screen: ResultsScreen, portrait: Any, portrait_result: Any, chin_cut_result: Any
) -> None:
    """What the two photos measured on different skin, read again without the chin: the change
    shows, marked *, with the note saying how it was read; the next visit's results clear it."""
    record, why, previous = _after_a_visit_without_chin(portrait_result, chin_cut_result)
    level = record["metrics"]["redness"]
    again = {"redness": (level - 20.0, level), SKIN_SCORE: (60.0, 52.0)}
    spreads = {"redness": 9.0, SKIN_SCORE: 5.0}
    view = _since_last_visit(
        portrait,
        record,
        previous,
        result=result_view(record, previous=previous, spreads=spreads, again=again),
        not_compared={k: v for k, v in why.items() if k not in again},
        spreads=spreads,
        like_for_like=again,
        read_again="without the chin",
    )
    screen.show_view(view)
    rows = {r.name.text(): r for r in screen.measures}
    assert rows["Redness"].change.text() == f"{UP} +20 since 03 Nov 2026 *"
    assert rows["Dark circles"].change.text().endswith("since 03 Nov 2026")  # stored levels
    still = next(
        k for k in why if k not in {*again, SKIN_SCORE} and not vocabulary.measure(k).estimate
    )
    assert (
        rows[vocabulary.measure(still).label].change.text() == ""
    )  # still not compared: no change
    assert screen.since.text() == "\u25bc \u22128 points since your visit on 03 Nov 2026 *"
    assert screen.read_again.isVisible()
    assert screen.read_again.text() == (
        "* Like for like: both photos read again without the chin, which only one of them showed."
    )
    small = result_view(record, previous=previous, spreads={"redness": 25.0}, again=again)
    assert next(m for m in small.measures if m.key == "redness").change.arrow == "="  # noise

    screen.show_view(
        AnalysisView(
            result=result_view(record, previous=None), photo=portrait, overlays={}, saved=False
        )
    )
    assert not screen.read_again.isVisible() and screen.since.text() == ""


def test_a_change_within_retest_noise_keeps_its_sign(
    screen: ResultsScreen, portrait: Any, portrait_result: Any
) -> None:
    """4 points down within a 9-point retest spread reads "about the same" ("="), and still says
    which way it moved, as the report prints it ("= \u22124")."""
    record = portrait_result.to_json()
    level = record["metrics"]["redness"]
    previous = {"redness": level + 4.0, "dark_circles": record["metrics"]["dark_circles"] - 1.0}
    spreads = {"redness": 9.0, "dark_circles": 9.0}
    result = result_view(record, previous=previous, spreads=spreads)
    screen.show_view(_since_last_visit(portrait, record, previous, result=result))
    rows = {r.name.text(): r for r in screen.measures}
    assert rows["Redness"].change.text() == "= \u22124 since 03 Nov 2026"
    assert rows["Dark circles"].change.text() == "= +1 since 03 Nov 2026"


def test_changes_that_round_to_zero_read_alike(
    screen: ResultsScreen, portrait: Any, portrait_result: Any
) -> None:
    """Half a point and a fifth of one both round to zero points: one spelling, "= \u00b10" (the
    acceptance test of session 17 saw Redness "= +0" beside Hydration "= \u00b10", D12)."""
    record = portrait_result.to_json()
    metrics = record["metrics"]
    previous = {"redness": metrics["redness"] - 0.5, "dark_circles": metrics["dark_circles"] + 0.2}
    result = result_view(record, previous=previous)
    screen.show_view(_since_last_visit(portrait, record, previous, result=result))
    rows = {r.name.text(): r for r in screen.measures}
    assert rows["Redness"].change.text() == "= \u00b10 since 03 Nov 2026"
    assert rows["Dark circles"].change.text() == "= \u00b10 since 03 Nov 2026"


def test_a_score_from_some_measures_says_so_and_why_the_type_is_not_determined(
    screen: ResultsScreen, astronaut: Any, small_result: Any, portrait: Any, portrait_result: Any
) -> None:
    """A small photo supports 2 of the 10 measures: the score says it rests on those, the skin
    type why it is not determined; a photo that supports every measure adds no line."""
    small = small_result.to_json()
    screen.show_view(
        AnalysisView(
            result=result_view(small, previous=None), photo=astronaut, overlays={}, saved=False
        )
    )
    assert screen.score_uses.isVisible()
    assert screen.score_uses.text() == vocabulary.score_from(small["skin_score_uses"], 10)
    assert screen.score_uses.text().startswith("From 2 of 10 measures")
    assert screen.skin_type.text() == "Skin type: Not determined"
    assert screen.type_reason.isVisible()
    assert screen.type_reason.text() == vocabulary.skin_type("unknown").meaning
    assert not screen.profile.isVisible()  # a radar of two axes is a line: no profile
    every = portrait_result.to_json()
    every["skin_score_uses"] = list(every["measures"])
    every["skin_type"] = "normal"
    screen.show_view(
        AnalysisView(
            result=result_view(every, previous=None), photo=portrait, overlays={}, saved=False
        )
    )
    assert not screen.score_uses.isVisible() and not screen.type_reason.isVisible()
    assert screen.profile.isVisible() and len(screen.radar.axes) >= 3
    assert screen.score_uses.text() == "" and screen.type_reason.text() == ""


def test_a_photo_whose_checks_failed_asks_for_a_retake(
    screen: ResultsScreen, shared_photo: Any, read_rgb: Any, geometry_of: Any
) -> None:
    """A mask is not seen by the live guidance, only by the analysis: the results say what to
    change and to retake; the same face bare shows no such line."""
    rgb = read_rgb(shared_photo("rose_leslie_img2.jpg"))
    masked = analyze(face_mask(rgb, geometry_of(rgb), (160, 200, 230))).to_json()
    assert not masked["quality"]["ok"]
    view = AnalysisView(
        result=result_view(masked, previous=None), photo=rgb, overlays={}, saved=False
    )
    screen.show_view(view)
    assert screen.retake_hint.isVisible()
    expected = RETAKE_HINT.format(problem=instruction("remove_mask"))
    assert screen.retake_hint.text() == expected
    bare = analyze(rgb).to_json()
    assert bare["quality"]["ok"]
    screen.show_view(
        AnalysisView(result=result_view(bare, previous=None), photo=rgb, overlays={}, saved=False)
    )
    assert not screen.retake_hint.isVisible()
    screen.show_view(view)
    screen.clear()
    assert not screen.retake_hint.isVisible() and screen.retake_hint.text() == ""


def test_the_parts_of_the_face_left_out_are_named_under_the_measures(
    screen: ResultsScreen, portrait: Any, portrait_result: Any
) -> None:
    """The portrait's forehead is under hair: its levels are of the rest of the face, and the
    screen says so, as the report does; a photo that left nothing out adds no line."""
    record = portrait_result.to_json()
    assert record["excluded_regions"]  # the forehead
    view = AnalysisView(
        result=result_view(record, previous=None), photo=portrait, overlays={}, saved=False
    )
    screen.show_view(view)
    assert screen.left_out.isVisible()
    assert screen.left_out.text() == "\n".join(
        vocabulary.left_out(key, why) for key, why in record["excluded_regions"].items()
    )
    whole = {**record, "excluded_regions": {}}
    screen.show_view(
        AnalysisView(
            result=result_view(whole, previous=None), photo=portrait, overlays={}, saved=False
        )
    )
    assert not screen.left_out.isVisible()
