"""Result: the analysis as a versioned JSON document (the CLI's ``--json`` line, the stored record).

``ENGINE_VERSION`` changes whenever a number could change for the same photo (it keys the cache);
``SCHEMA_VERSION`` changes only when the JSON layout changes. The seed's ``SkinAnalysisResponse``
fields (analysis_id, skin_score, metrics, conditions, recommendations, routine, created_at) are all
present with the same meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from core.analysis.colour import NO_COLOUR
from core.analysis.measures import METRIC_NAMES
from core.analysis.regions import REGION_NAMES

ENGINE_VERSION: Final = "2.16.0"
SCHEMA_VERSION: Final = 2
PER_CALL_KEYS: Final = (
    "image",
    "analysis_id",
    "created_at",
    "analysis_duration_seconds",
    "cached",
    "cached_from",
)
"""Keys that describe one call rather than the photo; everything else is deterministic."""


@dataclass(frozen=True)
class Visuals:
    """What a display needs to draw heat maps: the aligned face and per-metric masks on it.

    ``canvas_to_image`` maps canonical-canvas pixels to pixels of the *original* photo.
    """

    canvas_rgb: NDArray[np.uint8]
    outlines: dict[str, NDArray[np.bool_]]
    skin: NDArray[np.bool_]
    heatmaps: dict[str, NDArray[np.float32]]
    canvas_to_image: NDArray[np.float64]
    image_size: tuple[int, int]


@dataclass(frozen=True)
class AnalysisResult:
    """One analysed photo. ``to_json()`` is exactly the CLI's JSON object."""

    image: str
    image_sha256: str
    analysis_id: str
    created_at: str
    analysis_duration_seconds: float
    skin_score: float
    metrics: dict[str, float]
    measures: dict[str, dict[str, Any]]
    skin_type: str
    skin_tone: dict[str, Any]
    conditions: list[dict[str, Any]]
    recommendations: list[str]
    routine: dict[str, list[str]]
    disclaimer: str
    see_dermatologist: bool
    regions: dict[str, dict[str, float]]
    quality: dict[str, Any]
    confidence: float
    face: dict[str, Any]
    other_faces: int
    image_size: dict[str, int]
    estimates: list[str]
    excluded_regions: dict[str, str] = field(default_factory=dict)
    scale: dict[str, float] = field(default_factory=dict)
    """The photo's scale: pixels per millimetre from the distance between the eyes (63 mm)."""
    skin_score_uses: list[str] = field(default_factory=list)
    """The measures the score was computed from (those measured); empty in results before v2."""
    skin_score_mdc: float | None = None
    """The score's retest spread (MDC95, score points) for the face's size
    (:func:`core.analysis.repeatability.score_mdc`); None in results of engines before 2.16.0."""
    skin_type_uses: list[str] = field(default_factory=list)
    """Regions left out of every measure (cut by the frame, hidden by hair...), with the reason."""
    engine_version: str = ENGINE_VERSION
    schema_version: int = SCHEMA_VERSION
    cached: bool = False
    cached_from: str | None = None
    """When the result came from the cache: the ``created_at`` of the analysis that computed it."""
    visuals: Visuals | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "visuals"}

    @classmethod
    def from_json(cls, data: dict[str, Any], *, visuals: Visuals | None = None) -> AnalysisResult:
        names = {f.name for f in fields(cls)} - {"visuals"}
        return cls(**{k: v for k, v in data.items() if k in names}, visuals=visuals)

    def photo_json(self) -> dict[str, Any]:
        """The deterministic part (no id, time or source label): the same for every run."""
        return {k: v for k, v in self.to_json().items() if k not in PER_CALL_KEYS}

    def cache_json(self) -> dict[str, Any]:
        """What the cache keeps: the photo's numbers plus when and how long they took to compute,
        so that an answer from the cache reports the original analysis, not the lookup."""
        return {
            **self.photo_json(),
            "analysis_duration_seconds": self.analysis_duration_seconds,
            "created_at": self.created_at,
        }


def not_measured(result: dict[str, Any]) -> dict[str, str]:
    """Measure name -> the reason it was not measured, for a result of any schema version."""
    out = {}
    for name, entry in result.get("measures", {}).items():
        if isinstance(entry, dict) and entry.get("measured") is False:
            out[name] = str(entry.get("reason", "not measured"))
    return out


