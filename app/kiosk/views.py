"""The typed view of a result that the kiosk's screens show, built from the engine's JSON with the
words of :mod:`core.vocabulary` (screens never read the engine's dictionaries)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import vocabulary as vocab
from core.analysis.repeatability import mdc_of, score_mdc
from core.analysis.result import carried_mdc, carried_score_mdc
from ui.kiosk.ports import (
    ConditionView,
    MeasureView,
    ResultView,
    ScoreView,
    SkinView,
)


def _change(
    key: str, now: float | None, previous: Mapping[str, float] | None, mdc: float | None = None
) -> vocab.Change | None:
    if now is None or not previous or previous.get(key) is None:
        return None
    return vocab.change(key, now, float(previous[key]), mdc=mdc)


def measure_view(
    key: str,
    level: float | None,
    *,
    reason: str = "",
    mdc: float | None = None,
    previous: Mapping[str, float] | None,
    again: tuple[float, float] | None = None,
) -> MeasureView:
    """``again``: (last visit, today) read like for like, for a change the stored levels could
    not give (the two photos measured different skin); ``mdc`` is then that reading's spread."""
    words = vocab.measure(key)
    before = (previous or {}).get(key)
    if level is None:
        return MeasureView(
            key=key,
            label=words.label,
            meaning=words.meaning,
            direction=words.direction,
            estimate=words.estimate,
            level=None,
            word=vocab.NOT_MEASURED,
            tone="fair",
            goodness=0.0,
            not_measured=reason or "This photo did not allow it.",
        )
    return MeasureView(
        key=key,
        label=words.label,
        meaning=words.meaning,
        direction=words.direction,
        estimate=words.estimate,
        level=level,
        word=vocab.level_word(key, level),
        tone=vocab.tone(key, level),
        goodness=vocab.goodness(key, level),
        change=_change(key, level, previous, mdc) if again is None else _again(key, again, mdc),
        mdc=mdc,
        previous_goodness=None if before is None else vocab.goodness(key, float(before)),
        read_again=again is not None,
    )


def _again(key: str, pair: tuple[float, float], mdc: float | None = None) -> vocab.Change:
    return vocab.change(key, pair[1], pair[0], mdc=mdc)


def score_view(
    score: float,
    previous: Mapping[str, float] | None,
    again: tuple[float, float] | None = None,
    *,
    mdc: float,
    uses: str = "",
) -> ScoreView:
    """``again`` as for :func:`measure_view`; ``mdc`` the retest spread its change must exceed;
    ``uses`` what the score rests on when it is not every measure
    (:func:`core.vocabulary.score_from`)."""
    band = vocab.score_band(score)
    return ScoreView(
        value=score,
        shown=str(vocab.shown_score(score)),
        band=band.label,
        band_meaning=band.meaning,
        tone=band.tone,
        change=_change(vocab.SKIN_SCORE, score, previous, mdc)
        if again is None
        else _again(vocab.SKIN_SCORE, again, mdc),
        read_again=again is not None,
        uses=uses,
    )


def skin_view(skin_type: str, tone: Mapping[str, Any]) -> SkinView:
    kind = vocab.skin_type(skin_type)
    reason = vocab.skin_type_reason(skin_type)
    if tone.get("measured") is False:
        return SkinView(
            type_label=kind.label,
            type_meaning=kind.meaning,
            type_reason=reason,
            tone_label=f"{vocab.NOT_MEASURED.lower()}: {tone.get('reason', '')}",
            monk=0,
            monk_colour="transparent",
            ita_deg=float("nan"),
        )
    monk = int(tone.get("monk", 0) or 0)
    return SkinView(
        type_label=kind.label,
        type_meaning=kind.meaning,
        tone_label=vocab.tone_category(str(tone.get("category"))).label,
        monk=monk,
        monk_colour=vocab.monk_colour(monk),
        ita_deg=float(tone.get("ita_deg", 0.0)),
        type_reason=reason,
    )


def condition_view(item: Mapping[str, Any]) -> ConditionView:
    severity = vocab.severity(str(item.get("severity")))
    return ConditionView(
        label=vocab.condition_label(str(item.get("name"))),
        severity=severity.label,
        tone=severity.tone,
        regions=tuple(vocab.region(str(r)).label for r in item.get("regions", [])),
    )


def result_view(
    record: Mapping[str, Any],
    *,
    previous: Mapping[str, float] | None,
    spreads: Mapping[str, float] | None = None,
    again: Mapping[str, tuple[float, float]] | None = None,
) -> ResultView:
    """``record`` is ``AnalysisResult.to_json()``; ``previous`` the last visit's metrics and, as
    ``skin_score``, its score; ``spreads`` the retest spread of each change since then (else the
    photo's own ``mdc``, else the table's at full size); ``again`` the changes read like for like
    (measure or ``skin_score`` -> (last visit, today)). Raises ``UnknownTermError`` for a key with
    no words."""
    again = again or {}
    metrics: Mapping[str, Any] = record.get("metrics", {})
    details: Mapping[str, Any] = record.get("measures", {})
    keys = list(details) + [k for k in metrics if k not in details]
    measures = tuple(
        measure_view(
            key,
            None if metrics.get(key) is None else float(metrics[key]),
            reason=str(details.get(key, {}).get("reason", "")),
            mdc=(spreads or {}).get(key) or carried_mdc(record, key) or mdc_of(key),
            previous=previous,
            again=again.get(key),
        )
        for key in keys
    )
    routine: Mapping[str, Any] = record.get("routine", {})
    return ResultView(
        score=score_view(
            float(record.get("skin_score", 0.0)),
            previous,
            again.get(vocab.SKIN_SCORE),
            mdc=(spreads or {}).get(vocab.SKIN_SCORE) or carried_score_mdc(record) or score_mdc(),
            uses=vocab.score_from(record.get("skin_score_uses", []), len(details)),
        ),
        skin=skin_view(str(record.get("skin_type", "")), record.get("skin_tone", {})),
        measures=measures,
        conditions=tuple(condition_view(c) for c in record.get("conditions", [])),
        recommendations=tuple(str(r) for r in record.get("recommendations", [])),
        morning=tuple(str(s) for s in routine.get("morning", [])),
        evening=tuple(str(s) for s in routine.get("evening", [])),
        disclaimer=str(record.get("disclaimer", "")),
        see_dermatologist=bool(record.get("see_dermatologist")),
        created_at=str(record.get("created_at", "")),
        photo_problem=photo_problem(record.get("quality", {})),
        left_out=tuple(
            vocab.left_out(key, str(why))
            for key, why in (record.get("excluded_regions") or {}).items()
        ),
    )


def photo_problem(quality: Mapping[str, Any]) -> str:
    """The first instruction of a photo whose quality checks failed; empty when they passed (the
    live guidance catches most problems before the capture, not glasses or hair over the face)."""
    if quality.get("ok", True):
        return ""
    messages = [str(m) for m in quality.get("messages", []) if str(m).strip()]
    return messages[0] if messages else ""
