"""Save an analysis result (the engine's JSON form) with its photo and thumbnail, in one unit of work."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.storage.images import ImageStore, save_image
from core.storage.models import SkinAnalysisResult
from core.storage.repositories import analyses


def save_analysis(
    session: Session,
    store: ImageStore,
    *,
    result: dict[str, Any],
    user_id: uuid.UUID | None,
    image: bytes | None,
    media_type: str = "image/jpeg",
    thumbnail: bytes | None = None,
    image_size: tuple[int, int] | None = None,
    consent_id: uuid.UUID | None = None,
) -> SkinAnalysisResult:
    """Store the photo by hash and the result row keyed by the result's own ``analysis_id``,
    under the consent it was taken with (without one, it never leaves this device)."""
    check_result(result)
    width, height = image_size or (None, None)
    photo = (
        save_image(session, store, image, media_type=media_type, width=width, height=height)
        if image
        else None
    )
    thumb = save_image(session, store, thumbnail, media_type="image/jpeg") if thumbnail else None
    session.flush()  # image rows first: the result row's foreign keys point at them
    row = analysis_row(
        result=result,
        user_id=user_id,
        image_sha256=photo.sha256 if photo else None,
        thumbnail_sha256=thumb.sha256 if thumb else None,
        consent_id=consent_id,
    )
    return analyses.add(session, row)


def check_result(result: dict[str, Any]) -> None:
    """Raise :class:`ValidationError` unless ``result`` is a complete analysis that may be saved."""
    if "error" in result:
        raise ValidationError("A failed analysis cannot be saved")
    try:
        uuid.UUID(str(result["analysis_id"]))
        dict(result["metrics"])
        float(result["skin_score"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ValidationError(f"The analysis result is incomplete ({exc})") from exc


def analysis_row(
    *,
    result: dict[str, Any],
    user_id: uuid.UUID | None,
    image_sha256: str | None,
    thumbnail_sha256: str | None,
    consent_id: uuid.UUID | None = None,
) -> SkinAnalysisResult:
    """The result row (not added to a session) for a result that passed :func:`check_result`,
    pointing at photo and thumbnail rows the caller stores in the same unit of work. For callers
    that save many at once (a desktop import's batch): one flush for all of them."""
    check_result(result)
    metrics = dict(result["metrics"])
    row = analyses.from_metrics(
        user_id=user_id,
        skin_score=float(result["skin_score"]),
        engine_version=str(result.get("engine_version", "")),
        metrics=metrics,
        analysis_id=uuid.UUID(str(result["analysis_id"])),
        skin_type_detected=result.get("skin_type"),
        conditions=list(result.get("conditions", [])),
        recommendations=list(result.get("recommendations", [])),
        routine=dict(result.get("routine", {})),
        region_metrics=dict(result.get("regions", {})),
        confidence_score=result.get("confidence"),
        analysis_duration_seconds=result.get("analysis_duration_seconds"),
        image_sha256=image_sha256,
        thumbnail_sha256=thumbnail_sha256,
        result=result,
        consent_id=consent_id,
    )
    created = result.get("created_at")
    if isinstance(created, str):
        row.created_at = datetime.fromisoformat(created)
    return row
