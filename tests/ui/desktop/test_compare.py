"""Compare on real widgets: two real analyses of one face at different sizes, zoom and pan kept in
step on the same part of the face, the same heat map on both, the before/after wipe, and each
measure's change marked as a real change or within retest noise."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import cv2
import numpy as np
import pytest
import skimage.data
from PySide6.QtCore import QPointF, QRect, Qt

from app.desktop.readings import readings
from app.kiosk.worker import Measured, measure
from app.read_again import Reading, read_photos
from core import vocabulary
from core.analysis import AnalysisResult
from core.analysis.comparison import score_part_spread, score_spread
from core.analysis.repeatability import mdc_of, score_mdc
from core.imaging import encode_jpeg
from core.vocabulary import signed
from tests.helpers.desktop import TIMEOUT, add_patients, save_measured, sign_in
from ui.desktop.analysis.changes_table import ChangesTable
from ui.desktop.analysis.compare_page import ComparePage
from ui.desktop.ports import AnalysisDetail, LikeForLike, MeasureReading
from ui.reports.not_compared import READ_AGAIN_MARK
from ui.theme import style_sheet

SCALE = 0.75  # the before photo is the same face, smaller


@pytest.fixture(scope="module")
def smaller_astronaut() -> Measured:
    rgb = skimage.data.astronaut()
    small = cv2.resize(rgb, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_AREA)
    return measure(np.ascontiguousarray(small))


def _edited(measured: Measured, **levels: float | None) -> dict[str, Any]:
    """The stored JSON with some levels changed (None: the engine declined that measure)."""
    metrics = dict(measured.result["metrics"])
    measures = {k: dict(v) for k, v in measured.result["measures"].items()}
    for key, level in levels.items():
        if level is None:
            metrics.pop(key, None)
            measures[key] = {"measured": False, "reason": "Too little skin visible.", "mdc": 2.0}
        else:
            metrics[key] = level  # measured at this level (the small astronaut declines some)
            measures[key].update(level=level, measured=True)
            measures[key].pop("reason", None)
    return {"metrics": metrics, "measures": measures}


@pytest.fixture
def page(
    qtbot: Any, make_window, ctx, emails, astronaut_measured, smaller_astronaut
) -> ComparePage:
    (zoe,) = add_patients(ctx, [("Zoé", "Martin", "zoe@example.org")])
    save_measured(
        ctx,
        zoe,
        smaller_astronaut,
        days_ago=120,
        result_changes=_edited(smaller_astronaut, redness=60.0, pores=40.0, acne=None),
    )
    save_measured(
        ctx,
        zoe,
        astronaut_measured,
        days_ago=2,
        result_changes=_edited(astronaut_measured, redness=30.0, pores=43.0, acne=5.0),
    )
    compare = _open_compare(qtbot, make_window, emails, zoe)
    qtbot.waitUntil(lambda: len(compare.images) == 2, timeout=TIMEOUT)
    assert compare.ctx.workspace.current_key == "compare"
    return compare


def _open_compare(qtbot: Any, make_window, emails, patient: Any) -> ComparePage:
    """A clinician signs in and compares the patient's two visits from the record."""
    win = make_window(size=(1280, 800))
    sign_in(qtbot, win, emails["clinician"])
    record = win.view.workspace.page("record")
    record.show_patient(str(patient))
    qtbot.waitUntil(lambda: record.painted, timeout=TIMEOUT)
    record.timeline.selectAll()
    record.compare_button.click()
    return win.view.workspace.page("compare")


def test_changes_are_marked_real_or_within_retest_noise(
    page: ComparePage, smaller_astronaut: Measured, astronaut_measured: Measured
) -> None:
    assert page.changes.verdict("Redness") == "Real change: better"  # 60 -> 30, lower is better
    visits = (smaller_astronaut, astronaut_measured)
    carried = max(m.result["measures"]["pores"]["mdc"] for m in visits)  # for their face sizes
    assert carried >= mdc_of("pores")
    assert page.changes.verdict("Pores") == f"Within retest noise (±{carried:.1f})"  # 40 -> 43
    assert page.changes.verdict("Acne") == "Not measured before"
    row = next(
        r for r in range(page.changes.rowCount()) if page.changes.item(r, 0).text() == "Redness"
    )
    assert page.changes.item(row, 3).text() == "\u25bc \u221230"
    assert page.changes.item(row, 3).foreground().color().name() == "#2f7d4f"  # the theme's better


