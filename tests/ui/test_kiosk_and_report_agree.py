"""The kiosk's results screen and the PDF the patient takes away say the same words: for every
score band (each boundary +/- 0.1 and a sweep), the real screen and the real report name the same
band, and every measure has the same label and verdict on both."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from app.kiosk.views import result_view
from app.kiosk.worker import Measured, measure
from core import vocabulary as vocab
from ui.kiosk.ports import AnalysisView
from ui.kiosk.results import ResultsScreen
from ui.reports.model import ReportData
from ui.reports.pdf import render_report

BOUNDARIES = [b.floor for b in vocab.SCORE_BANDS if b.floor > 0]
SCORES = sorted(
    {0.0, 100.0, *(b + d for b in BOUNDARIES for d in (-0.6, -0.5, -0.1, 0.0, 0.1, 0.5))}
    | {float(s) for s in range(3, 100, 8)}
)
BAND_ON_PAGE = re.compile(r"OVERALL SKIN SCORE (\w+)")


@pytest.fixture(scope="module")
def measured(portrait: Any) -> Measured:
    """The portrait (84 px between the eyes): every measure but pores is supported."""
    return measure(portrait)


@pytest.fixture(scope="module")
def screen(qapp: Any, measured: Measured) -> ResultsScreen:
    widget = ResultsScreen()
    widget.resize(1280, 800)
    widget.show()
    return widget


def _kiosk(screen: ResultsScreen, measured: Measured, record: dict[str, Any]) -> ResultsScreen:
    view = AnalysisView(
        result=result_view(record, previous=None),
        photo=measured.display,
        overlays=measured.layers,
        saved=False,
        record=record,
    )
    screen.show_view(view)
    return screen


def _report(record: dict[str, Any], path: Path) -> str:
    data = ReportData(result=record, photo_jpeg=None, overlays={}, patient_name="Ada Lovelace")
    reader = PdfReader(io.BytesIO(render_report(data, path).read_bytes()))
    return " ".join((reader.pages[0].extract_text() or "").split())


def test_the_scores_cover_every_band_and_its_edges() -> None:
    assert {vocab.score_band(s).key for s in SCORES} == {b.key for b in vocab.SCORE_BANDS}
    assert len(SCORES) < 60  # fast enough to render every one


def test_screen_and_report_name_the_same_band_for_every_score(
    screen: ResultsScreen, measured: Measured, tmp_path: Path
) -> None:
    for score in SCORES:
        record = {**measured.result, "skin_score": score}
        kiosk = _kiosk(screen, measured, record)
        page = _report(record, tmp_path / f"{score}.pdf")
        found = BAND_ON_PAGE.search(page)
        assert found is not None, page[:300]
        assert kiosk.band.isVisible() and kiosk.band.text(), score
        assert kiosk.band.text() == found.group(1), score
        shown = str(vocab.shown_score(score))
        assert f"{shown} out of 100" in page and kiosk.ring.score == score
        assert kiosk.band_meaning.text() and kiosk.band_meaning.text() in page, score


def test_screen_and_report_name_every_measure_alike(
    screen: ResultsScreen, measured: Measured, tmp_path: Path
) -> None:
    record = dict(measured.result)
    kiosk = _kiosk(screen, measured, record)
    page = _report(record, tmp_path / "measures.pdf")
    rows = [r for r in kiosk.measures if r.isVisible()]
    assert len(rows) == len(record["measures"]) == len(vocab.MEASURES)  # measured or not
    shown = {r.name.text(): r for r in rows}
    for key, level in record["metrics"].items():
        row = next(r for name, r in shown.items() if name.startswith(vocab.measure(key).label))
        words = vocab.measure(key)
        assert row.name.text().startswith(words.label) and words.label in page, key
        assert row.meaning.text() == words.meaning and words.meaning in page, key
        verdict = f"{vocab.level_word(key, level)} \u00b7 {words.direction}"
        assert row.verdict.text() == verdict and verdict in page, key
    chips = {c.text() for c in kiosk.photo.group.buttons()}
    assert chips <= {m.label for m in vocab.MEASURES.values()} and chips
