"""The PDF a patient takes away: produced, readable, and saying everything the kiosk promises."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from pypdf import PdfReader
from PySide6.QtGui import QColor, QImage

from app.reports import build_overlays
from core.analysis import analyze
from core.analysis.recommend import load_rules
from core.analysis.repeatability import mdc_of
from core.vocabulary import (
    MEASURES,
    NOT_MEASURED,
    change,
    goodness,
    instruction,
    measure,
    region_label,
    score_band,
    severity,
    signed,
)
from ui.reports import charts
from ui.reports.model import ReportData
from ui.reports.page_two import split_step
from ui.reports.pdf import render_report

Reader = Callable[[Path], list[str]]
Maker = Callable[..., ReportData]


def _images_on_first_page(path: Path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages[0].images)


def test_report_says_everything_on_one_or_two_a4_pages(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    data = make_data()
    out = render_report(data, tmp_path / "report.pdf")
    assert out == tmp_path / "report.pdf" and out.read_bytes().startswith(b"%PDF-")
    pages = read_pdf(out)
    assert 1 <= len(pages) <= 2
    box = PdfReader(io.BytesIO(out.read_bytes())).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = " ".join(pages)
    result = data.result
    for expected in (
        "Riverside Dermatology".upper(),
        "Prepared for Ada Lovelace",
        "14 March 2026",
        f"{round(result['skin_score'])} out of 100",
        score_band(result["skin_score"]).label,
        result["disclaimer"],
        "Skin tone".upper(),
        f"Monk step {result['skin_tone']['monk']}",
        f"ITA {result['skin_tone']['ita_deg']:.0f}\u00b0",
        result["skin_type"].capitalize(),
    ):
        assert expected in text, expected
    for metric, level in result["metrics"].items():
        assert measure(metric).label in pages[0], metric
        assert f"{level:.0f}" in pages[0]
    assert pages[0].count("ESTIMATE") == len(result["estimates"]) == 2
    for step in result["routine"]["morning"] + result["routine"]["evening"]:
        verb, words = split_step(step)
        assert words in text and verb.upper() in text, step
    assert "see a dermatologist" not in text
    assert "since your last visit" not in text and "\u25b2" not in text


def test_a_flagged_result_tells_the_patient_to_see_a_dermatologist(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    conditions = [
        {"name": "hyperpigmentation", "severity": "severe", "confidence": 0.8,
         "regions": ["left_cheek"], "metric": "pigmentation", "level": 85.0},
        {"name": "redness", "severity": "moderate", "confidence": 0.7, "regions": ["nose"],
         "metric": "redness", "level": 70.0},
    ]  # fmt: skip
    data = make_data(result={"see_dermatologist": True, "conditions": conditions})
    pages = read_pdf(render_report(data, tmp_path / "flagged.pdf"))
    assert "Please see a dermatologist" in pages[0]
    text = " ".join(pages)
    assert "SEVERE Dark spots" in text and "MODERATE Redness" in text
    assert "left cheek" in text and "confidence 80%" in text


@pytest.fixture(scope="module")
def under_a_warm_lamp(shared_photo, read_rgb) -> tuple[dict[str, Any], bytes]:
    """A face under a lamp about 12 % warm, which makes its redness severe (the engine's advice
    test): the result and the photo, as the acceptance test's pdf/r1 was made."""
    rgb = read_rgb(shared_photo("rose_leslie_img1.jpg")).astype(np.float32)
    warm = np.ascontiguousarray(np.clip(rgb * [1.12, 1.0, 0.76], 0, 255).astype(np.uint8))
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(warm, cv2.COLOR_RGB2BGR))
    assert ok
    return analyze(warm).to_json(), bytes(jpeg.tobytes())


