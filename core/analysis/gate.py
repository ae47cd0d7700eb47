"""The gate between the measures and the result: only what this photo can support is reported.

Each measure's needs (:mod:`core.analysis.needs`) are checked against the photo's scale, the skin
left in the measure's regions once hidden and cut regions are taken out, and whether the photo has
colour. A declined measure keeps its name in the result, with ``measured: false`` and the reason;
every measure, reported or not, carries its retest spread (``mdc``) for a face of this size, so
that a change between two visits can be judged against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.analysis.measures import METRIC_NAMES, MeasureResult
from core.analysis.needs import (
    NEEDS,
    SKIN_TONE_NEEDS,
    TINTED_LIGHT,
    UNCOVER,
    Declined,
    Needs,
    Scale,
    decide,
)
from core.analysis.regions import MASK_REASON, Regions
from core.analysis.repeatability import mdc_of
from core.vocabulary import instruction


@dataclass(frozen=True)
class Gated:
    """The measures split into reported and declined, with the skin area each one saw."""

    reported: dict[str, MeasureResult]
    declined: dict[str, Declined]
    areas_cm2: dict[str, float]
    tone_declined: Declined | None
    interocular_px: float
    """The photo's eye distance: a smaller face's levels move more between retakes (its MDC)."""

    def measures_json(self) -> dict[str, dict[str, object]]:
        out: dict[str, dict[str, object]] = {}
        for name in METRIC_NAMES:
            if name in self.reported:
                entry: dict[str, object] = {"measured": True, **self.reported[name].to_json()}
                entry["area_cm2"] = round(self.areas_cm2[name], 1)
            else:
                entry = dict(self.declined[name].to_json())
            entry["mdc"] = mdc_of(name, self.interocular_px)
            out[name] = entry
        return out


def nothing_measured(
    declined: dict[str, Declined], scale: Scale, colour_problem: Declined | None
) -> str:
    """Why no measure could be reported, each distinct cause once, for the person to act on."""
    codes = {why.code for why in declined.values()}
    causes: list[str] = []
    small = [name for name, why in declined.items() if why.code == "too_small"]
    if small:  # the floor of those it was too small for: the others wait on something else
        least = min(NEEDS[name].min_interocular_px for name in small)
        which = _how_many(small, declined)
        causes.append(
            f"the face is too small in the photo for {which} at least {least:.0f} px between the "
            f"eyes, this photo has {scale.interocular_px:.1f}): move closer to the camera or use "
            "a higher resolution"
        )
    if colour_problem is not None and colour_problem.code in codes:
        # the light first when it, not the size, left nothing to measure
        causes.insert(
            0 if colour_problem.code == TINTED_LIGHT else len(causes), colour_problem.reason
        )
    if "too_little_skin" in codes:
        causes.append(
            "too much of the face is hidden: keep hair, hands, glasses and masks away from your face"
        )
    if not causes:  # every measure waits on another: say what the first one needs
        causes.append(next(iter(declined.values())).reason)
    return "Nothing could be measured on this photo: " + "; and ".join(causes) + "."


def refused_for_light(declined: dict[str, Declined]) -> bool:
    """Whether the light's colour is why nothing was measured: some measure the face was large
    enough for was declined for the light (the size is checked first)."""
    return any(why.code == TINTED_LIGHT for why in declined.values())


def _how_many(small: list[str], declined: dict[str, Declined]) -> str:
    """The measures the face is too small for, counted as a reader counts them: with the
    estimates made from them (declined as waiting on another), "every measure" when that is all."""
    estimates = [name for name in declined if set(NEEDS[name].uses) & set(small)]
    if len(small) + len(estimates) == len(METRIC_NAMES):
        return "every measure (they need"
    if len(small) == 1:
        return "1 measure (it needs"
    return f"{len(small)} of the {len(METRIC_NAMES)} measures (they need"


def skin_area_cm2(regions: Regions, needs: Needs) -> float:
    pixels = sum(regions.pixel_counts[name] for name in needs.regions)
    return pixels / regions.frame.px_per_cm**2


def gate(
    measures: dict[str, MeasureResult],
    regions: Regions,
    *,
    scale: Scale,
    colour_problem: Declined | None,
) -> Gated:
    declined: dict[str, Declined] = {}
    areas = {name: skin_area_cm2(regions, NEEDS[name]) for name in measures}
    ordered = sorted(measures, key=lambda n: bool(NEEDS[n].uses))
    masked = MASK_REASON in regions.excluded.values()
    take_off = instruction("remove_mask")
    uncover = take_off[0].lower() + take_off[1:] if masked else UNCOVER
    for name in ordered:
        why = decide(
            NEEDS[name],
            scale=scale,
            area_cm2=areas[name],
            colour_problem=colour_problem,
            declined=set(declined),
            uncover=uncover,
        )
        if why is not None:
            declined[name] = why
    reported = {n: m for n, m in measures.items() if n not in declined}
    tone = decide(
        SKIN_TONE_NEEDS,
        scale=scale,
        area_cm2=skin_area_cm2(regions, SKIN_TONE_NEEDS),
        colour_problem=colour_problem,
        declined=set(),
    )
    return Gated(reported, declined, areas, tone, scale.interocular_px)
