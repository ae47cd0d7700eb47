"""A patient with several stored visits, made from one real analysis of the astronaut's face:
each visit is that result with chosen levels, its own id and date, and the photo stored."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from app.context import AppContext
from core.analysis import AnalysisResult
from core.imaging import encode_jpeg, thumbnail_jpeg
from core.storage.models import User
from core.storage.results import save_analysis

FIRST_VISIT = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)


def add_visits(
    ctx: AppContext,
    *,
    email: str,
    base: AnalysisResult,
    photo: np.ndarray,
    levels: Sequence[Mapping[str, float]],
    every: timedelta = timedelta(days=30),
    first: datetime = FIRST_VISIT,
) -> list[str]:
    """One visit per entry of ``levels`` (measure -> level, laid over the base result), a month
    apart from ``first``; returns the analysis ids, oldest first."""
    jpeg = encode_jpeg(np.ascontiguousarray(photo))
    thumb = thumbnail_jpeg(np.ascontiguousarray(photo))
    ids = []
    with ctx.database.write() as session:
        patient = session.query(User).filter(User.email == email).one()
        for i, changed in enumerate(levels):
            result: dict[str, Any] = base.to_json()
            result["analysis_id"] = str(uuid.uuid4())
            result["created_at"] = (first + i * every).isoformat()
            levels = {k: v for k, v in changed.items() if k != "skin_score"}
            result["metrics"] = {**result["metrics"], **levels}
            result["skin_score"] = float(changed.get("skin_score", result["skin_score"]))
            row = save_analysis(
                session,
                ctx.images,
                result=result,
                user_id=patient.user_id,
                image=jpeg,
                thumbnail=thumb,
                image_size=(photo.shape[1], photo.shape[0]),
            )
            ids.append(str(row.analysis_id))
    return ids


def chin_measures(result: AnalysisResult) -> set[str]:
    """The measures ``result`` read from the chin (among others): the ones a photo cut through
    the chin cannot compare with it as stored."""
    return {k for k, m in result.measures.items() if "chin" in m.get("regions", {})}
