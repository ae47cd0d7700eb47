"""Two analyses of one face, measure by measure: a change is read only between levels measured on
the same skin.

A whole-face level is the area-weighted mean of the regions the photo showed, so two visits that saw
different regions (the forehead hidden by hair at one, or cut off by the frame) measured different
skin. On retakes of 71 real faces (session 13, docs/analysis.md "Comparing two visits"), a measure
whose regions differed between the two photos moved by more than its MDC95 in 62 % of the pairs,
against 30 % when the regions matched (12 % on the shared full photos). Such a change is called
neither real nor within retest noise: it is *not comparable*, and the regions seen at only one visit
are named. So is a change between a colour photo and one without colour (greyscale, or an infrared
webcam's frame): what the grey one still measures rests on its camera's tone curve (a grey copy
brightened as infrared webcams do read lines 15-20 points lower on four shared faces; session 18).

Every screen and report that compares two visits asks here (the kiosk, the desktop's comparison and
progress report, the PDF report), so they cannot disagree.

A change that is not comparable can be read again *like for like* (:func:`like_for_like`): both
photos analysed anew without the regions only one of them measured (:func:`left_out`), the change
judged against the wider spread of a reading from part of the face (:func:`part_spread`). The
desktop's comparison, progress report and visit report do so (``app.read_again``); the kiosk does
not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from core.analysis.repeatability import (
    FALLBACK_MDC,
    MDC95,
    MDC95_PART,
    MDC_FLOOR,
    SCORE_MDC95,
    SCORE_MDC95_PART,
    change_verdict,
    mdc_of,
    score_mdc,
)
from core.analysis.result import (
    carried_mdc,
    carried_score_mdc,
    level,
    number,
    region_levels,
    without_colour,
)
from core.vocabulary import SKIN_SCORE, region_label

Verdict = Literal["real_change", "within_noise", "different_skin"]

SCORE_NOT_COMPARABLE: Final = "the two scores rest on different measures"
NO_COLOUR_AT: Final = "the {visit} photo has no colour (greyscale or infrared)"
"""Why a colour photo's reading is not compared with a grey one's (:func:`colour_difference`)."""


@dataclass(frozen=True)
class MeasureChange:
    """One measure's change from ``before`` to ``after`` and what it means."""

    key: str
    before: float
    after: float
    verdict: Verdict
    spread: float
    """The retest spread (MDC95, level points) a change must exceed to be real (:func:`spread`)."""
    reason: str = ""
    """For ``different_skin``: which regions only one visit measured, or which photo had no
    colour, in words."""

    @property
    def delta(self) -> float:
        return self.after - self.before


def _listed(names: Sequence[str]) -> str:
    labels = [region_label(n) for n in names]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _why(result: Mapping[str, Any], names: Sequence[str]) -> str:
    excluded = result.get("excluded_regions") or {}
    reasons = sorted({str(excluded[n]) for n in names if n in excluded})
    return f" ({'; '.join(reasons)})" if reasons else ""


def skin_difference(before: Mapping[str, Any], after: Mapping[str, Any], key: str) -> str:
    """Empty when both analyses measured ``key`` on the same regions (or an analysis does not say
    which); otherwise which regions only one of them measured, and why the other left them out."""
    seen_before, seen_after = set(region_levels(before, key)), set(region_levels(after, key))
    if not seen_before or not seen_after or seen_before == seen_after:
        return ""
    parts = []
    only_before = sorted(seen_before - seen_after)
    only_after = sorted(seen_after - seen_before)
    if only_before:
        parts.append(
            f"{_listed(only_before)} measured only at the earlier visit{_why(after, only_before)}"
        )
    if only_after:
        parts.append(
            f"{_listed(only_after)} measured only at the later visit{_why(before, only_after)}"
        )
    return "; ".join(parts)


