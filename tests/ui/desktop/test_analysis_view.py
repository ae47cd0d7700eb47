"""One analysis on real widgets: the stored photo at full resolution, zoom and pan, the engine's
heat map drawn again over it, quality warnings, and a measure the engine did not measure."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt, QThread
from PySide6.QtWidgets import QApplication, QStyle

import app.desktop.analysis as desktop_analysis
from app.desktop.demo import face_photo
from app.kiosk.worker import Measured, measure
from core import vocabulary
from tests.helpers.desktop import TIMEOUT, add_patients, save_measured, sign_in
from ui.desktop.analysis.analysis_page import AnalysisPage

DECLINED = {
    "measured": False,
    "reason": "The photo is too small to see pores (a face 64 px between the eyes is the floor).",
    "mdc": 3.2,
}


@pytest.fixture
def page(qtbot: Any, make_window, ctx, emails, astronaut_measured) -> AnalysisPage:
    return _open(qtbot, make_window, ctx, emails, astronaut_measured, size=(1280, 800))


def _open(
    qtbot: Any, make_window, ctx, emails, astronaut_measured, *, size: tuple[int, int]
) -> AnalysisPage:
    """A clinician opens the astronaut's analysis (pores declined) in a window of ``size``."""
    (zoe,) = add_patients(ctx, [("Zoé", "Martin", "zoe@example.org")])
    measures = dict(astronaut_measured.result["measures"])
    measures["pores"] = DECLINED
    metrics = {k: v for k, v in astronaut_measured.result["metrics"].items() if k != "pores"}
    analysis_id = save_measured(
        ctx,
        zoe,
        astronaut_measured,
        days_ago=3,
        result_changes={"measures": measures, "metrics": metrics},
    )
    win = make_window(size=size)
    sign_in(qtbot, win, emails["clinician"])
    record = win.view.workspace.page("record")
    record.show_patient(str(zoe))
    qtbot.waitUntil(lambda: record.painted, timeout=TIMEOUT)
    record.open_analysis.emit(str(zoe), analysis_id)
    analysis = win.view.workspace.page("analysis")
    qtbot.waitUntil(analysis.view.has_photo, timeout=TIMEOUT)
    return analysis


def _row(page: AnalysisPage, label: str) -> list[str]:
    table = page.panel.measures
    for row in range(table.rowCount()):
        if table.item(row, 0).text().startswith(label):
            return [table.item(row, c).text() for c in range(table.columnCount())]
    raise AssertionError(f"no row {label}")


def test_the_photo_is_shown_at_full_resolution(page: AnalysisPage, astronaut_measured) -> None:
    assert page.view.photo_size() == (512, 512)  # the stored photo, not a thumbnail
    assert page.title.text().startswith("Analysis of ")
    assert "Zoé Martin" in page.subtitle.text() and "Skin score" in page.subtitle.text()
    assert page.window().view.workspace.current_key == "analysis"


def test_values_quality_warnings_and_a_measure_not_measured(page: AnalysisPage) -> None:
    redness = _row(page, "Redness")
    assert redness[1].isdigit() and redness[2]
    pores = _row(page, "Pores")
    assert pores[1] == "—" and pores[2] == "Not measured"
    page.panel.select("pores")  # choosing it says why
    assert page.panel.regions_title.text() == "Pores: not measured"
    assert page.panel.why.text().startswith("The photo is too small") and page.panel.why.isVisible()
    assert not page.panel.regions.isVisible()
    assert page.panel.quality.isVisible()
    assert "Move closer to the camera" in page.panel.quality.text()  # the astronaut is small
    assert page.toolbar.overlay.findData("pores") == -1  # nothing to draw for it
    assert page.toolbar.overlay.findData("redness") > 0


@pytest.fixture(scope="module")
def large_face() -> Measured:
    """The demo face the screenshots show (740x1024): a photo this large takes the room the
    readings would have had."""
    return measure(face_photo())


