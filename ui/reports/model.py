"""What a report shows: plain data, built by app/ from core, rendered by :mod:`ui.reports.pdf`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from core.analysis.repeatability import mdc_of, score_mdc
from core.analysis.result import carried_mdc, carried_score_mdc
from core.vocabulary import SKIN_SCORE


@dataclass(frozen=True)
class ReportData:
    result: dict[str, Any]
    """The engine's JSON form of the analysis (``AnalysisResult.to_json()``)."""
    photo_jpeg: bytes | None
    """The captured photo, JPEG-encoded."""
    overlays: dict[str, bytes] = field(default_factory=dict)
    """Per measure name, a PNG of the photo with that measure's heat map (may be empty).
    The key ``"overall"`` is the main picture on page 1 (the strongest finding per pixel)."""
    clinic_name: str = "SkinLab"
    logo_path: Path | None = None
    patient_name: str | None = None
    analysed_at: datetime | None = None
    previous: dict[str, float] | None = None
    """The patient's previous visit's metrics, for the change since then (signed-in patients);
    ``previous["skin_score"]`` gives the change of the overall score. Only what can be compared:
    a measure the two photos measured on different skin is left out (``not_compared``)."""
    not_compared: dict[str, str] = field(default_factory=dict)
    """Measure (or ``skin_score``) -> why its change since the previous visit is not shown."""
    spreads: dict[str, float] = field(default_factory=dict)
    """Measure -> the retest spread a change since the previous visit must exceed to be real (the
    larger of the two photos'); a measure without one uses this photo's ``mdc``."""
    like_for_like: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Measure (or ``skin_score``) -> (previous, this visit) read again on the skin both photos
    showed, for what they had measured on different skin; its spread is in ``spreads``."""
    read_again: str = ""
    """What both photos left out for ``like_for_like``, in words ("without the chin")."""

    def spread(self, metric: str) -> float:
        """The spread that decides real change against retest noise for ``metric``: the pair's,
        else this photo's own, else (an older result carries none) the table's at full size;
        ``skin_score``'s own (``skin_score_mdc``)."""
        if metric in self.spreads:
            return self.spreads[metric]
        if metric == SKIN_SCORE:
            carried = carried_score_mdc(self.result)
            return score_mdc() if carried is None else carried
        carried = carried_mdc(self.result, metric)
        return mdc_of(metric) if carried is None else carried

    def since_last(self) -> dict[str, tuple[float, float]]:
        """Measure (and ``skin_score``) -> the change since the previous visit the report shows
        (:func:`since_last`), for every part of the report that names a change."""
        levels = {
            **measured_levels(self.result),
            SKIN_SCORE: float(self.result.get(SKIN_SCORE, 0.0)),
        }
        return since_last(levels, self.previous, self.like_for_like)

    def both_visits(self) -> tuple[dict[str, float], dict[str, float]]:
        """(this visit, the previous visit) per measured measure, for a chart that draws both (the
        radar): a measure read like for like takes both levels from that reading, so the gap the
        chart draws is the change the report names (:meth:`since_last`); the others are stored.
        The previous visit is empty when there is none to compare with."""
        now = measured_levels(self.result)
        pairs = {key: pair for key, pair in self.since_last().items() if key in now}
        now.update({key: pairs[key][1] for key in self.like_for_like if key in pairs})
        return now, {key: was for key, (was, _) in pairs.items()}


def measured_levels(result: Mapping[str, Any]) -> dict[str, float]:
    """The measures this photo allowed, by level (a measure not measured is ``None`` or absent)."""
    return {k: float(v) for k, v in result.get("metrics", {}).items() if v is not None}


def since_last(
    levels: Mapping[str, float],
    previous: Mapping[str, float] | None,
    again: Mapping[str, tuple[float, float]],
) -> dict[str, tuple[float, float]]:
    """Key -> (previous visit, this visit) of each change since the previous visit: the reading
    like for like (``again``) where the two photos measured different skin, else the stored levels;
    none for a key this visit did not measure."""
    pairs = {
        key: (float(previous[key]), now)
        for key, now in levels.items()
        if previous and previous.get(key) is not None
    }
    pairs.update({key: pair for key, pair in again.items() if key in levels})
    return pairs