def test_an_arrow_only_for_a_real_change(page: ComparePage) -> None:
    """As on the kiosk and the PDF: a change within retest noise reads "=" with its sign, an arrow
    only a real one (the acceptance test of session 17 saw "\u25b2 +1 \u2014 Within retest
    noise", D12)."""
    assert page.changes.verdict("Pores").startswith("Within retest noise")  # 40 -> 43
    assert page.changes.shown_change("Pores") == "= +3"
    assert page.changes.shown_change("Redness") == "\u25bc \u221230"  # a real change
    for row in range(page.changes.rowCount()):
        shown, verdict = page.changes.item(row, 3).text(), page.changes.item(row, 4).text()
        if verdict.startswith("Within retest noise"):
            assert shown.startswith("= "), (shown, verdict)
        if shown.startswith(("\u25b2", "\u25bc")):
            assert verdict.startswith("Real change"), (shown, verdict)


def test_zoom_and_pan_follow_on_the_same_part_of_the_face(qtbot, page: ComparePage) -> None:
    before, after = page.views["before"], page.views["after"]
    assert before.photo_size() == (384, 384) and after.photo_size() == (512, 512)
    eye = QPointF(170, 110)  # a point on the smaller photo's face
    before.set_view(4.0, eye)
    centre = after.centre()
    assert abs(centre.x() - eye.x() / SCALE) < 6 and abs(centre.y() - eye.y() / SCALE) < 6
    face_before = before.transform().m11() * page.frames["before"].width
    face_after = after.transform().m11() * page.frames["after"].width
    assert face_after == pytest.approx(face_before, rel=0.02)  # the faces look the same size
    after.horizontalScrollBar().setValue(after.horizontalScrollBar().value() - 60)
    assert before.centre().x() < eye.x() - 20  # panning the other one leads this one too


def test_the_same_heat_map_lies_on_both(qtbot, page: ComparePage) -> None:
    page.toolbar.choose("redness")
    qtbot.waitUntil(
        lambda: all(not v.overlay.pixmap().isNull() for v in page.views.values()), timeout=90_000
    )
    assert not page.wipe.before_overlay.pixmap().isNull()
    page.toolbar.choose("")
    assert all(v.overlay.pixmap().isNull() for v in page.views.values())


def test_the_before_after_slider(qtbot, page: ComparePage) -> None:
    page.wipe_button.click()
    assert page.photos.currentIndex() == 1
    page.slider.setValue(250)
    assert page.wipe.clip.rect().width() == pytest.approx(512 * 0.25)
    mapped = page.wipe.before.transform().map(page.frames["before"].centre)
    target = page.frames["after"].centre
    assert abs(mapped.x() - target.x()) < 1 and abs(mapped.y() - target.y()) < 1
    page.slider.setValue(1000)
    assert page.wipe.clip.rect().width() == pytest.approx(512)


def test_swapping_and_picking_other_visits(qtbot, page: ComparePage) -> None:
    page.swap.click()
    qtbot.waitUntil(lambda: len(page.images) == 2, timeout=TIMEOUT)
    assert page.changes.verdict("Redness") == "Real change: worse"
    assert page.views["before"].photo_size() == (512, 512)


def _reading(key: str, level: float | None, reason: str = "") -> MeasureReading:
    return MeasureReading(
        key=key,
        label=key.capitalize(),
        level=level,
        word="",
        tone="fair",
        estimate=False,
        direction="lower is better",
        reason=reason,
    )


def test_rows_for_tiny_changes_and_measures_never_measured(qtbot) -> None:
    table = ChangesTable()
    qtbot.addWidget(table)
    tiny = table._row(_reading("redness", 40.2), _reading("redness", 40.0))
    assert tiny[3] == "= \u00b10" and tiny[4].startswith("Within retest noise")
    never = table._row(_reading("pores", None, "old"), _reading("pores", None, "Too small."))
    assert never[4] == "Not measured at either visit" and never[6] == "Too small."


def _detail(result: dict[str, Any]) -> AnalysisDetail:
    return AnalysisDetail(
        analysis_id=str(result["analysis_id"]),
        patient_id="p",
        patient_name="Zoé Martin",
        taken_at=datetime.fromisoformat(str(result["created_at"])),
        skin_score=float(result["skin_score"]),
        score_band="",
        engine_version=str(result["engine_version"]),
        measures=readings(result, result["metrics"]),
        quality=(),
        summary=(),
        photo=None,
        result=result,
    )


