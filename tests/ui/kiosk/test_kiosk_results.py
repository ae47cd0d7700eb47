"""The results screen shows a typed view: a measure that was not measured says why and stays off
the radar; the scroll area no longer hides ``QWidget.scroll``."""

from __future__ import annotations

from typing import Any

import pytest

from app.kiosk.views import result_view
from app.kiosk.worker import Measured, measure
from ui.kiosk.ports import AnalysisView
from ui.kiosk.results import ResultsScreen


@pytest.fixture(scope="module")
def measured(astronaut: Any) -> Measured:
    return measure(astronaut)


def test_a_measure_that_was_not_measured(qtbot: Any, measured: Measured) -> None:
    record = dict(measured.result)
    assert "pores" not in record["metrics"]  # the engine declines pores at this face size
    reason = record["measures"]["pores"]["reason"]
    screen = ResultsScreen()
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
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
