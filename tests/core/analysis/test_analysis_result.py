"""The result object: the CLI's JSON contract, determinism, the cache, the schema and the overlays."""

from __future__ import annotations

import json
import uuid

import cv2
import numpy as np
import pytest

from core.analysis import (
    ENGINE_VERSION,
    METRIC_NAMES,
    REGION_NAMES,
    AnalysisError,
    AnalysisResult,
    analyze,
    analyze_many,
    overlay_mask,
    render_overlay,
    result_schema,
    write_overlay,
)
from core.analysis import engine as engine_module
from core.cache import DiskCache

CLI_KEYS = {
    "image",
    "analysis_id",
    "engine_version",
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
}


def test_json_has_the_cli_contract(portrait_result: AnalysisResult) -> None:
    data = json.loads(json.dumps(portrait_result.to_json()))
    assert data.keys() >= CLI_KEYS
    assert data["engine_version"] == ENGINE_VERSION
    uuid.UUID(data["analysis_id"])
    assert set(data["measures"]) == set(METRIC_NAMES)
    measured = {n for n, m in data["measures"].items() if m["measured"]}
    assert set(data["metrics"]) == measured and measured
    assert all(0 <= v <= 100 for v in data["metrics"].values())
    assert 0 <= data["skin_score"] <= 100 and 0 <= data["confidence"] <= 1
    assert data["skin_type"] in {"normal", "dry", "oily", "combination", "sensitive"}
    assert {"ita_deg", "category", "monk"} <= data["skin_tone"].keys()
    assert set(data["routine"]) == {"morning", "evening"} and data["routine"]["morning"]
    assert {"forehead", "left_cheek", "right_cheek", "nose", "chin"} <= data["regions"].keys()
    assert {"ok", "score", "checks", "messages"} <= data["quality"].keys()
    for condition in data["conditions"]:
        assert {"name", "severity", "confidence", "regions"} <= condition.keys()
    assert data["recommendations"][-1] == data["disclaimer"]
    assert set(data["estimates"]) == {"hydration", "elasticity"}
    assert all(data["measures"][m]["estimate"] for m in ("hydration", "elasticity"))


def _check_schema(schema: dict, value: object, path: str = "$") -> None:
    """Enough of JSON Schema (type, required, enum, const, min/max, properties) for our schema."""
    types = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "integer": int,
        "number": (int, float),
    }
    if "type" in schema:
        assert isinstance(value, types[schema["type"]]), path
    if "enum" in schema:
        assert value in schema["enum"], (path, value)
    if "const" in schema:
        assert value == schema["const"], path
    if "minimum" in schema:
        assert value >= schema["minimum"], path  # type: ignore[operator]
    if "maximum" in schema:
        assert value <= schema["maximum"], path  # type: ignore[operator]
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{path}.{key} missing"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                _check_schema(sub, value[key], f"{path}.{key}")
        if "propertyNames" in schema:
            for key in value:
                _check_schema(schema["propertyNames"], key, f"{path}[{key}]")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check_schema(schema["items"], item, f"{path}[{i}]")


def test_result_matches_its_json_schema(portrait_result: AnalysisResult) -> None:
    _check_schema(result_schema(), json.loads(json.dumps(portrait_result.to_json())))


def test_same_photo_gives_the_same_numbers(
    portrait: np.ndarray, portrait_result: AnalysisResult
) -> None:
    again = analyze(portrait.copy())
    assert again.photo_json() == portrait_result.photo_json()
    assert again.analysis_id != portrait_result.analysis_id


def test_cache_answers_by_image_hash_and_engine_version(
    tmp_path, portrait: np.ndarray, monkeypatch
) -> None:
    _ok, jpeg = cv2.imencode(".jpg", portrait[:, :, ::-1])
    path = tmp_path / "face.jpg"
    path.write_bytes(jpeg.tobytes())
    cache = DiskCache(tmp_path / "cache")
    first = analyze(path, cache=cache)
    second = analyze(path, cache=cache)
    assert not first.cached and second.cached
    assert second.photo_json() == first.photo_json() and second.image == str(path)
    assert second.analysis_duration_seconds == first.analysis_duration_seconds > 0.001
    assert second.cached_from == first.created_at and first.cached_from is None
    assert second.analysis_id != first.analysis_id
    assert (
        second.visuals is None and analyze(path, cache=cache, need_visuals=True).visuals is not None
    )
    monkeypatch.setattr(engine_module, "ENGINE_VERSION", "0.0.0-other")
    assert not analyze(path, cache=cache).cached
    cache.close()


def test_imperfect_photo_gives_a_result_with_lower_confidence(
    portrait: np.ndarray, portrait_result
) -> None:
    blurred = analyze(cv2.GaussianBlur(portrait, (0, 0), 6))
    assert blurred.quality["checks"]["sharpness"]["status"] != "pass"
    assert blurred.quality["messages"] and blurred.confidence < portrait_result.confidence


def test_batch_keeps_going_after_a_failure(astronaut: np.ndarray) -> None:
    results = analyze_many([b"", astronaut])
    assert isinstance(results[0], AnalysisError) and results[0].code == "unreadable_image"
    assert isinstance(results[1], AnalysisResult)


def test_region_table_has_per_region_levels(portrait_result: AnalysisResult) -> None:
    assert set(portrait_result.regions) == set(REGION_NAMES)
    cheek = portrait_result.regions["left_cheek"]
    assert {"redness", "wrinkles", "skin_fraction"} <= cheek.keys()
    assert "dark_circles" in portrait_result.regions["right_under_eye"]


def test_overlay_masks_on_canvas_and_photo(
    portrait: np.ndarray, portrait_result: AnalysisResult, tmp_path
) -> None:
    canvas = overlay_mask(portrait_result, "redness")
    assert (
        canvas.dtype == np.float32 and canvas.shape == portrait_result.visuals.canvas_rgb.shape[:2]
    )
    on_photo = overlay_mask(portrait_result, "redness", space="image")
    assert on_photo.shape == portrait.shape[:2]
    assert on_photo.min() >= 0.0 and on_photo.max() <= 1.0 and on_photo.max() > 0
    sheet = render_overlay(portrait_result)
    assert sheet.ndim == 3 and sheet.shape[2] == 3
    written = write_overlay(portrait_result, tmp_path / "out" / "face.png")
    assert cv2.imread(str(written)) is not None


def test_cached_result_has_no_masks(portrait_result: AnalysisResult) -> None:
    bare = AnalysisResult.from_json(portrait_result.to_json())
    with pytest.raises(AnalysisError):
        overlay_mask(bare, "redness")