@pytest.mark.parametrize("size", [(1280, 800), (1080, 1920)], ids=["1280x800", "1080x1920"])
def test_the_measure_table_shows_every_header_and_reading_whole(
    qtbot: Any, make_window, ctx, emails, large_face: Measured, size: tuple[int, int]
) -> None:
    """At 1280x800 the acceptance test of session 17 saw the header "Reading" cut and "Not
    measu\u2026" for pores (D15): every column's header and every cell fit their column on one
    line, and every column lies inside the table, at both window sizes."""
    page = _open(qtbot, make_window, ctx, emails, large_face, size=size)
    page.toolbar.choose("redness")  # as the screenshots show it: a heat map, by region
    qtbot.waitUntil(lambda: not page.view.overlay.pixmap().isNull(), timeout=60_000)
    table = page.panel.measures
    header = table.horizontalHeader()
    QApplication.processEvents()
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    for column in range(table.columnCount()):
        title = table.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= header.sectionSizeHint(column), title
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert right <= table.viewport().width(), title
        room = table.columnWidth(column) - 2 * margin
        for row in range(table.rowCount()):
            text = table.item(row, column).text()
            assert table.fontMetrics().horizontalAdvance(text) <= room, (title, text)
    assert _row(page, "Pores")[2] == "Not measured"


def test_a_measure_region_by_region(page: AnalysisPage, astronaut_measured) -> None:
    page.panel.select("redness")
    assert page.panel.regions_title.text() == "Redness by region"
    regions = [page.panel.regions.item(r, 0).text() for r in range(page.panel.regions.rowCount())]
    engine = astronaut_measured.result["measures"]["redness"]["regions"]
    assert [r.lower() for r in regions] == [vocabulary.region(k).label.lower() for k in engine]
    assert "Left cheek" in regions and len(regions) >= 4


def test_the_heat_map_is_drawn_over_the_whole_photo(qtbot, page: AnalysisPage) -> None:
    page.toolbar.choose("redness")
    qtbot.waitUntil(lambda: not page.view.overlay.pixmap().isNull(), timeout=60_000)
    box = page.view.overlay.sceneBoundingRect()
    assert (round(box.width()), round(box.height())) == (512, 512)
    image = page.view.overlay.pixmap().toImage()
    alphas = {
        image.pixelColor(x, y).alpha()
        for x in range(0, image.width(), 8)
        for y in range(0, image.height(), 8)
    }
    assert max(alphas) > 40 and min(alphas) == 0  # some skin is red, the background is not
    page.toolbar.choose("")
    assert page.view.overlay.pixmap().isNull()


def test_zoom_and_pan(qtbot, page: AnalysisPage) -> None:
    win = page.window()
    assert page.view.zoom == 1.0
    qtbot.keyClick(win, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(win, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert page.view.zoom == pytest.approx(1.44)
    page.view.set_view(4.0, QPointF(100, 150))
    centre = page.view.centre()
    assert abs(centre.x() - 100) < 2 and abs(centre.y() - 150) < 2
    page.view.horizontalScrollBar().setValue(page.view.horizontalScrollBar().value() + 80)
    assert page.view.centre().x() > 110  # dragged to the right part of the photo
    qtbot.keyClick(win, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert page.view.zoom == 1.0


def test_leaving_the_analysis_gives_back_the_memory_its_heat_maps_freed(
    qtbot, page: AnalysisPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once per departure from the analysis views, off the UI thread (``core.memory``)."""
    released: list[bool] = []
    real = desktop_analysis.release_free_memory

    def release() -> bool:
        released.append(QThread.currentThread() is not QApplication.instance().thread())
        return real()

    monkeypatch.setattr(desktop_analysis, "release_free_memory", release)
    page.toolbar.choose("redness")
    qtbot.waitUntil(lambda: not page.view.overlay.pixmap().isNull(), timeout=60_000)
    workspace = page.window().view.workspace
    workspace.show_page("analysis")  # shown again: still in the analysis views
    qtbot.wait(100)
    assert released == []
    qtbot.keyClick(page, Qt.Key.Key_Escape)  # back to the patient's record
    assert workspace.current_key == "record"
    qtbot.waitUntil(lambda: released == [True], timeout=TIMEOUT)
    workspace.show_page("patients")  # from the record: nothing more to give back
    qtbot.wait(100)
    assert released == [True]
