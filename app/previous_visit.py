"""A patient's previous visit as a change since then can be read from it: its levels, only those
measured on the same skin as the analysis they are compared with (``core.analysis.comparison``).

The kiosk (a signed-in patient's own last visit) and the PDF report (the visit before the
reported one, for whoever may open that report) read it here; both already hold the right to read
that patient's record, and this reads nothing else.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.analysis.comparison import differences, spread
from core.storage.repositories import analyses, patients_record
from core.vocabulary import SKIN_SCORE


@dataclass(frozen=True)
class PreviousVisit:
    taken_at: datetime
    levels: dict[str, float]
    """Measure -> level, and the skin score under ``SKIN_SCORE``: only what can be compared."""
    not_compared: dict[str, str] = field(default_factory=dict)
    """Measure (or ``SKIN_SCORE``) -> why its change is not shown (different skin measured)."""
    spreads: dict[str, float] = field(default_factory=dict)
    """Measure (or ``SKIN_SCORE``) -> the retest spread its change must exceed to be real: the larger of the two
    photos' own (a smaller face's is larger)."""
    analysis_id: uuid.UUID | None = None
    """The previous visit's stored analysis, to read its photo again (like for like)."""


def previous_visit(
    session: Session,
    user_id: uuid.UUID,
    now: Mapping[str, Any],
    *,
    before: datetime | None = None,
) -> PreviousVisit | None:
    """The patient's latest visit (taken before ``before`` when given), compared with ``now``
    (an engine result); None for a first visit."""
    rows = patients_record.latest_visits(session, user_id, limit=1, before=before)
    if not rows:
        return None
    row = rows[0]
    levels = {k: float(v) for k, v in (row.metrics or {}).items() if v is not None}
    levels[SKIN_SCORE] = float(row.skin_score)
    stored = analyses.get(session, row.analysis_id)
    earlier: Mapping[str, Any] = (stored.result or {}) if stored is not None else {}
    why = differences(levels, earlier, now)
    kept = {key: value for key, value in levels.items() if key not in why}
    noise = {key: spread(key, earlier, now) for key in kept}
    return PreviousVisit(row.taken_at, kept, why, noise, row.analysis_id)
