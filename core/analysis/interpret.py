"""Interpret: skin type, named conditions with severity, the overall skin score and confidence.

Rules, not learned weights: every threshold and weight is a named constant documented in
``docs/analysis.md``, so a clinician can see why a result says what it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from core.analysis.measures import MeasureResult
from core.analysis.quality import QualityReport
from core.vocabulary import ESTIMATES, MEASURES, SEVERITIES, concern

SCORE_WEIGHTS: Final = {
    "acne": 0.14,
    "wrinkles": 0.14,
    "pigmentation": 0.12,
    "redness": 0.12,
    "roughness": 0.10,
    "pores": 0.10,
    "oiliness": 0.08,
    "dark_circles": 0.08,
    "hydration": 0.06,
    "elasticity": 0.06,
}
"""Weights of the skin score (sum 1). Concerns count as ``100 - level``; the two estimates
(hydration, elasticity, where higher is better) count as their level, with low weights."""
CONDITION_NAMES: Final = {key: m.condition for key, m in MEASURES.items()}
"""The condition each measure names when it stands out (labels: ``core.vocabulary``)."""
CONCERN_FROM: Final = SEVERITIES[-1].floor
SEVERITY_BANDS: Final = tuple((s.floor, s.key) for s in SEVERITIES)
ESTIMATE_CONFIDENCE: Final = 0.5
"""Hydration and elasticity are visual estimates; their conditions carry half the confidence."""


@dataclass(frozen=True)
class Condition:
    name: str
    severity: str
    confidence: float
    regions: tuple[str, ...]
    metric: str
    level: float

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "severity": self.severity,
            "confidence": round(self.confidence, 2),
            "regions": list(self.regions),
            "metric": self.metric,
            "level": round(self.level, 1),
        }


def skin_score(metrics: dict[str, MeasureResult]) -> float:
    total = sum(
        SCORE_WEIGHTS[name] * (100.0 - concern(name, m.level))
        for name, m in metrics.items()
        if name in SCORE_WEIGHTS
    )
    return round(total / sum(SCORE_WEIGHTS[n] for n in metrics if n in SCORE_WEIGHTS), 1)


def severity(level: float) -> str | None:
    for limit, name in SEVERITY_BANDS:
        if level >= limit:
            return name
    return None


SKIN_TYPE_INPUTS: Final = ("redness", "oiliness", "hydration")
"""The measures skin type is decided from; without oiliness it cannot be told (``unknown``)."""


def skin_type(metrics: dict[str, MeasureResult]) -> str:
    """sensitive > oily > combination > dry > normal, from redness, zone shine and hydration;
    only from what was measured: ``unknown`` when shine was not."""
    redness, oiliness, hydration = (metrics.get(n) for n in SKIN_TYPE_INPUTS)
    if redness is not None and redness.level >= 70:
        return "sensitive"
    if oiliness is None:
        return "unknown"
    t_zone = oiliness.details.get("t_zone_level", 0.0)
    u_zone = oiliness.details.get("u_zone_level", 0.0)
    if t_zone >= 55 and u_zone >= 45:
        return "oily"
    if t_zone >= 50 and u_zone < 0.6 * t_zone:
        return "combination"
    if hydration is not None and hydration.level < 45 and oiliness.level < 30:
        return "dry"
    return "normal"


def confidence(quality: QualityReport) -> float:
    """0.25 for a photo failing every check, 1.0 for one passing all."""
    return round(0.25 + 0.75 * quality.score / 100.0, 2)


def reliability(metric: str, *, native_iod: float) -> float:
    """How much a metric can be trusted at this face size (fine detail needs resolution)."""
    if metric in ESTIMATES:
        return ESTIMATE_CONFIDENCE
    if metric == "pores":
        return min(1.0, native_iod / 160.0)
    if metric in ("wrinkles", "roughness"):
        return min(1.0, native_iod / 100.0)
    return 1.0


def conditions(
    metrics: dict[str, MeasureResult], *, overall_confidence: float, native_iod: float
) -> list[Condition]:
    out = []
    for name, m in metrics.items():
        level = concern(name, m.level)
        sev = severity(level)
        if sev is None:
            continue
        regions = sorted(
            (r for r, v in m.regions.items() if concern(name, v) >= CONCERN_FROM),
            key=lambda r: -concern(name, m.regions[r]),
        )
        conf = overall_confidence * reliability(name, native_iod=native_iod)
        out.append(Condition(CONDITION_NAMES[name], sev, conf, tuple(regions), name, level))
    return sorted(out, key=lambda c: -c.level)
