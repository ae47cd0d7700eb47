"""Interpretation and advice: score weights, severities, skin type, and the rule file's behaviour."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.analysis import RulesError
from core.analysis.interpret import SCORE_WEIGHTS, severity, skin_score, skin_type
from core.analysis.measures import METRIC_NAMES, MeasureResult
from core.analysis.recommend import Preferences, load_rules, recommend

LOW = dict.fromkeys(METRIC_NAMES, 10.0) | {"hydration": 90.0, "elasticity": 90.0}


def measures(levels: dict[str, float], **details: dict[str, float]) -> dict[str, MeasureResult]:
    empty = np.zeros((2, 2), np.float32)
    return {
        n: MeasureResult(n, levels[n], levels[n], "", {}, empty, details.get(n, {}))
        for n in METRIC_NAMES
    }


def test_score_weights_sum_to_one_and_cover_every_metric() -> None:
    assert set(SCORE_WEIGHTS) == set(METRIC_NAMES)
    assert sum(SCORE_WEIGHTS.values()) == pytest.approx(1.0)


def test_score_is_higher_for_healthier_skin() -> None:
    clear = skin_score(measures(LOW))
    assert clear == pytest.approx(90.0)
    for name in METRIC_NAMES:
        worse = dict(LOW)
        worse[name] = 10.0 if name in ("hydration", "elasticity") else 90.0
        assert skin_score(measures(worse)) < clear, name


def test_severity_bands() -> None:
    assert [severity(v) for v in (30, 50, 70, 90)] == [None, "mild", "moderate", "severe"]


def test_skin_types() -> None:
    oily = {"oiliness": {"t_zone_level": 70.0, "u_zone_level": 60.0}}
    combination = {"oiliness": {"t_zone_level": 70.0, "u_zone_level": 20.0}}
    assert skin_type(measures(LOW)) == "normal"
    assert skin_type(measures(LOW, **oily)) == "oily"
    assert skin_type(measures(LOW, **combination)) == "combination"
    assert skin_type(measures(LOW | {"hydration": 30.0})) == "dry"
    assert skin_type(measures(LOW | {"redness": 80.0})) == "sensitive"


def routine_text(advice) -> str:
    return " ".join(advice.routine["morning"] + advice.routine["evening"]).lower()


def test_disclaimer_always_and_referral_on_severe_findings() -> None:
    calm = recommend(LOW, skin_type="normal", severe=False)
    assert (
        calm.recommendations[-1] == calm.disclaimer and "not a medical diagnosis" in calm.disclaimer
    )
    assert not any("dermatologist" in r for r in calm.recommendations)
    severe = recommend(LOW | {"acne": 90.0}, skin_type="normal", severe=True)
    assert any("dermatologist" in r for r in severe.recommendations) and severe.see_dermatologist
    assert calm.routine["morning"][-1].startswith("Protect")


def test_pregnancy_removes_retinoids_and_uses_alternatives() -> None:
    levels = LOW | {"wrinkles": 70.0, "pigmentation": 70.0, "pores": 70.0}
    normal = recommend(levels, skin_type="normal", severe=False)
    pregnant = recommend(
        levels, skin_type="normal", severe=False, preferences=Preferences(pregnancy=True)
    )
    assert "retinoid" in routine_text(normal)
    assert "retinoid" not in routine_text(pregnant) and "salicylic" not in routine_text(pregnant)
    assert "peptide" in routine_text(pregnant) and "azelaic" in routine_text(pregnant)


def test_sensitive_skin_and_fragrance_free() -> None:
    levels = LOW | {"roughness": 70.0}
    assert "glycolic" in routine_text(recommend(levels, skin_type="normal", severe=False))
    gentle = recommend(levels, skin_type="sensitive", severe=False)
    assert "glycolic" not in routine_text(gentle) and "pha" in routine_text(gentle)
    free = recommend(
        levels, skin_type="normal", severe=False, preferences=Preferences(fragrance_free=True)
    )
    assert any("fragrance-free" in r for r in free.recommendations)


def test_rule_file_override_and_validation(tmp_path) -> None:
    rules = load_rules()
    custom = dict(rules, disclaimer="Custom note.")
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(custom))
    assert (
        recommend(LOW, skin_type="normal", severe=False, rules_path=path).disclaimer
        == "Custom note."
    )
    path.write_text(json.dumps({"rules": [{"id": "x"}]}))
    with pytest.raises(RulesError):
        load_rules(path)
    with pytest.raises(RulesError):
        load_rules(tmp_path / "missing.json")
