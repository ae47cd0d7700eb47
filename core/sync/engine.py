"""One sync pass: push captured batches (images first), pull all changes, fetch missing images.

Every step is restartable from what the database holds: captured batches (with their keys), the
outbox and the cursor. A crash at any point loses nothing and duplicates nothing. A change or a
photo the server refuses is set aside for a person and never holds back the others.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from core.audit.actions import SYNC_CHANGE_REFUSED
from core.errors import NotFoundError, StorageError
from core.storage.database import Database
from core.storage.images import ImageStore
from core.storage.models import ImageBlob, SyncBatch, SyncConflict
from core.storage.repositories import audit
from core.storage.sync_consent import photos_that_may_sync
from core.sync import blobs, grants, state
from core.sync.apply import PARKED, apply_pulled
from core.sync.batches import (
    capture_batch,
    finish_batch,
    pending_batches,
    queue_again,
    release_held,
    requeue_everything,
    split_batch,
)
from core.sync.errors import QuotaExceededError, SyncIncompleteError, SyncRejectedError
from core.sync.protocol import (
    ADMIN_GRANT_HEADER,
    ADMIN_PROOF_REQUIRED,
    MAX_PULL_LIMIT,
    PulledChange,
    PullResponse,
    PushResponse,
)
from core.sync.transport import Transport

log = logging.getLogger(__name__)
UPLOAD_WORKERS = 4
# Device roles that keep every photo of the clinic; a workstation fetches one when it is shown,
# a kiosk never receives another device's photos (docs/sync.md).
FETCHES_ALL_PHOTOS = frozenset({"admin"})
NAMES_NO_ONE = (
    "it needs an administrator's authority but was made with no one signed in (an older "
    "version's command line); make it again as an administrator signed in online on this device"
)


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    images_up: int = 0
    images_down: int = 0
    rejected: list[str] = field(default_factory=list)
    waiting: int = 0
    """Changes held until the person they act for signs in online on this device."""
    problems: list[str] = field(default_factory=list)
    """Photos that could not travel this time: the pass ends with an error that says so."""


class SyncEngine:
    def __init__(
        self,
        db: Database,
        images: ImageStore,
        transport: Transport,
        *,
        batch_size: int = 200,
        on_erased: Callable[[set[uuid.UUID], set[str]], None] | None = None,
    ) -> None:
        self.db = db
        self.images = images
        self.transport = transport
        self.batch_size = batch_size
        self.on_erased = on_erased
        """Told (after the commit) which accounts held here were erased elsewhere, and the
        photos of their analyses."""
        self._given_up: set[str] | None = None
        self._waiting: set[str] = set()
        self.role = state.read_all(db).get(state.ROLE, "kiosk")
        self.grant = grants.current(db)
        self.marker = grants.marker(self.grant)

    def run_once(self) -> SyncReport:
        report = SyncReport()
        self.push_all(report)
        if self.pull_all(report):
            self.push_all(report)  # the server was restored from a backup: send it what it lost
        if self.role in FETCHES_ALL_PHOTOS:  # others fetch a photo when a screen shows it
            self.fetch_missing_images(report)
        if report.problems:
            raise SyncIncompleteError("; ".join(report.problems))
        return report

    # -- push ---------------------------------------------------------------------------------------
    def push_all(self, report: SyncReport) -> None:
        report.waiting = 0  # what still waits after this pass
        # Batches left by an interrupted run go first, with the same key and the same body.
        for leftover in pending_batches(self.db):
            if grants.HELD in leftover.payload:
                if self.grant is None or self.marker == leftover.payload[grants.HELD]:
                    report.waiting += len(leftover.payload["changes"])
                    continue  # no new proof since it was refused: sending it again is no use
                leftover = release_held(self.db, leftover)
            self._push(leftover, report)
        while (batch := capture_batch(self.db, limit=self.batch_size)) is not None:
            self._push(batch, report)
        if self._waiting:  # photos the server had no room for: queued again for the next pass
            queue_again(self.db, "images", sorted(self._waiting))
            self._waiting.clear()

    def _push(self, batch: SyncBatch, report: SyncReport) -> None:
        changes: list[dict[str, Any]] = batch.payload.get("changes", [])
        self._upload_images(changes, report)
        headers = {"Idempotency-Key": batch.batch_key}
        if self.grant is not None:
            headers[ADMIN_GRANT_HEADER] = self.grant.token
        try:
            response = self.transport.call(
                "POST", "/v1/push", json={"changes": changes}, headers=headers
            )
        except SyncRejectedError as exc:
            if len(changes) > 1:  # find the bad change by halving; the good ones go through
                for half in split_batch(self.db, batch):
                    self._push(half, report)
                return
            change = changes[0]
            message = (
                f"{change['entity']} {change['entity_id']} refused by the server: {exc.message}"
            )
            self._record_conflict(change["entity"], change["entity_id"], exc.code, message)
            finish_batch(self.db, batch.batch_key)
            report.rejected.append(message)
            return
        answer = PushResponse.model_validate(response.json())
        named = {(c["entity"], c["entity_id"]) for c in changes if c.get("actor")}
        unproven = set()
        for result in answer.results:
            key = (result.entity, result.entity_id)
            if result.code == ADMIN_PROOF_REQUIRED and key in named:  # it waits for a sign-in
                unproven.add(key)
            elif result.status == "rejected":
                why = result.message or result.code or "refused"
                if result.code == ADMIN_PROOF_REQUIRED:  # no one's proof will ever cover it
                    why = NAMES_NO_ONE
                message = f"{result.entity} {result.entity_id} refused by the server: {why}"
                self._record_conflict(
                    result.entity, result.entity_id, result.code or "rejected", message
                )
                report.rejected.append(message)
        held = [c for c in changes if (c["entity"], c["entity_id"]) in unproven]
        finish_batch(self.db, batch.batch_key, held=held, proof=self.marker)
        report.waiting += len(held)
        report.pushed += len(changes) - len(held)

    def _upload_images(self, changes: list[dict[str, Any]], report: SyncReport) -> None:
        """Upload the batch's photos, a few at a time (each is a couple of small requests)."""
        given_up = self._photos_given_up()
        digests = [
            c["entity_id"]
            for c in changes
            if c["entity"] == "images" and c["op"] == "upsert" and c["entity_id"] not in given_up
        ]
        if digests:  # only photos that an analysis with consent to sync shows, whatever the batch
            with self.db.read() as session:
                allowed = photos_that_may_sync(session, digests)
            digests = [d for d in digests if d in allowed]
        if not digests:
            return
        with ThreadPoolExecutor(max_workers=UPLOAD_WORKERS) as pool:
            futures = {
                d: pool.submit(blobs.upload, self.transport, self.images, d) for d in digests
            }
        failure: BaseException | None = None
        for digest, future in futures.items():
            try:
                if future.result():
                    report.images_up += 1
            except QuotaExceededError as exc:  # not this photo's fault: it goes when there is room
                report.problems.append(f"Photo {digest[:12]}... waits: {exc.message}")
                self._waiting.add(digest)
            except (SyncRejectedError, StorageError, NotFoundError) as exc:
                message = f"Photo {digest[:12]}... was not sent: {exc.message}"
                self._record_conflict("images", digest, exc.code, message)
                given_up.add(digest)
                report.problems.append(message)
            except BaseException as exc:  # network trouble: the batch is retried later
                failure = failure or exc
        if failure is not None:
            raise failure

    def _photos_given_up(self) -> set[str]:
        if self._given_up is None:
            with self.db.read() as session:
                query = select(SyncConflict.entity_id).where(
                    SyncConflict.entity == "images", SyncConflict.code != PARKED
                )
                self._given_up = set(session.scalars(query))
        return self._given_up

    def _record_conflict(self, entity: str, entity_id: str, code: str, message: str) -> None:
        """Keep the refusal for a person (``sync --status``) and in this device's audit log."""
        with self.db.write() as session:
            session.add(
                SyncConflict(entity=entity, entity_id=entity_id, code=code, message=message)
            )
            audit.record(
                session,
                SYNC_CHANGE_REFUSED,
                target_type=entity,
                target_id=entity_id,
                details={"code": code},
            )

    # -- pull ---------------------------------------------------------------------------------------
    def pull_all(self, report: SyncReport) -> bool:
        """Pull every page and apply them with the cursor; True when the server had lost data."""
        with self.db.read() as session:
            cursor = state.get(session, state.CURSOR) or "0"
        collected: list[PulledChange] = []
        restored = False
        while True:
            try:
                response = self.transport.call(
                    "GET", "/v1/pull", params={"cursor": cursor, "limit": MAX_PULL_LIMIT}
                )
            except SyncRejectedError as exc:
                if exc.code != "cursor_from_future" or restored:
                    raise
                # The server was restored from an older backup: everything it lost must go again.
                log.warning("The sync server is behind this device's cursor; pulling again from 0")
                requeue_everything(self.db)
                cursor, collected, restored = "0", [], True
                continue
            page = PullResponse.model_validate(response.json())
            if page.device_role is not None and page.device_role != self.role:
                state.write(self.db, **{state.ROLE: page.device_role})
                self.role = page.device_role  # the server's administrator changed it
            collected.extend(page.changes)
            cursor = page.next_cursor
            if not page.has_more:
                break
        if collected:
            result = apply_pulled(self.db, collected, cursor=cursor, clock=self.db.clock)
            report.pulled += len(collected)
            for digest in result.deleted_images:  # erased elsewhere: the file goes, now committed
                self.images.delete(digest)
            if result.erased_users:  # and the write-ahead log's old copies of their rows
                self.db.checkpoint()
            if result.erased_users and self.on_erased is not None:
                self.on_erased(result.erased_users, result.erased_photos)
            report.rejected.extend(result.conflicts)
        else:
            state.write(self.db, **{state.CURSOR: cursor})
        return restored

    # -- images -------------------------------------------------------------------------------------
    def fetch_missing_images(self, report: SyncReport) -> None:
        with self.db.read() as session:
            digests = list(session.scalars(select(ImageBlob.sha256)))
        for digest in digests:
            if self.images.exists(digest):
                continue
            try:
                blobs.download(self.transport, self.images, digest)
                report.images_down += 1
            except SyncRejectedError as exc:
                if exc.status == 404:  # its device has not uploaded it yet: next time
                    log.info("Photo %s is not on the server yet", digest[:12])
                    continue
                report.problems.append(
                    f"Photo {digest[:12]}... could not be fetched: {exc.message}"
                )


def record_success(db: Database) -> None:
    state.write(db, **{state.LAST_SUCCESS: datetime.now(UTC).isoformat(), state.LAST_ERROR: ""})


def record_failure(db: Database, message: str) -> None:
    state.write(
        db, **{state.LAST_ERROR: message, state.LAST_ATTEMPT: datetime.now(UTC).isoformat()}
    )