def number(value: Any) -> float | None:
    """A stored JSON value as a number, None when it is not one (a bool is not a number)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def carried_mdc(result: Mapping[str, Any], name: str) -> float | None:
    """The retest spread the analysis carries for the measure (``measures.<name>.mdc``, for its
    face's size); None when it carries none (an older engine)."""
    entry = (result.get("measures") or {}).get(name)
    return number(entry.get("mdc")) if isinstance(entry, Mapping) else None


def carried_score_mdc(result: Mapping[str, Any]) -> float | None:
    """The skin score's retest spread the analysis carries (``skin_score_mdc``, for its face's
    size); None when it carries none (an engine before 2.16.0)."""
    return number(result.get("skin_score_mdc"))


def level(result: Mapping[str, Any], name: str) -> float | None:
    """A measure's whole-face level, None when the analysis did not measure it."""
    entry = (result.get("measures") or {}).get(name)
    if isinstance(entry, Mapping) and entry.get("measured") is False:
        return None
    found = number((result.get("metrics") or {}).get(name))
    if found is None and isinstance(entry, Mapping):
        found = number(entry.get("level"))
    return found


def region_levels(result: Mapping[str, Any], name: str) -> dict[str, float]:
    """Region -> the measure's level there, for a result of any schema version (schema 1 kept
    them region by region under ``regions``)."""
    entry = (result.get("measures") or {}).get(name)
    source = entry.get("regions") if isinstance(entry, Mapping) else None
    if not isinstance(source, Mapping):
        source = {
            region: levels.get(name)
            for region, levels in (result.get("regions") or {}).items()
            if isinstance(levels, Mapping)
        }
    pairs = ((str(region), number(value)) for region, value in source.items())
    return {region: value for region, value in pairs if value is not None}


def without_colour(result: Mapping[str, Any]) -> bool:
    """Whether the photo had no colour (greyscale or infrared): some measure, or the skin tone,
    was declined for it (redness, from 30 px between the eyes, always is)."""
    entries = [*(result.get("measures") or {}).values(), result.get("skin_tone")]
    return any(
        isinstance(entry, Mapping) and entry.get("reason_code") == NO_COLOUR.code
        for entry in entries
    )


def tone_measured(result: dict[str, Any]) -> bool:
    """True when the result has a skin tone (always, before schema version 2)."""
    tone = result.get("skin_tone", {})
    return bool(tone.get("measured", "ita_deg" in tone))


_NUMBER = {"type": "number"}
_LEVEL = {"type": "number", "minimum": 0, "maximum": 100}
_MEASURE = {
    "type": "object",
    "required": ["measured", "mdc"],
    "properties": {
        "measured": {"type": "boolean"},
        "level": _LEVEL,
        "mdc": {"type": "number", "minimum": 0},
        "reason": {"type": "string"},
        "reason_code": {
            "enum": ["too_small", "too_little_skin", "no_colour", "tinted_light", "needs_other"]
        },
    },
}


def result_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of :meth:`AnalysisResult.to_json` for schema version 2.

    Version 2: ``metrics`` holds only the measures this photo supports; every measure is in
    ``measures`` with ``measured``, its retest spread ``mdc`` and, when not measured, a ``reason``;
    ``skin_tone`` may be ``measured: false``; ``scale``, ``excluded_regions``, ``skin_score_uses``,
    ``skin_type_uses`` and ``cached_from`` are new; ``skin_score_mdc`` from engine 2.16.0. Version 1 results (every measure reported)
    still load with :meth:`AnalysisResult.from_json`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://skinlab.local/schemas/analysis-result-v{SCHEMA_VERSION}.json",
        "title": "SkinLab analysis result",
        "type": "object",
        "required": [
            "image",
            "analysis_id",
            "engine_version",
            "schema_version",
            "skin_score",
            "metrics",
            "skin_type",
            "skin_tone",
            "conditions",
            "recommendations",
            "routine",
            "regions",
            "quality",
            "confidence",
            "analysis_duration_seconds",
            "created_at",
            "image_sha256",
        ],
        "properties": {
            "image": {"type": "string"},
            "image_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "analysis_id": {"type": "string", "format": "uuid"},
            "engine_version": {"type": "string"},
            "schema_version": {"const": SCHEMA_VERSION},
            "created_at": {"type": "string", "format": "date-time"},
            "analysis_duration_seconds": _NUMBER,
            "skin_score": _LEVEL,
            "metrics": {
                "type": "object",
                "properties": {m: _LEVEL for m in METRIC_NAMES},
            },
            "measures": {
                "type": "object",
                "required": list(METRIC_NAMES),
                "properties": {m: _MEASURE for m in METRIC_NAMES},
            },
            "skin_type": {"enum": ["normal", "dry", "oily", "combination", "sensitive", "unknown"]},
            "skin_score_uses": {"type": "array", "items": {"enum": list(METRIC_NAMES)}},
            "skin_score_mdc": {"type": "number", "minimum": 0},
            "skin_type_uses": {"type": "array", "items": {"enum": list(METRIC_NAMES)}},
            "scale": {
                "type": "object",
                "required": ["px_per_mm", "interocular_px", "interocular_mm_assumed"],
            },
            "excluded_regions": {
                "type": "object",
                "propertyNames": {"enum": list(REGION_NAMES)},
            },
            "skin_tone": {
                "type": "object",
                "required": ["measured"],
                "properties": {
                    "measured": {"type": "boolean"},
                    "reason": {"type": "string"},
                    "ita_deg": _NUMBER,
                    "category": {
                        "enum": ["very_light", "light", "intermediate", "tan", "brown", "dark"]
                    },
                    "monk": {"type": "integer", "minimum": 1, "maximum": 10},
                },
            },
            "conditions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "severity", "confidence", "regions"],
                    "properties": {
                        "severity": {"enum": ["mild", "moderate", "severe"]},
                        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                        "regions": {"type": "array", "items": {"enum": list(REGION_NAMES)}},
                    },
                },
            },
            "recommendations": {"type": "array", "items": {"type": "string"}},
            "routine": {"type": "object", "required": ["morning", "evening"]},
            "regions": {"type": "object", "propertyNames": {"enum": list(REGION_NAMES)}},
            "quality": {"type": "object", "required": ["ok", "score", "checks", "messages"]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
    }