def test_a_measure_read_on_different_skin_is_not_comparable(
    qtbot, portrait_result, chin_cut_result
) -> None:
    """The earlier photo had the chin cut off by the frame: every measure that reads the chin,
    and the score, says so instead of calling its change real or noise; the others still do."""
    table = ChangesTable()
    qtbot.addWidget(table)
    table.show_changes(_detail(chin_cut_result.to_json()), _detail(portrait_result.to_json()))
    why = "chin measured only at the later visit (cut off by the edge of the photo)"
    for key in ("redness", "oiliness", "acne"):
        assert key in chin_cut_result.metrics and "chin" in portrait_result.measures[key]["regions"]
        assert table.verdict(vocabulary.measure(key).clinical_label) == f"Not comparable: {why}"
    assert table.item(0, 4).text() == f"Not comparable: {why}"  # the skin score
    label = vocabulary.measure("dark_circles").clinical_label
    assert not table.verdict(label).startswith("Not comparable")  # under the eyes: same skin


def test_the_spread_that_decides_is_the_smaller_face_s(qtbot, portrait_result) -> None:
    """The same change of lines, beyond the full-size spread: real between two photos that carry
    it, within retest noise when one photo is a small face (84 px) carrying a larger spread."""
    key = "wrinkles"
    small = portrait_result.to_json()
    noise = small["measures"][key]["mdc"]
    assert noise > mdc_of(key)
    later = copy.deepcopy(small)
    later["metrics"][key] += (noise + mdc_of(key)) / 2
    later["measures"][key]["mdc"] = mdc_of(key)
    label = vocabulary.measure(key).clinical_label
    table = ChangesTable()
    qtbot.addWidget(table)
    table.show_changes(_detail(small), _detail(later))
    assert table.verdict(label) == f"Within retest noise (\u00b1{noise:.1f})"
    both = copy.deepcopy(small)
    both["measures"][key]["mdc"] = mdc_of(key)
    table.show_changes(_detail(both), _detail(later))
    assert table.verdict(label).startswith("Real change")


def test_the_score_s_change_is_judged_against_its_own_spread(qtbot, portrait_result) -> None:
    """The score carries its retest spread (``skin_score_mdc``): two points beyond it up on the same
    measures and skin is a real change and better; a change inside it is within retest noise, "="
    and uncoloured (the acceptance test of session 17 saw "82 \u2192 88, better" with
    no spread behind it, D12)."""
    before = portrait_result.to_json()
    noise = score_spread(before, before)
    assert noise == before["skin_score_mdc"] >= 1.0
    gain = round(noise) + 2
    after = copy.deepcopy(before)
    after["skin_score"] = before["skin_score"] + gain
    table = ChangesTable()
    qtbot.addWidget(table)
    table.show_changes(_detail(before), _detail(after))
    assert table.shown_change("Skin score") == f"\u25b2 +{gain}"
    assert table.verdict("Skin score") == "Real change: better"
    assert f"up to {noise:.1f} points" in table.item(0, 4).toolTip()
    assert table.item(0, 4).foreground() == table.item(0, 3).foreground()
    assert table.item(0, 4).foreground() != table.item(1, 0).foreground()  # coloured better
    after["skin_score"] = before["skin_score"] + noise - 0.2
    table.show_changes(_detail(before), _detail(after))
    assert table.shown_change("Skin score").startswith("= +")
    assert table.verdict("Skin score") == f"Within retest noise (±{noise:.1f})"
    assert table.item(0, 4).foreground() == table.item(1, 0).foreground()  # not coloured


def test_a_stored_score_without_its_spread_is_judged_by_the_table(qtbot, portrait_result) -> None:
    """Results of engines before 2.16.0 carry no ``skin_score_mdc``: the score's change is judged
    against the table's spread at full size, never left without a verdict."""
    before = portrait_result.to_json()
    del before["skin_score_mdc"]
    after = copy.deepcopy(before)
    after["skin_score"] = before["skin_score"] - round(score_mdc()) - 2
    table = ChangesTable()
    qtbot.addWidget(table)
    table.show_changes(_detail(before), _detail(after))
    assert table.verdict("Skin score") == "Real change: worse"
    assert f"up to {score_mdc():.1f} points" in table.item(0, 4).toolTip()


@pytest.fixture(scope="module")
def cut_then_whole(portrait, chin_cut_portrait) -> tuple[Measured, Measured]:
    return measure(chin_cut_portrait), measure(portrait)


