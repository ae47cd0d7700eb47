"""Forgetting on schedule: used token ids past expiry, idempotency keys past 7 days, and uploads
abandoned half-way. Runs in every worker; the deletes are idempotent, so overlap is harmless."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from server import blob_files
from server.config import IDEMPOTENCY_KEEP_DAYS
from server.models import Blob, IdempotencyKey, UsedJti

log = logging.getLogger(__name__)
ABANDONED_UPLOAD = timedelta(days=7)


def _count(result: Result[Any]) -> int:
    return int(cast("CursorResult[Any]", result).rowcount)


def sweep(sessions: sessionmaker[Session], blob_dir: Path, *, now: datetime | None = None) -> int:
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
        stale = session.scalars(
            select(Blob)
            .where(Blob.complete.is_(False), Blob.created_at < moment - ABANDONED_UPLOAD)
            .with_for_update(skip_locked=True)
        )
        for blob in list(stale):
            blob_files.remove(blob_files.absolute(blob_dir, blob.path))
            session.delete(blob)
            gone += 1
    return gone


async def run_forever(sessions: sessionmaker[Session], blob_dir: Path, interval_s: float) -> None:
    while True:
        try:
            gone = await run_in_threadpool(sweep, sessions, blob_dir)
            if gone:
                log.info("housekeeping removed %d expired rows", gone)
        except Exception:
            log.exception("housekeeping failed; will retry")
        await asyncio.sleep(interval_s)
