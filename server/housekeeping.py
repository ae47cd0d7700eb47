"""Forgetting on schedule: used token ids past expiry, idempotency keys past 7 days, rate-limit
buckets that have filled up again, and uploads that received nothing for ``upload_abandon_s``. Runs in every worker; the deletes are idempotent,
so overlap is harmless."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from server import blob_files
from server.config import IDEMPOTENCY_KEEP_DAYS, ServerSettings
from server.models import Blob, IdempotencyKey, UsedJti
from server.ratelimit import FORGET_FULL

log = logging.getLogger(__name__)


def _count(result: Result[Any]) -> int:
    return int(cast("CursorResult[Any]", result).rowcount)


def sweep(
    sessions: sessionmaker[Session],
    blob_dir: Path,
    *,
    abandon_after: timedelta = timedelta(days=1),
    parts_after: timedelta = timedelta(minutes=2),
    now: datetime | None = None,
) -> int:
    """Delete what is no longer needed; returns how many rows went."""
    moment = now or datetime.now(UTC)
    with sessions() as session, session.begin():
        gone = _count(session.execute(delete(UsedJti).where(UsedJti.expires_at < moment)))
        gone += _count(
            session.execute(
                delete(IdempotencyKey).where(
                    IdempotencyKey.created_at < moment - timedelta(days=IDEMPOTENCY_KEEP_DAYS)
                )
            )
        )
        gone += _count(session.execute(FORGET_FULL))
        stale = session.scalars(
            select(Blob)
            .where(
                Blob.complete.is_(False),
                func.coalesce(Blob.last_activity_at, Blob.created_at) < moment - abandon_after,
            )
            .with_for_update(skip_locked=True)
        )
        for blob in list(stale):
            blob_files.remove(blob_files.absolute(blob_dir, blob.path))
            session.delete(blob)
            gone += 1
    gone += _sweep_parts(blob_dir, older_than=(moment - parts_after).timestamp())
    return gone


def _sweep_parts(blob_dir: Path, *, older_than: float) -> int:
    """Part files of PATCH requests that died with their server process (a live request writes
    to its part at least every ``upload_idle_s``)."""
    gone = 0
    for part in (blob_dir / blob_files.PARTS_DIR).glob(f"*{blob_files.PART_SUFFIX}"):
        with suppress(FileNotFoundError):
            if part.stat().st_mtime < older_than:
                part.unlink()
                gone += 1
    return gone


async def run_forever(sessions: sessionmaker[Session], settings: ServerSettings) -> None:
    abandon_after = timedelta(seconds=settings.upload_abandon_s)
    while True:
        try:
            gone = await run_in_threadpool(
                sweep,
                sessions,
                settings.blob_dir,
                abandon_after=abandon_after,
                parts_after=timedelta(seconds=2 * settings.upload_idle_s),
            )
            if gone:
                log.info("housekeeping removed %d expired rows", gone)
        except Exception:
            log.exception("housekeeping failed; will retry")
        await asyncio.sleep(settings.housekeeping_interval_s)
