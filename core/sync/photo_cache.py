"""Photos a workstation fetched on demand: kept for the retention time after their last use.

Only photos fetched through :meth:`core.sync.service.SyncService.fetch_photo` are listed here, so
pruning never removes a photo this device took itself or one an admin device keeps for the clinic.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from core.errors import ValidationError
from core.storage.database import Database
from core.storage.images import ImageStore
from core.storage.models import PhotoCache
from core.storage.types import utcnow


def touch(db: Database, sha256: str, *, fetched: bool) -> None:
    """Note that a photo was used now; list it when it was just ``fetched`` from the server."""
    with db.write() as session:
        entry = session.get(PhotoCache, sha256)
        if entry is None:
            if fetched:
                session.add(PhotoCache(sha256=sha256))
        else:
            entry.used_at = utcnow()


def prune(
    db: Database, images: ImageStore, *, older_than_days: int, now: datetime | None = None
) -> int:
    if older_than_days < 1:
        raise ValidationError("Keep fetched photos for at least one day")
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    with db.write() as session:
        stale = list(session.scalars(select(PhotoCache.sha256).where(PhotoCache.used_at < cutoff)))
        session.execute(delete(PhotoCache).where(PhotoCache.sha256.in_(stale)))
    for digest in stale:  # files after the commit: a failed transaction leaves them in place
        images.delete(digest)
    return len(stale)