def test_different_skin_is_read_again_like_for_like(
    qtbot, make_window, ctx, emails, cut_then_whole
) -> None:
    """Through the real services: the earlier photo had the chin cut off. The rows that read the
    chin first say why they are not comparable, then, once both photos are read again without
    the chin (off the UI thread), the change on the skin both showed and its verdict."""
    (zoe,) = add_patients(ctx, [("Zoé", "Martin", "zoe@example.org")])
    save_measured(ctx, zoe, cut_then_whole[0], days_ago=60)
    save_measured(ctx, zoe, cut_then_whole[1], days_ago=1)
    page = _open_compare(qtbot, make_window, emails, zoe)
    redness = vocabulary.measure("redness").clinical_label
    qtbot.waitUntil(lambda: page.changes.rowCount() > 0, timeout=TIMEOUT)
    assert "redness" in page.changes.apart and page.like_status.isVisibleTo(page)
    qtbot.waitUntil(
        lambda: page.changes.verdict(redness).startswith("Like for like"), timeout=TIMEOUT
    )
    for key in page.changes.apart:
        verdict = page.changes.verdict(vocabulary.measure(key).clinical_label)
        assert verdict.startswith("Like for like, without the chin: "), verdict
        assert "within retest noise" in verdict  # the same face, on the same skin
    dark = page.changes.verdict(vocabulary.measure("dark_circles").clinical_label)
    assert not dark.startswith(("Like for like", "Not comparable"))  # same skin all along
    assert page.like_status.text().startswith("Like for like: both photos read again")
    assert f"(the levels and changes marked {READ_AGAIN_MARK}; " in page.like_status.text()
    assert "the stored levels are in their tooltips" in page.like_status.text()
    for key in page.changes.apart:  # each change is the like-for-like reading's, marked
        label = vocabulary.measure(key).clinical_label
        assert page.changes.shown_change(label).endswith(f" {READ_AGAIN_MARK}"), key
    score = page.changes.item(0, 4).text()  # the skin score, from the same measures on both
    assert score.startswith("Like for like, without the chin: "), score


@pytest.fixture(scope="module")
def chin_cut_read_again(
    portrait: np.ndarray,
    portrait_result: AnalysisResult,
    chin_cut_portrait: np.ndarray,
    chin_cut_result: AnalysisResult,
) -> tuple[dict[str, Any], dict[str, Any], Reading]:
    """The earlier photo had the chin cut off: both stored results and the two photos read again
    without the chin (the measures that read the chin only)."""
    before, after = chin_cut_result.to_json(), portrait_result.to_json()
    apart = ChangesTable()
    apart.show_changes(_detail(before), _detail(after))
    photos = (encode_jpeg(chin_cut_portrait), encode_jpeg(portrait))
    reading = read_photos(*photos, (before, after), keys=set(apart.apart))
    apart.deleteLater()
    assert reading.changes and reading.score is not None
    return before, after, reading


def test_a_row_read_like_for_like_shows_that_reading_s_change(
    qtbot: Any, chin_cut_read_again: tuple[dict[str, Any], dict[str, Any], Reading]
) -> None:
    """The earlier photo had the chin cut off: once both photos are read again without the chin,
    each such row's Change is that reading's change, marked * as on the kiosk and the reports and
    coloured as its verdict, never the stored difference beside a verdict on other numbers (the
    acceptance test saw a fall of 1 beside "11 → 15")."""
    before, after, reading = chin_cut_read_again
    table = ChangesTable()
    qtbot.addWidget(table)
    table.show_changes(_detail(before), _detail(after))
    table.show_like_for_like(LikeForLike(reading.changes, reading.score, reading.where))
    for key, moved in reading.changes.items():
        label = vocabulary.measure(key).clinical_label
        shown = f"{moved.before:.0f} \u2192 {moved.after:.0f}"
        assert shown in table.verdict(label)
        assert table.shown_change(label).endswith(f" {signed(moved.delta)} {READ_AGAIN_MARK}")
    assert reading.score is not None
    was, now = reading.score
    assert f"{was:.0f} \u2192 {now:.0f}" in table.verdict("Skin score")
    assert table.shown_change("Skin score").endswith(
        f" {signed(round(now - was, 1))} {READ_AGAIN_MARK}"
    )
    noise = score_part_spread(before, after)  # a score read from part of the face
    assert noise >= score_spread(before, after)
    score = table.item(0, 4)
    assert score is not None and f"up to {noise:.1f} points" in score.toolTip()
    real = abs(now - was) > noise
    assert ("real change" in score.text()) == real and (
        "within retest noise" in score.text()
    ) != real
    for row in range(table.rowCount()):
        change, verdict = table.item(row, 3), table.item(row, 4)
        assert change is not None and verdict is not None
        assert change.foreground() == verdict.foreground(), verdict.text()