def test_a_level_and_the_condition_it_names_read_alike(
    qapp, tmp_path: Path, under_a_warm_lamp: tuple[dict[str, Any], bytes], read_pdf: Reader
) -> None:
    """Page one printed Redness 85 "Marked" and page two "SEVERE Redness" (acceptance test,
    session 17, D16): one word per level, page one's beside the level, page two's on the badge."""
    result, jpeg = under_a_warm_lamp
    found = next(c for c in result["conditions"] if c["metric"] == "redness")
    assert found["severity"] == "severe"
    data = ReportData(result=result, photo_jpeg=jpeg, patient_name="Ana Test")
    pages = read_pdf(render_report(data, tmp_path / "warm.pdf"))
    word = severity(found["severity"]).label
    assert f"{word} \u00b7 lower is better" in pages[0]
    assert f"{word.upper()} Redness" in pages[1]
    assert "Marked" not in " ".join(pages)


def test_next_time_names_the_light_s_colour_when_the_referral_blames_it(
    qapp, tmp_path: Path, under_a_warm_lamp: tuple[dict[str, Any], bytes], read_pdf: Reader
) -> None:
    """Page one's tip named the shadow ("Face the light...") while page two asked for a retake
    in neutral light (acceptance test, session 17, D16): the light's colour comes first."""
    result, jpeg = under_a_warm_lamp
    assert load_rules()["referral_after_retake"] in result["recommendations"]
    data = ReportData(result=result, photo_jpeg=jpeg, patient_name="Ana Test")
    pages = read_pdf(render_report(data, tmp_path / "warm.pdf"))
    assert f"Next time: {instruction('neutral_light')}." in pages[0]


