"""Forget guest captures after the retention time: their results, photos and thumbnails."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from core.storage.database import Database
from core.storage.images import ImageStore, delete_unused_images
from core.storage.models import SkinAnalysisResult
from core.storage.types import utcnow


def purge_guest_captures(
    db: Database, images: ImageStore, *, older_than_days: int, now: datetime | None = None
) -> int:
    """Delete guest analyses (no patient) older than ``older_than_days`` (0: all of them) and any
    photo no other result still uses. Returns how many analyses were deleted."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    with db.write() as session:
        rows = session.scalars(
            select(SkinAnalysisResult).where(
                SkinAnalysisResult.user_id.is_(None), SkinAnalysisResult.created_at <= cutoff
            )
        ).all()
        digests = {d for row in rows for d in (row.image_sha256, row.thumbnail_sha256) if d}
        for row in rows:
            session.delete(row)
        session.flush()
        unused = delete_unused_images(session, digests)
    for digest in unused:  # files last: a failed transaction leaves every file in place
        images.delete(digest)
    return len(rows)
