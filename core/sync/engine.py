"""One sync pass: push captured batches (images first), pull all changes, fetch missing images.

Every step is restartable from what the database holds: captured batches (with their keys), the
outbox and the cursor. A crash at any point loses nothing and duplicates nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from core.storage.database import Database
from core.storage.images import ImageStore, remove_unreferenced_files
from core.storage.models import ImageBlob, SyncBatch, SyncConflict
from core.sync import blobs, state
from core.sync.apply import apply_pulled
from core.sync.batches import capture_batch, finish_batch, pending_batches
from core.sync.errors import SyncRejectedError
from core.sync.protocol import MAX_PULL_LIMIT, PullResponse, PushResponse
from core.sync.transport import Transport

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    images_up: int = 0
    images_down: int = 0
    rejected: list[str] = field(default_factory=list)


class SyncEngine:
    def __init__(
        self, db: Database, images: ImageStore, transport: Transport, *, batch_size: int = 200
    ) -> None:
        self.db = db
        self.images = images
        self.transport = transport
        self.batch_size = batch_size

    def run_once(self) -> SyncReport:
        report = SyncReport()
        self.push_all(report)
        self.pull_all(report)
        self.fetch_missing_images(report)
        with self.db.read() as session:  # photos of rows erased elsewhere
            remove_unreferenced_files(session, self.images)
        return report

    # -- push ---------------------------------------------------------------------------------------
    def push_all(self, report: SyncReport) -> None:
        # Batches left by an interrupted run go first, with the same key and the same body.
        for leftover in pending_batches(self.db):
            self._push(leftover, report)
        while (batch := capture_batch(self.db, limit=self.batch_size)) is not None:
            self._push(batch, report)

    def _push(self, batch: SyncBatch, report: SyncReport) -> None:
        changes = batch.payload.get("changes", [])
        for change in changes:
            is_image = change["entity"] == "images" and change["op"] == "upsert"
            if is_image and blobs.upload(self.transport, self.images, change["entity_id"]):
                report.images_up += 1
        try:
            response = self.transport.call(
                "POST", "/v1/push", json=batch.payload, headers={"Idempotency-Key": batch.batch_key}
            )
        except SyncRejectedError as exc:
            # A refused batch would block the queue for ever: keep it as a conflict for a person.
            self._record_conflict("batch", batch.batch_key, exc.code, exc.message)
            finish_batch(self.db, batch.batch_key)
            report.rejected.append(exc.message)
            return
        answer = PushResponse.model_validate(response.json())
        for result in answer.results:
            if result.status == "rejected":
                message = (
                    f"{result.entity} {result.entity_id} refused by the server ({result.code})"
                )
                self._record_conflict(
                    result.entity, result.entity_id, result.code or "rejected", message
                )
                report.rejected.append(message)
        finish_batch(self.db, batch.batch_key)
        report.pushed += len(changes)

    def _record_conflict(self, entity: str, entity_id: str, code: str, message: str) -> None:
        with self.db.write() as session:
            session.add(
                SyncConflict(entity=entity, entity_id=entity_id, code=code, message=message)
            )

    # -- pull ---------------------------------------------------------------------------------------
    def pull_all(self, report: SyncReport) -> None:
        with self.db.read() as session:
            cursor = state.get(session, state.CURSOR) or "0"
        collected = []
        while True:
            response = self.transport.call(
                "GET", "/v1/pull", params={"cursor": cursor, "limit": MAX_PULL_LIMIT}
            )
            page = PullResponse.model_validate(response.json())
            collected.extend(page.changes)
            cursor = page.next_cursor
            if not page.has_more:
                break
        if collected:
            result = apply_pulled(self.db, collected, cursor=cursor, clock=self.db.clock)
            report.pulled += len(collected)
            report.rejected.extend(result.conflicts)
        else:
            state.write(self.db, **{state.CURSOR: cursor})

    # -- images -------------------------------------------------------------------------------------
    def fetch_missing_images(self, report: SyncReport) -> None:
        with self.db.read() as session:
            digests = list(session.scalars(select(ImageBlob.sha256)))
        for digest in digests:
            if not self.images.exists(digest):
                blobs.download(self.transport, self.images, digest)
                report.images_down += 1


def record_success(db: Database) -> None:
    state.write(db, **{state.LAST_SUCCESS: datetime.now(UTC).isoformat(), state.LAST_ERROR: ""})


def record_failure(db: Database, message: str) -> None:
    state.write(
        db, **{state.LAST_ERROR: message, state.LAST_ATTEMPT: datetime.now(UTC).isoformat()}
    )
