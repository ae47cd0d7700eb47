"""Stored results of any age read as typed rows in the vocabulary's words."""

from __future__ import annotations

from app.desktop.readings import quality_notes, readings, summary
from core.analysis.repeatability import mdc_of
from core.vocabulary import MEASURES, NOT_MEASURED


def test_an_old_result_with_only_metrics_reads_every_measure() -> None:
    rows = readings({}, {"redness": 62.0, "hydration": 40.0})
    assert [r.key for r in rows] == list(MEASURES)
    redness = next(r for r in rows if r.key == "redness")
    assert redness.level == 62.0 and redness.word == "Mild" and redness.label == "Redness"
    pores = next(r for r in rows if r.key == "pores")
    assert pores.level is None and pores.word == NOT_MEASURED and pores.reason
    hydration = next(r for r in rows if r.key == "hydration")
    assert hydration.estimate and hydration.direction == "higher is better"


def test_engine_reasons_spreads_units_and_regions_are_kept() -> None:
    result = {
        "measures": {
            "redness": {
                "level": 30.0,
                "value": 1.7758,
                "unit": "delta_a*",
                "regions": {"forehead": 5.1, "left_cheek": 27.4, "temple_new": 9.0},
                "mdc": 3.8,
            },
            "acne": {"measured": False, "reason": "No colour in this photo.", "mdc": 0.2},
        }
    }
    rows = {r.key: r for r in readings(result, {"redness": 30.0, "acne": 12.0})}
    assert rows["redness"].value == "1.78 delta a*"
    # the spread is the one this photo carries (larger for a smaller face); a result without one
    # (an older engine) takes the shipped table's at full size
    assert rows["redness"].spread == 3.8
    assert rows["hydration"].spread == mdc_of("hydration") >= 1.0
    assert rows["redness"].regions == (
        ("forehead", 5.1),
        ("left cheek", 27.4),
        ("temple new", 9.0),  # a region a newer engine added: named, not dropped or blank
    )
    assert rows["acne"].level is None and rows["acne"].reason == "No colour in this photo."


def test_quality_and_summary() -> None:
    result = {
        "quality": {
            "checks": {
                "face_size": {"status": "warn", "message": "Move closer to the camera"},
                "sharpness": {"status": "fail", "message": "Hold still"},
                "exposure": {"status": "pass", "message": ""},
            }
        },
        "skin_type": "combination",
        "skin_tone": {"category": "intermediate", "ita_deg": 33.2, "monk": 4},
        "conditions": [{"name": "redness", "severity": "mild"}, {"name": "brand_new"}],
        "excluded_regions": {"forehead": "hidden by hair"},
        "confidence": 0.82,
    }
    notes = quality_notes(result)
    assert [(n.status, n.message) for n in notes] == [
        ("fail", "Hold still"),
        ("warn", "Move closer to the camera"),
    ]
    lines = dict(summary(result))
    assert lines["Skin type"] == "Combination"
    assert lines["Skin tone"] == "Intermediate (ITA 33°, Monk 4)"
    assert lines["Findings"] == "Redness (mild), brand new"
    assert lines["Left out"] == "forehead: hidden by hair" and lines["Confidence"] == "82%"
    assert dict(summary({}))["Findings"] == "None above the mild level"
