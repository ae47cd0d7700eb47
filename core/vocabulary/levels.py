"""How a level reads: a measure's severity and level word, the overall score's band, a change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from core.vocabulary.measures import SKIN_SCORE, Tone, UnknownTermError, concern, measure

# -- levels of one measure ----------------------------------------------------------------------


@dataclass(frozen=True)
class Severity:
    key: str
    floor: float
    """Lowest concern (inclusive) with this severity."""
    label: str
    tone: Tone


SEVERITIES: Final = (
    Severity("severe", 80.0, "Severe", "severe"),
    Severity("moderate", 65.0, "Moderate", "concern"),
    Severity("mild", 45.0, "Mild", "fair"),
)
"""The engine names a condition from the mild floor up (``core.analysis.interpret``)."""

LOW_FROM: Final = 20.0
"""A concern under the mild floor reads "Low" from here, "Minimal" below."""
CONCERN_WORDS: Final = (*((s.floor, s.label) for s in SEVERITIES), (LOW_FROM, "Low"))
"""A concern's level word by its lower bound; below the last, "Minimal". From the mild floor up it
is the severity's own word, so a level and the condition it names read alike: the report printed
Redness 85 "Marked" on page one and "SEVERE Redness" on page two (acceptance test, session 17,
D16)."""
ESTIMATE_WORDS: Final = ((65.0, "Very low"), (45.0, "Low"), (25.0, "Fair"))
"""A higher-is-better level's word by its concern's lower bound; below the last, "Good"."""


def severity(key: str) -> Severity:
    for item in SEVERITIES:
        if item.key == key:
            return item
    raise UnknownTermError(f"There is no severity called {key!r}.")


def tone(key: str, level: float) -> Tone:
    """good below the mild floor, then the tone of the severity the concern reaches."""
    value = concern(key, level)
    for item in SEVERITIES:
        if value >= item.floor:
            return item.tone
    return "good"


def level_word(key: str, level: float) -> str:
    """A short verdict on one level, in the measure's own direction ("Low", "Very low"...)."""
    value = concern(key, level)
    words = ESTIMATE_WORDS if measure(key).higher_is_better else CONCERN_WORDS
    for floor, word in words:
        if value >= floor:
            return word
    return "Good" if words is ESTIMATE_WORDS else "Minimal"


# -- the overall score --------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    key: str
    floor: int
    """Lowest whole score (inclusive) in the band."""
    label: str
    meaning: str
    tone: Tone


SCORE_BANDS: Final = (
    Band("excellent", 90, "Excellent", "Very healthy-looking skin. Keep up your routine.", "good"),
    Band("great", 80, "Great", "Healthy-looking skin with a few minor points to care for.", "good"),
    Band("good", 70, "Good", "Good overall, with some areas that would benefit from care.", "good"),
    Band("average", 50, "Average", "Several areas would benefit from a regular routine.", "fair"),
    Band(
        "poor", 30, "Poor", "Many areas need care: follow the routine on the next page.", "concern"
    ),
    Band(
        "bad", 0, "Bad", "Many areas need care; a professional opinion is worth having.", "severe"
    ),
)
"""Haut.AI's published bands: 90-100 excellent, 80-90 great, 70-80 good, 50-70 average,
30-50 poor, 0-30 bad (lower bound inclusive)."""


def shown_score(score: float) -> int:
    """The whole number every screen shows for a score (0-100)."""
    return max(0, min(100, round(score)))


def score_band(score: float) -> Band:
    """The band of the score *as shown*: 89.6 shows as 90 and reads "Excellent", never "Great"."""
    whole = shown_score(score)
    for band in SCORE_BANDS:
        if whole >= band.floor:
            return band
    return SCORE_BANDS[-1]


SCORE_FROM_SOME: Final = "From {used} of {every} measures: the photo could not support the others."
"""Under the score when the photo supported only some measures: the score uses only those."""


def score_from(uses: Sequence[str], every: int) -> str:
    """What the score rests on when it is not every one of ``every`` measures; empty when it is,
    or when the result does not say (``skin_score_uses`` is new in schema 2)."""
    if not uses or len(uses) >= every:
        return ""
    return SCORE_FROM_SOME.format(used=len(uses), every=every)


# -- changes since a previous visit -------------------------------------------------------------

NOISE_FLOOR: Final = 1.0
"""No change of less than one point is real, whatever the spread: levels are shown as whole
numbers (the engine's ``core.analysis.repeatability.MDC_FLOOR`` is this)."""


def beyond_noise(delta: float, spread: float) -> bool:
    """The one rule that calls a change between two visits real: larger than the pair's retest
    spread (MDC95, ``measures.<name>.mdc``) and than :data:`NOISE_FLOOR`. Every screen and report
    reads it through :func:`change`; the engine's ``core.analysis.repeatability.change_verdict``
    calls it."""
    return abs(delta) > max(NOISE_FLOOR, spread)


@dataclass(frozen=True)
class Change:
    arrow: str
    """"\u25b2"/"\u25bc" for a real change, "=" within retest noise, empty when not judged (no
    retest spread to judge it by: the skin score)."""
    delta: float
    better: bool | None
    """Whether it is a real improvement in the measure's own direction (None: within retest
    noise, or not judged)."""

    @property
    def shown(self) -> str:
        """The change as every screen writes it, sign kept even when it is about the same
        ("\u25b2 +5", "= \u22124"; "+6" when not judged)."""
        return f"{self.arrow} {signed(self.delta)}" if self.arrow else signed(self.delta)


def change(key: str, now: float, before: float, *, mdc: float | None = None) -> Change:
    """``key`` is a measure or :data:`SKIN_SCORE`; ``mdc`` the retest spread the change must exceed
    to be real (:func:`beyond_noise`). A measure without one is judged by :data:`NOISE_FLOOR`
    alone; the skin score without one is not judged at all: it moved, but nothing says whether a
    retake could have moved it as much (every screen passes the score's own spread,
    ``core.analysis.comparison.score_spread``)."""
    delta = round(now - before, 1)
    if mdc is None and key == SKIN_SCORE:
        return Change("", delta, None)
    if not beyond_noise(now - before, mdc or 0.0):
        return Change("=", delta, None)
    arrow = "\u25b2" if delta > 0 else "\u25bc"
    return Change(arrow, delta, concern(key, now) < concern(key, before))


def signed(delta: float) -> str:
    """``+5``, ``\u22123`` (a true minus sign), or ``\u00b10`` for anything that rounds to zero
    points (0.5 included: one spelling on every screen)."""
    whole = round(delta)
    if whole == 0:
        return "\u00b10"
    return f"+{whole}" if whole > 0 else f"\u2212{abs(whole)}"
