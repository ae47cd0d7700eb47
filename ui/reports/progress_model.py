"""What a progress report shows: plain data built by app/ from a patient's visits in a period,
rendered by :mod:`ui.reports.progress`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class ProgressVisit:
    when: datetime
    score: float
    levels: Mapping[str, float | None]
    """Measure key -> level, None when that visit's photo did not allow it."""


@dataclass(frozen=True)
class ProgressPhoto:
    when: datetime
    score: float
    jpeg: bytes | None
    """The face, cut from the stored photo (None when the photo is not on this device)."""


@dataclass(frozen=True)
class MeasureProgress:
    key: str
    label: str
    first: float
    last: float
    delta: float
    spread: float
    """How far a retake of the same face can move this measure (its retest spread)."""
    better: bool | None
    """Better or worse in the measure's own direction; None: within retest noise, or not
    comparable."""
    not_comparable: str = ""
    """Why the two levels cannot be compared (the photos measured different regions), or empty."""
    like_for_like: str = ""
    """When the two photos were read again on the skin both showed: what they left out ("without
    the chin"); the levels and the spread are then that reading's."""

    @property
    def real(self) -> bool:
        return self.better is not None


@dataclass(frozen=True)
class ProgressData:
    clinic_name: str
    patient_name: str
    since: datetime
    until: datetime
    visits: tuple[ProgressVisit, ...]
    before: ProgressPhoto | None
    after: ProgressPhoto | None
    changes: tuple[MeasureProgress, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    """Measure key -> its clinical label, in the order the charts are drawn."""
    logo_path: Path | None = None
    disclaimer: str = (
        "Cosmetic guidance, not a medical diagnosis. Hydration and elasticity are visual estimates."
    )
