"""Skin analysis results: save and read back, newest first."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.storage.models import SkinAnalysisResult


def add(session: Session, result: SkinAnalysisResult) -> SkinAnalysisResult:
    session.add(result)
    session.flush()
    return result


def get(session: Session, analysis_id: uuid.UUID) -> SkinAnalysisResult | None:
    return session.get(SkinAnalysisResult, analysis_id)


# Built once (see users._BY_EMAIL): the history list is read on every patient screen.
_LATEST = (
    select(SkinAnalysisResult)
    .where(SkinAnalysisResult.user_id == bindparam("user_id"))
    .order_by(SkinAnalysisResult.created_at.desc())
    .limit(bindparam("limit"))
)


def latest_for_user(
    session: Session, user_id: uuid.UUID, *, limit: int = 50
) -> Sequence[SkinAnalysisResult]:
    return session.scalars(_LATEST, {"user_id": user_id, "limit": limit}).all()


def from_metrics(
    *,
    user_id: uuid.UUID | None,
    skin_score: float,
    engine_version: str,
    metrics: dict[str, Any],
    **fields: Any,
) -> SkinAnalysisResult:
    """Build a row, copying the seed's four headline levels out of ``metrics``."""
    return SkinAnalysisResult(
        user_id=user_id,
        skin_score=skin_score,
        engine_version=engine_version,
        metrics=metrics,
        hydration_level=metrics.get("hydration"),
        oiliness_level=metrics.get("oiliness"),
        elasticity_level=metrics.get("elasticity"),
        pore_size=metrics.get("pores"),
        **fields,
    )