def colour_difference(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """Empty when both photos had colour, or neither; otherwise which one had none. A grey or
    infrared frame's lines, spots and texture rest on its camera's tone curve, not the sRGB a
    colour photo follows: brightened with gamma 0.6, as infrared webcams do, four shared faces
    read lines 15-20 points lower than in colour (docs/analysis.md, session 18)."""
    grey = without_colour(before), without_colour(after)
    if grey[0] == grey[1]:
        return ""
    return NO_COLOUR_AT.format(visit="earlier" if grey[0] else "later")


def spread(key: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> float:
    """The retest spread a change between the two analyses must exceed: the larger of the two
    photos' own (``measures.<key>.mdc``, larger for a smaller face), else the table's. For
    :data:`~core.vocabulary.SKIN_SCORE`, the score's (:func:`score_spread`)."""
    if key == SKIN_SCORE:
        return score_spread(before, after)
    carried = [mdc for result in (before, after) if (mdc := carried_mdc(result, key)) is not None]
    return max(carried) if carried else mdc_of(key)


def compare(
    key: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    levels: tuple[float, float] | None = None,
) -> MeasureChange | None:
    """The change of one measure (or of :data:`~core.vocabulary.SKIN_SCORE`: :func:`score_change`)
    between two analyses; None when either did not measure it.
    ``levels`` gives the two levels when the caller holds them apart from the results (a stored
    visit's metrics); the results then only say where and how precisely they were measured."""
    if key == SKIN_SCORE:
        return score_change(before, after, scores=levels)
    was, now = levels if levels is not None else (level(before, key), level(after, key))
    if was is None or now is None:
        return None
    noise = spread(key, before, after)
    different = colour_difference(before, after) or skin_difference(before, after, key)
    if different:
        return MeasureChange(key, was, now, "different_skin", noise, different)
    return MeasureChange(key, was, now, change_verdict(key, was, now, mdc=noise), noise)


LEFT_OUT_REASON: Final = "left out to compare like for like: not measured at the other visit"


def left_out(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, str]:
    """The regions both photos must leave out to read the same skin: every region that one of
    them measured and the other did not, for any measure both measured. Each photo leaves all of
    them out, also those it did not measure itself: a region one photo showed only for some
    measures (an under-eye too small for lines but kept for redness) would otherwise still differ
    for others. Empty when the two already read the same skin (or an analysis does not say which
    regions it read)."""
    differing: set[str] = set()
    for key in set(before.get("measures") or {}) & set(after.get("measures") or {}):
        seen_before, seen_after = set(region_levels(before, key)), set(region_levels(after, key))
        if seen_before and seen_after:
            differing |= seen_before ^ seen_after
    return dict.fromkeys(sorted(differing), LEFT_OUT_REASON)


def part_spread(key: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> float:
    """The retest spread of a level read from part of the face: the two photos' own spread
    (:func:`spread`, for their face sizes), grown by how much more the measure moved between
    retakes with a part of the face left out (:data:`~core.analysis.repeatability.MDC95_PART`)
    than whole; for :data:`~core.vocabulary.SKIN_SCORE`, :func:`score_part_spread`."""
    if key == SKIN_SCORE:
        return score_part_spread(before, after)
    whole = max(MDC95.get(key, FALLBACK_MDC), MDC_FLOOR)
    return spread(key, before, after) * max(1.0, MDC95_PART.get(key, FALLBACK_MDC) / whole)


def like_for_like(
    key: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    shared: tuple[Mapping[str, Any], Mapping[str, Any]],
) -> MeasureChange | None:
    """The change of a measure between two analyses that read different skin, read again on the
    skin both showed: ``shared`` are the two photos analysed again with :func:`left_out`'s
    regions left out. Real only beyond :func:`part_spread`; the reason names what was left out.
    None when either reading did not measure it."""
    was, now = level(shared[0], key), level(shared[1], key)
    if was is None or now is None:
        return None
    still = colour_difference(*shared) or skin_difference(shared[0], shared[1], key)
    noise = part_spread(key, before, after)
    if still:
        return MeasureChange(key, was, now, "different_skin", noise, still)
    seen = set(region_levels(before, key)) | set(region_levels(after, key))
    where = without(seen - set(region_levels(shared[0], key)))
    return MeasureChange(key, was, now, change_verdict(key, was, now, mdc=noise), noise, where)


def without(names: Iterable[str]) -> str:
    """What a like-for-like reading left out, in words: "without the chin"."""
    gone = sorted(names)
    return f"without the {_listed(gone)}" if gone else "on the same regions"


def shared_scores(
    shared: tuple[Mapping[str, Any], Mapping[str, Any]],
) -> tuple[float, float] | None:
    """The two skin scores of a like-for-like reading, when they can be compared (the same
    measures, each on the same skin: :func:`score_difference`)."""
    scores = [number(result.get("skin_score")) for result in shared]
    if scores[0] is None or scores[1] is None or score_difference(*shared):
        return None
    return scores[0], scores[1]


def score_spread(before: Mapping[str, Any], after: Mapping[str, Any]) -> float:
    """The retest spread a change of the skin score between the two analyses must exceed: the
    larger of the two photos' own (``skin_score_mdc``, larger for a smaller face), else the
    table's at full size (results of engines before 2.16.0 carry none)."""
    carried = [mdc for result in (before, after) if (mdc := carried_score_mdc(result)) is not None]
    return max(carried) if carried else score_mdc()


def score_part_spread(before: Mapping[str, Any], after: Mapping[str, Any]) -> float:
    """The spread of a score read like for like: :func:`score_spread` grown by how much more the
    score moved between retakes with a part of the face left out
    (:data:`~core.analysis.repeatability.SCORE_MDC95_PART`) than whole."""
    return score_spread(before, after) * max(1.0, SCORE_MDC95_PART / SCORE_MDC95)


def score_change(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    scores: tuple[float, float] | None = None,
) -> MeasureChange | None:
    """The skin score's change between two analyses, judged as a measure's against its own
    spread (:func:`score_spread`); ``different_skin`` when the two scores cannot be compared
    (:func:`score_difference`). ``scores`` as :func:`compare`'s ``levels``."""
    was, now = (
        scores
        if scores is not None
        else (number(before.get("skin_score")), number(after.get("skin_score")))
    )
    if was is None or now is None:
        return None
    noise = score_spread(before, after)
    apart = score_difference(before, after)
    if apart:
        return MeasureChange(SKIN_SCORE, was, now, "different_skin", noise, apart)
    verdict = change_verdict(SKIN_SCORE, was, now, mdc=noise)
    return MeasureChange(SKIN_SCORE, was, now, verdict, noise)


def score_difference(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """Empty when the two skin scores can be compared: built from the same measures, each measured
    on the same skin; otherwise why not."""
    uses_before, uses_after = before.get("skin_score_uses"), after.get("skin_score_uses")
    if uses_before and uses_after and set(uses_before) != set(uses_after):
        return SCORE_NOT_COMPARABLE
    for key in uses_after or ():
        different = skin_difference(before, after, str(key))
        if different:
            return different
    return ""


def differences(
    keys: Iterable[str], before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, str]:
    """Of ``keys`` (measures, and :data:`~core.vocabulary.SKIN_SCORE` for the score), those whose
    change from ``before`` to ``after`` cannot be read, each with why: a measure measured on
    different regions or from a photo without colour, a score built differently. A result that does not say which regions it
    measured (an older engine) leaves every measure comparable; a colour photo and one without
    colour compare no measure. Screens that draw a change arrow from a previous visit leave these
    out, so no arrow compares different skin."""
    out = {}
    for key in keys:
        why = (
            score_difference(before, after)
            if key == SKIN_SCORE
            else colour_difference(before, after) or skin_difference(before, after, key)
        )
        if why:
            out[key] = why
    return out
