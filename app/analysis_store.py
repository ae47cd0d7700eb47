"""Save an engine result for a patient: the CLI's ``analyze --save`` (the kiosk has its own flow)."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np

from app.context import AppContext
from core.analysis import AnalysisResult
from core.errors import NotFoundError, ValidationError
from core.imaging import media_type_of, thumbnail_jpeg
from core.storage.repositories import audit, users
from core.storage.results import save_analysis


def patient_id_for(ctx: AppContext, email: str) -> uuid.UUID:
    """The account results are saved for; refused early, before any photo is analysed."""
    with ctx.database.read() as session:
        user = users.get_by_email(session, email)
        if user is None:
            raise NotFoundError(
                f"No account with the email {email.strip().lower()}; add it with 'skinlab users add'"
            )
        if not user.is_active:
            raise ValidationError(f"The account {user.email} is deactivated")
        return user.user_id


def save_result(
    ctx: AppContext, result: AnalysisResult, *, source: Path, user_id: uuid.UUID
) -> uuid.UUID:
    photo = source.read_bytes()
    visuals = result.visuals
    thumb = (
        thumbnail_jpeg(np.asarray(visuals.canvas_rgb, dtype=np.uint8))
        if visuals is not None
        else None
    )
    payload = result.to_json()
    size = payload.get("image_size") or {}
    with ctx.database.write() as session:
        row = save_analysis(
            session,
            ctx.images,
            result=payload,
            user_id=user_id,
            image=photo,
            media_type=media_type_of(photo),
            thumbnail=thumb,
            image_size=(int(size["width"]), int(size["height"])) if "width" in size else None,
        )
        audit.record(
            session,
            "analysis_saved",
            target_type="analysis",
            target_id=row.analysis_id,
            details={"source": "cli", "patient": str(user_id)},
        )
        return row.analysis_id
