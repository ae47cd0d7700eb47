"""How long data stays: guest captures until the kiosk's reset, everything else for the clinic's
retention period (``retention_days``), applied daily and audited.

The retention period covers patients' analyses with their photos and thumbnails, and emails once
sent or given up (with their PDFs). Accounts, consents, notes and the audit log are kept until a
patient is erased. Deletions leave tombstones, so every device of the clinic drops the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from core.audit.actions import RETENTION_APPLIED
from core.errors import ValidationError
from core.storage.database import Database
from core.storage.images import ImageStore, delete_unused_images
from core.storage.models import EmailMessage, SkinAnalysisResult, SyncState
from core.storage.repositories import audit
from core.storage.types import utcnow

LAST_RUN_KEY = "retention_last_run"


class RetentionSettingError(ValidationError):
    code = "invalid_retention"


def check_retention_days(days: int) -> int:
    """A retention period in whole days above zero, or :class:`RetentionSettingError`."""
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        raise RetentionSettingError(
            f"The retention period must be a whole number of days above zero, not {days!r}"
        )
    return days


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


@dataclass(frozen=True)
class RetentionReport:
    analyses: int
    emails: int
    images: int


def apply_retention(
    db: Database, images: ImageStore, *, days: int, now: datetime | None = None
) -> RetentionReport:
    """Delete what is older than ``days``; audited with the counts (never with names)."""
    check_retention_days(days)
    moment = now or utcnow()
    cutoff = moment - timedelta(days=days)
    with db.write() as session:
        rows = session.scalars(
            select(SkinAnalysisResult).where(
                SkinAnalysisResult.user_id.is_not(None), SkinAnalysisResult.created_at <= cutoff
            )
        ).all()
        mails = session.scalars(
            select(EmailMessage).where(
                EmailMessage.status != "queued", EmailMessage.created_at <= cutoff
            )
        ).all()
        digests = {d for row in rows for d in (row.image_sha256, row.thumbnail_sha256) if d}
        digests.update(m.attachment_sha256 for m in mails if m.attachment_sha256)
        for obj in (*rows, *mails):
            session.delete(obj)
        session.flush()
        unused = delete_unused_images(session, digests)
        report = RetentionReport(analyses=len(rows), emails=len(mails), images=len(unused))
        audit.record(session, RETENTION_APPLIED, details={"days": days, **report.__dict__})
        session.merge(SyncState(key=LAST_RUN_KEY, value=moment.isoformat()))
    for digest in unused:
        images.delete(digest)
    return report


def apply_retention_if_due(
    db: Database, images: ImageStore, *, days: int | None, now: datetime | None = None
) -> RetentionReport | None:
    """Run :func:`apply_retention` once a day (None when not due or no period is set)."""
    if days is None:
        return None
    moment = now or utcnow()
    with db.read() as session:
        last = session.scalar(select(SyncState.value).where(SyncState.key == LAST_RUN_KEY))
    if last and moment - datetime.fromisoformat(last) < timedelta(days=1):
        return None
    return apply_retention(db, images, days=days, now=moment)
