"""The words SkinLab shows for its results: one table that the kiosk, the report, the desktop and
the CLI all read, so the same score or measure never reads differently on two screens.

Split by subject: ``measures`` (each measure's words), ``levels`` (severities, score bands,
changes), ``terms`` (skin type, tone, regions) and ``instructions`` (what to do for a better photo); import from ``core.vocabulary`` itself.
Plain data and a few pure functions (no Qt, no numpy, nothing from ``core.analysis``): the engine
imports the direction of each measure and the severity floors from here, never the other way.
Labels come in two registers: ``label`` for the patient (kiosk and the report they take away) and
``clinical_label`` for the clinician (desktop, CLI). See ``docs/analysis.md`` ("Vocabulary").
"""

from __future__ import annotations

from core.vocabulary.instructions import INSTRUCTIONS, instruction
from core.vocabulary.levels import (
    CONCERN_WORDS,
    ESTIMATE_WORDS,
    SCORE_BANDS,
    SCORE_FROM_SOME,
    SEVERITIES,
    Band,
    Change,
    Severity,
    change,
    level_word,
    score_band,
    score_from,
    severity,
    shown_score,
    signed,
    tone,
)
from core.vocabulary.measures import (
    ESTIMATES,
    MEASURES,
    NOT_MEASURED,
    SKIN_SCORE,
    SKIN_SCORE_LABEL,
    Measure,
    Tone,
    UnknownTermError,
    concern,
    goodness,
    measure,
)
from core.vocabulary.terms import (
    MONK_HEX,
    REGIONS,
    SKIN_TYPES,
    TONE_CATEGORIES,
    UNDETERMINED,
    Term,
    condition_label,
    left_out,
    monk_colour,
    region,
    region_label,
    skin_type,
    skin_type_reason,
    tone_category,
)

__all__ = [
    "CONCERN_WORDS",
    "ESTIMATES",
    "ESTIMATE_WORDS",
    "INSTRUCTIONS",
    "MEASURES",
    "MONK_HEX",
    "NOT_MEASURED",
    "REGIONS",
    "SCORE_BANDS",
    "SCORE_FROM_SOME",
    "SEVERITIES",
    "SKIN_SCORE",
    "SKIN_SCORE_LABEL",
    "SKIN_TYPES",
    "TONE_CATEGORIES",
    "UNDETERMINED",
    "Band",
    "Change",
    "Measure",
    "Severity",
    "Term",
    "Tone",
    "UnknownTermError",
    "change",
    "concern",
    "condition_label",
    "goodness",
    "instruction",
    "left_out",
    "level_word",
    "measure",
    "monk_colour",
    "region",
    "region_label",
    "score_band",
    "score_from",
    "severity",
    "shown_score",
    "signed",
    "skin_type",
    "skin_type_reason",
    "tone",
    "tone_category",
]
