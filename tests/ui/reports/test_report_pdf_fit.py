"""Variable text on the report (region lists, the engine's reasons, photo tips, names) fits its
column: it wraps and pushes what is below it down, or is shortened in words, never cut off.

pypdf extracts text the page clips, so the PDF's words alone cannot show a cut: the
``overflowing`` fixture records every line drawn into a box too small for it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from core.vocabulary import REGIONS, instruction, region
from ui.reports.layout import fitting_list
from ui.reports.model import ReportData
from ui.reports.pdf import render_report

Reader = Callable[[Path], list[str]]
Maker = Callable[..., ReportData]

LONG_REASON = (
    "the photo is too small to see pores: move closer or use a higher resolution "
    "(needs 126 px between the eyes, this photo has 119)"
)


def test_a_condition_in_many_regions_keeps_its_confidence_and_says_how_many_more(
    qapp: QApplication, tmp_path: Path, make_data: Maker, read_pdf: Reader, overflowing: list[str]
) -> None:
    everywhere = sorted(REGIONS, key=lambda r: -len(region(r).label))  # longest first
    conditions = [
        {"name": "wrinkles", "severity": "mild", "confidence": 0.82, "regions": everywhere,
         "metric": "wrinkles", "level": 50.0},
    ]  # fmt: skip
    data = make_data(result={"conditions": conditions})
    text = " ".join(read_pdf(render_report(data, tmp_path / "regions.pdf")))
    assert overflowing == []
    line = re.search(r"MILD Lines (.+?) and (\d+) more \u00b7 confidence 82%", text)
    assert line is not None
    named = line.group(1).split(", ")
    assert named == [region(r).label for r in everywhere[: len(named)]]
    assert len(named) + int(line.group(2)) == len(everywhere)


def test_a_long_reason_for_a_measure_not_measured_wraps_whole(
    qapp: QApplication, tmp_path: Path, make_data: Maker, read_pdf: Reader, overflowing: list[str]
) -> None:
    data = make_data()
    measures = {
        name: {**entry, "measured": False, "reason": LONG_REASON}
        if name in ("pores", "redness", "acne")
        else entry
        for name, entry in data.result["measures"].items()
    }
    metrics = {k: v for k, v in data.result["metrics"].items() if k not in ("redness", "acne")}
    out = render_report(
        make_data(result={"measures": measures, "metrics": metrics}), tmp_path / "reason.pdf"
    )
    pages = read_pdf(out)
    assert overflowing == []
    assert len(pages) == 2
    assert pages[0].count("this photo has 119)") == 3
    assert "The skin score uses only what was measured" in pages[0]


def test_a_long_photo_tip_wraps_in_its_card(
    qapp: QApplication, tmp_path: Path, make_data: Maker, read_pdf: Reader, overflowing: list[str]
) -> None:
    quality = {**make_data().result["quality"], "messages": [instruction("one_person")]}
    pages = read_pdf(render_report(make_data(result={"quality": quality}), tmp_path / "tip.pdf"))
    assert overflowing == []
    assert len(pages) == 2
    assert f"Next time: {instruction('one_person')}." in pages[0]


def test_long_clinic_and_patient_names_end_in_an_ellipsis_in_the_headers(
    qapp: QApplication, tmp_path: Path, make_data: Maker, read_pdf: Reader, overflowing: list[str]
) -> None:
    data = make_data(
        clinic_name="The Riverside Dermatology and Aesthetic Skin Care Clinic of Greater Manchester",
        patient_name="Maria Magdalena Alexandra von Hohenzollern-Sigmaringen",
    )
    pages = read_pdf(render_report(data, tmp_path / "names.pdf"))
    assert overflowing == []
    assert len(pages) == 2
    for page in pages:
        assert "THE RIVERSIDE DERMATOLOGY" in page and "Prepared for Maria Magdalena" in page
        assert "14 March 2026, 09:30" in page
    assert "\u2026" in pages[0] and "\u2026" in pages[1]


def test_a_list_shows_what_fits_then_how_many_more_and_always_its_tail() -> None:
    def fits(text: str) -> bool:
        return len(text) <= 32

    labels = ["forehead", "nose", "chin", "left cheek"]
    assert fitting_list(labels[:2], fits, tail=" · 82%") == "forehead, nose · 82%"
    assert fitting_list(labels, fits, tail=" · 82%") == "forehead, nose and 2 more · 82%"
    assert fitting_list(labels, lambda _: False, tail=" · 82%") == "forehead and 3 more · 82%"