def test_the_change_since_the_previous_visit_is_shown_per_measure(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    metrics = make_data().result["metrics"]
    previous = {m: v + (3 + i if i % 2 else -(3 + i)) for i, (m, v) in enumerate(metrics.items())}
    gain = round(make_data().result["skin_score_mdc"]) + 2  # beyond the score's own spread
    previous["skin_score"] = make_data().result["skin_score"] - gain
    page = read_pdf(render_report(make_data(previous=previous), tmp_path / "visit.pdf"))[0]
    assert f"\u25b2 +{gain} since your last visit" in page  # judged as every measure is (D12)
    mdc = {m: e["mdc"] for m, e in make_data().result["measures"].items()}
    for metric, level in metrics.items():
        moved = change(metric, level, previous[metric], mdc=mdc[metric])
        assert f"{moved.arrow} {signed(moved.delta)}" in page, metric


def test_a_change_is_marked_real_or_within_retest_noise(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    """Beyond the measure's MDC95 (the one the photo carries for its face's size) a change is real;
    within it a retake could have moved it as much."""
    data = make_data()
    metrics, spread = data.result["metrics"], data.spread
    small = {m: v + (0.5 * spread(m) if v < 50 else -0.5 * spread(m)) for m, v in metrics.items()}
    large = {m: v + (spread(m) + 3 if v < 50 else -(spread(m) + 3)) for m, v in metrics.items()}
    noise = read_pdf(render_report(make_data(previous=small), tmp_path / "small.pdf"))[0]
    real = read_pdf(render_report(make_data(previous=large), tmp_path / "large.pdf"))[0]
    moved = [m for m in metrics if abs(round(metrics[m] - small[m], 1)) >= 1.0]
    assert noise.count("retest noise") == len(metrics) and "real change" not in noise
    assert moved and real.count("real change") == len(metrics)


def test_the_pair_s_spread_decides_and_the_most_improved_agrees(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    """Today's photo at full size, the earlier one a small face (84 px between the eyes, whose
    lines carry a larger spread): a change of lines beyond the full-size spread but within the
    small face's is retest noise on page one and not "most improved" on page two; with both
    photos at full size it is real on both pages."""
    result = make_data().result
    key, level = "wrinkles", result["metrics"]["wrinkles"]
    small_face = result["measures"][key]["mdc"]
    assert small_face > mdc_of(key)
    previous = {**result["metrics"], key: level + (small_face + mdc_of(key)) / 2}
    full = {**result, "measures": {**result["measures"], key: {**result["measures"][key]}}}
    full["measures"][key]["mdc"] = mdc_of(key)
    text = " ".join(
        read_pdf(
            render_report(
                make_data(result=full, previous=previous, spreads={key: small_face}),
                tmp_path / "a.pdf",
            )
        )
    )
    assert "real change" not in text and "MOST IMPROVED No real improvement" in text
    text = " ".join(
        read_pdf(
            render_report(
                make_data(result=full, previous=previous, spreads={key: mdc_of(key)}),
                tmp_path / "b.pdf",
            )
        )
    )
    assert text.count("real change") == 1 and "MOST IMPROVED Lines" in text


def test_most_improved_lists_only_changes_beyond_retest_noise(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    """Every measure a little better than last visit, within its MDC95: none is named as improved,
    and the report says so; one measure better by more than its MDC95 is the only one named."""
    metrics = make_data().result["metrics"]

    def before(metric: str, gain: float) -> float:
        """The previous level from which today's is better by ``gain`` points."""
        level = metrics[metric]
        return level - gain if measure(metric).higher_is_better else level + gain

    noise = {m: before(m, 0.9 * mdc_of(m)) for m in metrics}
    assert any(abs(noise[m] - metrics[m]) >= 1 for m in metrics)  # each shows as a point or more
    text = " ".join(read_pdf(render_report(make_data(previous=noise), tmp_path / "noise.pdf")))
    assert "MOST IMPROVED No real improvement since your last visit" in text
    real = {**noise, "redness": before("redness", mdc_of("redness") + 3)}
    text = " ".join(read_pdf(render_report(make_data(previous=real), tmp_path / "real.pdf")))
    assert "MOST IMPROVED Redness " in text


def test_what_was_not_measured_is_said_with_its_reason(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    data = make_data()
    assert "pores" not in data.result["metrics"]  # the portrait is too small for pores
    text = " ".join(read_pdf(render_report(data, tmp_path / "declined.pdf")))
    assert "Pores: not measured" in text and "the photo is too small to see pores" in text
    assert "The skin score uses only what was measured" in text


def test_a_guest_without_overlays_gets_the_plain_photo(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    out = render_report(make_data(overlays={}, patient_name=None), tmp_path / "guest.pdf")
    text = " ".join(read_pdf(out))
    assert "Guest visit" in text and "Ada" not in text
    assert "The analysed photo" in text and "Where we looked" not in text
    assert _images_on_first_page(out) == 1


def test_no_photo_and_a_logo(qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader) -> None:
    logo = QImage(120, 60, QImage.Format.Format_RGB32)
    logo.fill(QColor("#b0644a"))
    assert logo.save(str(tmp_path / "logo.png"))
    data = make_data(photo_jpeg=None, overlays={}, logo_path=tmp_path / "logo.png")
    out = render_report(data, tmp_path / "nophoto.pdf")
    assert "No photo stored" in read_pdf(out)[0]
    assert _images_on_first_page(out) == 1  # the logo only
    missing = make_data(logo_path=tmp_path / "gone.png")
    assert render_report(missing, tmp_path / "nologo.pdf").exists()


def test_long_advice_continues_on_a_new_page_instead_of_being_cut(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    advice = [f"Advice number {i}: apply a thin layer and wait a minute." for i in range(40)]
    pages = read_pdf(
        render_report(make_data(result={"recommendations": advice}), tmp_path / "l.pdf")
    )
    assert len(pages) == 3
    text = " ".join(pages)
    assert all(a in text for a in advice)
    assert pages[2].count("Prepared for Ada Lovelace") == 1 and "Page 3" in pages[2]


def test_renders_from_a_worker_thread(qapp, tmp_path: Path, make_data: Maker) -> None:
    """The kiosk renders off the UI thread; only QImage is used, which Qt allows there."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            render_report(make_data(), tmp_path / "thread.pdf")
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert not errors and (tmp_path / "thread.pdf").stat().st_size > 10_000


def test_first_page_renders_with_the_clinic_band(qapp, tmp_path: Path, make_data: Maker) -> None:
    from PySide6 import QtPdf as pdf  # a dependency (the kiosk prints through it): no skip
    from PySide6.QtCore import QSize

    out = render_report(make_data(), tmp_path / "look.pdf")
    document = pdf.QPdfDocument()
    document.load(str(out))
    assert document.pageCount() == 2
    image = document.render(0, QSize(595, 842))
    assert image.pixelColor(300, 20).name() == "#f4f1ee"  # the paper-coloured header band
    band = [image.pixelColor(x, 84) for x in range(0, 595, 50)]
    assert all(abs(c.red() - 0xB0) < 30 and abs(c.green() - 0x64) < 30 for c in band)


def test_overlays_on_the_whole_photo_are_cut_to_the_face(
    qapp, tmp_path: Path, make_data: Maker, astronaut_jpeg: bytes
) -> None:
    """The kiosk blends heat maps on the full (square) photo; the report frames them on the face."""
    photo = QImage.fromData(astronaut_jpeg)
    assert photo.width() == photo.height() == 512
    overlays = {m: astronaut_jpeg for m in ("redness", "pigmentation", "wrinkles")}
    out = render_report(make_data(overlays=overlays), tmp_path / "kiosk.pdf")
    thumbs = PdfReader(io.BytesIO(out.read_bytes())).pages[1].images
    assert len(thumbs) == 3
    for thumb in thumbs:
        width, height = thumb.image.size
        assert width < 300 and height / width == pytest.approx(1.35, abs=0.02)  # thumbnail shape


def test_a_measure_the_photo_did_not_allow_is_named_with_its_reason(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    """Room for the engine's "not measured" reasons: no crash, no blank, no number."""
    data = make_data()
    metrics = {**data.result["metrics"], "pores": None}
    measures = {
        **data.result["measures"],
        "pores": {**data.result["measures"]["pores"], "not_measured": "The face is too small."},
    }
    previous = {**metrics, "pores": 30.0, "redness": None, "skin_score": 60.0}
    out = render_report(
        make_data(result={"metrics": metrics, "measures": measures}, previous=previous),
        tmp_path / "partial.pdf",
    )
    page = read_pdf(out)[0]
    assert "Pores" in page and "Not measured" in page and "The face is too small." in page


def test_a_photo_without_a_skin_tone_says_why_on_the_report(
    qapp, tmp_path: Path, portrait_jpeg: bytes, make_data: Maker, read_pdf: Reader
) -> None:
    """A greyscale photo (or one under a tinted or warm light) has no skin tone: the report
    rendered its tone card from the missing category and failed with UnknownTermError."""
    grey = cv2.imdecode(np.frombuffer(portrait_jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))
    assert ok
    photo = bytes(encoded.tobytes())
    result = analyze(photo, need_visuals=True)
    tone = result.to_json()["skin_tone"]
    assert tone["measured"] is False
    data = make_data(result=result.to_json(), photo_jpeg=photo, overlays=build_overlays(result))
    pages = read_pdf(render_report(data, tmp_path / "grey.pdf"))
    assert "Skin tone".upper() in pages[0] and NOT_MEASURED in pages[0]
    assert " ".join(tone["reason"].capitalize().split()[:6]) in pages[0]


def _highlights(text: str) -> dict[str, set[str]]:
    """The highlight lines of page two: title -> the measures it names (none for a sentence)."""
    one = "|".join(re.escape(m.label) for m in MEASURES.values())
    named = {}
    for title in ("YOUR STRENGTHS", "WORTH WATCHING", "MOST IMPROVED"):
        found = re.search(rf"{title} ((?:{one})(?:, (?:{one}))*)?", text)
        if found:
            named[title] = set((found.group(1) or "").split(", ")) - {""}
    return named


def test_no_measure_is_both_a_strength_and_worth_watching(
    qapp: Any,
    tmp_path: Path,
    make_data: Maker,
    read_pdf: Reader,
    shared_photo: Callable[[str], Path],
    read_rgb: Callable[[Path], np.ndarray],
) -> None:
    """A real photo small enough (480 px long side) that only redness, at a mild level, and dark
    circles are measured: redness is worth watching and not also a strength."""
    rgb = read_rgb(shared_photo("rose_leslie_img1.jpg"))
    scale = 480 / max(rgb.shape[:2])
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
    assert ok
    result = analyze(bytes(encoded.tobytes()), need_visuals=True)
    assert set(result.metrics) == {"redness", "dark_circles"}
    data = make_data(result=result.to_json(), photo_jpeg=bytes(encoded.tobytes()), overlays={})
    lines = _highlights(" ".join(read_pdf(render_report(data, tmp_path / "rose.pdf"))))
    assert lines["WORTH WATCHING"] == {measure("redness").label}
    assert lines["YOUR STRENGTHS"] == {measure("dark_circles").label}


def test_most_improved_agrees_with_a_change_read_like_for_like(
    qapp: Any, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    """Redness was measured on different skin at the last visit (so it is not among the stored
    previous levels) and read again like for like 34 points higher: page one marks its change
    "real change *", and "Most improved" names it."""
    result = make_data().result
    level = result["metrics"]["redness"]
    previous = {k: v for k, v in result["metrics"].items() if k != "redness"}
    data = make_data(
        previous=previous,
        like_for_like={"redness": (level + 34, level)},
        spreads={"redness": 4.4},
        read_again="without the chin",
    )
    pages = read_pdf(render_report(data, tmp_path / "again.pdf"))
    assert "\u25bc \u221234 real change *" in pages[0]
    assert measure("redness").label in _highlights(" ".join(pages))["MOST IMPROVED"]


def test_the_parts_of_the_face_left_out_are_named_with_their_reason(
    qapp, tmp_path: Path, make_data: Maker, read_pdf: Reader
) -> None:
    """The portrait's forehead is under hair: its levels are of the rest of the face, and the
    report says so (it said nothing; only the JSON and the desktop did)."""
    data = make_data()
    left_out = data.result["excluded_regions"]
    assert left_out  # the forehead, hidden by hair
    page = " ".join(read_pdf(render_report(data, tmp_path / "left-out.pdf"))[0].split())
    for key, why in left_out.items():
        assert f"{region_label(key).capitalize()}: left out — {why}" in page


def test_the_radar_draws_a_change_read_like_for_like_from_that_reading(
    qapp: Any,
    tmp_path: Path,
    make_data: Maker,
    read_pdf: Reader,
    overflowing: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Redness was read on different skin at the last visit and read again like for like: page
    one and "Most improved" name that reading's change, so the radar draws both visits' redness
    from it too, the axis marked * and the legend saying so; the dashed point had taken today's
    stored level, drawing no change beside "Most improved: Redness". The other axes stay the
    stored levels, unmarked."""
    drawn: list[dict[str, Any]] = []
    paint = charts.paint_radar

    def spy(painter: Any, rect: Any, labels: Any, values: Any, **rest: Any) -> None:
        drawn.append({"labels": list(labels), "values": list(values), **rest})
        paint(painter, rect, labels, values, **rest)

    monkeypatch.setattr(charts, "paint_radar", spy)
    result = make_data().result
    stored = {k: float(v) for k, v in result["metrics"].items() if v is not None}
    was, now = min(100.0, stored["redness"] + 30), max(0.0, stored["redness"] - 6)
    previous = {k: max(0.0, v - 5) for k, v in stored.items() if k != "redness"}
    data = make_data(
        previous=previous,
        like_for_like={"redness": (was, now)},
        spreads={"redness": 4.4},
        read_again="without the chin",
    )
    pages = read_pdf(render_report(data, tmp_path / "radar.pdf"))
    (chart,) = drawn
    labels = [measure(k).label for k in stored]
    assert chart["labels"] == [f"{x} *" if x == measure("redness").label else x for x in labels]
    axis = list(stored).index("redness")
    assert chart["values"][axis] == goodness("redness", now)
    assert chart["previous"][axis] == goodness("redness", was)
    for i, key in enumerate(stored):
        if key != "redness":
            assert chart["values"][i] == goodness(key, stored[key]), key
            assert chart["previous"][i] == goodness(key, previous[key]), key
    text = " ".join(pages[1:])
    assert "dashed: last visit" in text
    assert "* Like for like: both visits read again without the chin" in text
    assert measure("redness").label in _highlights(" ".join(pages))["MOST IMPROVED"]
    assert overflowing == []
    drawn.clear()
    render_report(make_data(previous=previous), tmp_path / "stored.pdf")  # nothing read again
    assert drawn[0]["labels"] == labels
    assert drawn[0]["values"] == [goodness(k, v) for k, v in stored.items()]
