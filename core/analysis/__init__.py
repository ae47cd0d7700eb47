"""SkinLab's skin analysis engine: a face photo in, a measured, repeatable, explainable result out.

Public API (everything else is internal):

- :func:`analyze` -- path, bytes or RGB array -> :class:`AnalysisResult` (``.to_json()`` is the CLI's
  JSON object); :func:`analyze_many` for batches.
- :func:`assess_frame` / :class:`LiveQuality` -- the quality checks on live camera frames.
- :func:`overlay_mask`, :func:`render_overlay`, :func:`write_overlay` -- heat maps for display.
- :class:`AnalysisInputError` -- the one error for unusable input, with a stable ``code``.
"""

from __future__ import annotations

from core.analysis.engine import analyze, analyze_many
from core.analysis.errors import INPUT_ERROR_CODES, AnalysisError, AnalysisInputError, RulesError
from core.analysis.face import DlibFaceDetector
from core.analysis.face_model import Face, FaceDetector
from core.analysis.live import LiveQuality, assess_frame
from core.analysis.measures import METRIC_NAMES
from core.analysis.overlay import overlay_mask, region_outlines, render_overlay, write_overlay
from core.analysis.quality import Check, QualityReport
from core.analysis.recommend import Preferences
from core.analysis.regions import REGION_NAMES
from core.analysis.result import (
    ENGINE_VERSION,
    SCHEMA_VERSION,
    AnalysisResult,
    Visuals,
    result_schema,
)

__all__ = [
    "ENGINE_VERSION",
    "INPUT_ERROR_CODES",
    "METRIC_NAMES",
    "REGION_NAMES",
    "SCHEMA_VERSION",
    "AnalysisError",
    "AnalysisInputError",
    "AnalysisResult",
    "Check",
    "DlibFaceDetector",
    "Face",
    "FaceDetector",
    "LiveQuality",
    "Preferences",
    "QualityReport",
    "RulesError",
    "Visuals",
    "analyze",
    "analyze_many",
    "assess_frame",
    "overlay_mask",
    "region_outlines",
    "render_overlay",
    "result_schema",
    "write_overlay",
]