def test_a_row_read_like_for_like_shows_that_reading_s_levels(
    qtbot: Any, chin_cut_read_again: tuple[dict[str, Any], dict[str, Any], Reading]
) -> None:
    """Before and After on a row read like for like are that reading's levels, marked * as its
    change is, so a clinician never sees the stored 12 -> 11 beside "+4 *" (acceptance test of
    session 16); the stored levels stay in the tooltip. A row on the same skin all along keeps
    its stored levels, unmarked."""
    before, after, reading = chin_cut_read_again
    table = ChangesTable()
    qtbot.addWidget(table)
    table.show_changes(_detail(before), _detail(after))
    table.show_like_for_like(LikeForLike(reading.changes, reading.score, reading.where))

    def levels(key: str) -> tuple[str, str]:
        was, now = (table.item(table.keys.index(key), column) for column in (1, 2))
        assert was is not None and now is not None
        return was.text(), now.text()

    for key, moved in reading.changes.items():
        shown = (f"{moved.before:.0f} {READ_AGAIN_MARK}", f"{moved.after:.0f} {READ_AGAIN_MARK}")
        assert levels(key) == shown, key
        row = table.keys.index(key)
        for column, stored in ((1, before["metrics"][key]), (2, after["metrics"][key])):
            item = table.item(row, column)
            assert item is not None
            assert item.toolTip().startswith(f"As stored: {stored:.0f}."), item.toolTip()
            assert reading.where in item.toolTip()  # and why it was read again
    assert reading.score is not None
    was, now = reading.score
    score = tuple(f"{vocabulary.shown_score(s)} {READ_AGAIN_MARK}" for s in (was, now))
    assert levels(vocabulary.SKIN_SCORE) == score
    stored_score = table.item(0, 1)
    assert stored_score is not None
    assert stored_score.toolTip().startswith(
        f"As stored: {vocabulary.shown_score(before['skin_score'])}."
    )
    same = "dark_circles"  # under the eyes: the same skin at both visits
    assert same not in reading.changes
    stored_levels = (f"{before['metrics'][same]:.0f}", f"{after['metrics'][same]:.0f}")
    assert levels(same) == stored_levels
    row = table.keys.index(same)
    for column in (1, 2):
        item = table.item(row, column)
        assert item is not None and "As stored" not in item.toolTip()


def test_a_long_verdict_wraps_in_a_narrow_window_instead_of_being_cut(
    qtbot: Any, chin_cut_read_again: tuple[dict[str, Any], dict[str, Any], Reading]
) -> None:
    """At 1080 px wide the compare screen cut "Like for like, without the chin: 11 → 15, within
    retest noise (±13.9)" short: a verdict longer than its column takes more lines, its row
    growing to hold them; a short verdict's row keeps the usual height."""
    before, after, reading = chin_cut_read_again
    table = ChangesTable()
    qtbot.addWidget(table)
    table.setStyleSheet(style_sheet("desktop"))  # the desktop's type size
    table.resize(640, 700)
    table.show()
    table.show_changes(_detail(before), _detail(after))
    table.show_like_for_like(LikeForLike(reading.changes, reading.score, reading.where))
    usual = table.verticalHeader().defaultSectionSize()

    def fitted() -> bool:
        """Every verdict wider than its column in a row tall enough for its lines, and the
        others at the usual height; raises with the first row that is not."""
        metrics = table.fontMetrics()
        room = table.columnWidth(4) - 8
        for row in range(table.rowCount()):
            verdict = table.item(row, 4)
            assert verdict is not None
            text = verdict.text()
            if metrics.horizontalAdvance(text) > room:
                flags = int(Qt.TextFlag.TextWordWrap)
                need = metrics.boundingRect(QRect(0, 0, room, 10_000), flags, text).height()
                assert table.rowHeight(row) >= need > usual, text
            else:
                assert table.rowHeight(row) == usual, text
        return True

    assert fitted()
    assert any(table.rowHeight(r) > usual for r in range(table.rowCount()))  # one did wrap
    table.resize(1600, 700)  # wide enough for every verdict on one line
    qtbot.waitUntil(lambda: all(table.rowHeight(r) == usual for r in range(table.rowCount())))
    table.resize(640, 700)  # and narrow again
    qtbot.waitUntil(lambda: any(table.rowHeight(r) > usual for r in range(table.rowCount())))
    assert fitted()
