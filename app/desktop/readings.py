"""A stored engine result as the analysis screen shows it: one typed reading per measure, the
quality warnings, and a few summary lines, all worded by ``core.vocabulary``.

Results of every schema version are read: one from before the engine said which measures it could
not measure shows every measure it has; a measure it lacks reads "Not measured" with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import vocabulary
from core.analysis.repeatability import mdc_of
from core.analysis.result import carried_mdc, number, region_levels
from core.errors import SkinLabError
from ui.desktop.ports import MeasureReading, QualityNote

NOT_IN_RESULT = (
    "This analysis has no value for it (an older engine, or the photo did not allow it)."
)


def reading(result: Mapping[str, Any], metrics: Mapping[str, Any], key: str) -> MeasureReading:
    measure = vocabulary.measure(key)
    raw = result.get("measures", {})
    entry = raw.get(key) if isinstance(raw, Mapping) else None
    entry = entry if isinstance(entry, Mapping) else {}
    level = number(metrics.get(key, entry.get("level")))
    declined = entry.get("measured") is False
    own = carried_mdc(result, key)  # this photo's spread: larger for a smaller face
    spread = mdc_of(key) if own is None else own
    if declined or level is None:
        return MeasureReading(
            key=key,
            label=measure.clinical_label,
            level=None,
            word=vocabulary.NOT_MEASURED,
            tone="fair",
            estimate=measure.estimate,
            direction=measure.direction,
            reason=str(entry.get("reason") or NOT_IN_RESULT),
            spread=spread,
        )
    value = number(entry.get("value"))
    unit = str(entry.get("unit", "")).replace("_", " ")
    return MeasureReading(
        key=key,
        label=measure.clinical_label,
        level=level,
        word=vocabulary.level_word(key, level),
        tone=vocabulary.tone(key, level),
        estimate=measure.estimate,
        direction=measure.direction,
        value=f"{value:.3g} {unit}".strip() if value is not None else "",
        regions=tuple(
            (vocabulary.region_label(r), v) for r, v in region_levels(result, key).items()
        ),
        spread=spread,
    )


def readings(result: Mapping[str, Any], metrics: Mapping[str, Any]) -> tuple[MeasureReading, ...]:
    """Every measure SkinLab has words for, in the vocabulary's order."""
    return tuple(reading(result, metrics, key) for key in vocabulary.MEASURES)


def quality_notes(result: Mapping[str, Any]) -> tuple[QualityNote, ...]:
    """The checks that did not pass, failures first, with the engine's instruction."""
    checks = result.get("quality", {}).get("checks", {})
    notes = [
        QualityNote(
            check=str(name).replace("_", " "),
            status=str(check.get("status")),
            message=str(check.get("message") or ""),
        )
        for name, check in (checks.items() if isinstance(checks, Mapping) else ())
        if isinstance(check, Mapping) and check.get("status") in ("warn", "fail")
    ]
    return tuple(sorted(notes, key=lambda n: n.status != "fail"))


def summary(result: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    lines: list[tuple[str, str]] = []
    try:
        if result.get("skin_type"):
            lines.append(("Skin type", vocabulary.skin_type(str(result["skin_type"])).label))
    except SkinLabError as exc:
        lines.append(("Skin type", exc.message))
    tone = result.get("skin_tone")
    if isinstance(tone, Mapping) and tone.get("category"):
        try:
            name = vocabulary.tone_category(str(tone["category"])).label
        except SkinLabError:
            name = str(tone["category"]).replace("_", " ")
        ita, monk = number(tone.get("ita_deg")), tone.get("monk")
        extra = ", ".join(
            part
            for part in (
                f"ITA {ita:.0f}°" if ita is not None else "",
                f"Monk {monk}" if monk else "",
            )
            if part
        )
        lines.append(("Skin tone", f"{name} ({extra})" if extra else name))
    conditions = []
    for item in result.get("conditions", []):
        if isinstance(item, Mapping) and item.get("name"):
            try:
                label = vocabulary.condition_label(str(item["name"]))
            except SkinLabError:
                label = str(item["name"]).replace("_", " ")
            severity = str(item.get("severity", ""))
            conditions.append(f"{label} ({severity})" if severity else label)
    lines.append(("Findings", ", ".join(conditions) if conditions else "None above the mild level"))
    excluded = result.get("excluded_regions")
    if isinstance(excluded, Mapping) and excluded:
        lines.append(
            (
                "Left out",
                "; ".join(f"{vocabulary.region_label(r)}: {why}" for r, why in excluded.items()),
            )
        )
    confidence = number(result.get("confidence"))
    if confidence is not None:
        lines.append(("Confidence", f"{confidence:.0%}"))
    return tuple(lines)
