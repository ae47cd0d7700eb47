"""What the CLI and the UI call: enroll this device, sync now, keep syncing, report status."""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from core.cache import DiskCache, photo_group
from core.errors import SkinLabError
from core.privacy.erasure_log import ErasureLog
from core.storage.database import Database
from core.storage.images import ImageStore
from core.storage.models import SyncConflict
from core.sync import blobs, grants, photo_cache, state
from core.sync.apply import PARKED
from core.sync.batches import held_count, pending_count, requeue_everything
from core.sync.engine import SyncEngine, SyncReport, record_failure, record_success
from core.sync.errors import NotEnrolledError, SyncRejectedError, TransientSyncError
from core.sync.identity import load_or_create_key, public_key_b64, retire_key
from core.sync.protocol import (
    PROTOCOL_VERSION,
    EnrollRequest,
    EnrollResponse,
    GrantRequest,
    GrantResponse,
)
from core.sync.transport import Transport, check_server_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str
    clinic_name: str
    role: str
    pending_changes: int
    last_success: datetime | None
    last_attempt: datetime | None
    last_error: str
    conflicts: int
    recent_conflicts: tuple[str, ...] = ()
    """The newest few set-aside changes, in words (code: message)."""
    waiting_for_sign_in: int = 0
    """Changes held until the person they act for signs in online on this device."""
    proof: grants.Grant | None = None
    """The proof of an online sign-in this device holds, if any."""
    proof_note: str = ""
    """Why the last request for a proof failed, if it did."""


class SyncService:
    def __init__(
        self,
        db: Database,
        images: ImageStore,
        key_path: Path,
        *,
        erasure_log: ErasureLog | None = None,
        cache: DiskCache | None = None,
    ) -> None:
        self.db = db
        self.images = images
        self.key_path = key_path
        self.erasure_log = erasure_log
        self.cache = cache

    def _erased_elsewhere(self, user_ids: set[uuid.UUID], photos: set[str]) -> None:
        """Accounts erased on another device: listed here too, so that a backup restored on this
        device is cleaned again before use; the cache entries computed from their photos go."""
        if self.erasure_log is not None:
            listed = set(self.erasure_log.user_ids())
            for user_id in sorted(user_ids - listed, key=str):
                self.erasure_log.append(user_id)
        if self.cache is not None:
            for digest in photos:
                self.cache.drop_group(photo_group(digest))

    def enroll(
        self, server_url: str, code: str, *, device_name: str, force: bool = False
    ) -> state.Enrollment:
        """Register this device's public key with a one-time code from the server's admin."""
        check_server_url(server_url)  # before a key is made or anything is sent
        current = state.enrollment(self.db)
        if current is not None and not force:
            raise SyncRejectedError(
                f"This device is already enrolled with {current.server_url} ({current.clinic_name}).",
                code="already_enrolled",
            )
        # A new enrollment gets a new key (the server refuses a key it knows: a revoked device keeps
        # its old key on record). It replaces the current key only once the server has accepted it,
        # so a mistyped code leaves the device as it was.
        key_file = (
            self.key_path.with_name(self.key_path.name + ".new") if current else self.key_path
        )
        if current is not None:
            key_file.unlink(missing_ok=True)  # a leftover from an interrupted attempt
        key = load_or_create_key(key_file)
        try:
            answer = self._register(server_url, code, key=key, device_name=device_name)
        except BaseException:
            if current is not None:
                key_file.unlink(missing_ok=True)
            raise
        if current is not None:
            retire_key(self.key_path)
            key_file.rename(self.key_path)
        self._remember(server_url, answer)
        if current is not None and current.server_id != answer.server_id:
            requeue_everything(self.db)  # a new server has none of this device's rows yet
        enrolled = state.enrollment(self.db)
        assert enrolled is not None
        return enrolled

    def _register(
        self, server_url: str, code: str, *, key: Ed25519PrivateKey, device_name: str
    ) -> EnrollResponse:
        transport = Transport(server_url)
        try:
            health = transport.call("GET", "/v1/health", signed=False).json()
            if int(health.get("protocol", -1)) != PROTOCOL_VERSION:
                raise SyncRejectedError(
                    f"The server speaks sync protocol {health.get('protocol')}, this device {PROTOCOL_VERSION}; "
                    "update the older one.",
                    code="protocol_mismatch",
                )
            request = EnrollRequest(
                code=code.strip(), public_key=public_key_b64(key), device_name=device_name
            )
            answer = EnrollResponse.model_validate(
                transport.call("POST", "/v1/enroll", signed=False, json=request.model_dump()).json()
            )
        finally:
            transport.close()
        return answer

    def _remember(self, server_url: str, answer: EnrollResponse) -> None:
        state.write(
            self.db,
            **{
                state.SERVER_URL: server_url.rstrip("/"),
                state.DEVICE_ID: answer.device_id,
                state.SERVER_ID: answer.server_id,
                state.CLINIC_ID: answer.clinic_id,
                state.CLINIC_NAME: answer.clinic_name,
                state.ROLE: answer.role,
                state.CURSOR: "0",
            },
        )

    def transport(self) -> Transport:
        enrolled = state.enrollment(self.db)
        if enrolled is None:
            raise NotEnrolledError(
                "This device is not enrolled with a sync server: run 'skinlab device enroll'."
            )
        key = load_or_create_key(self.key_path)
        return Transport(
            enrolled.server_url, key=key, device_id=enrolled.device_id, audience=enrolled.server_id
        )

    def prove_sign_in(
        self, user: str, password: str, *, transport: Transport | None = None
    ) -> grants.Grant:
        """Ask the server for a proof that ``user`` (an email or id) signed in here, and keep it
        for the pushes of this device; a failure is noted for the status line and raised."""
        return grants.store(self.db, self.request_grant(user, password, transport=transport))

    def request_grant(
        self, user: str, password: str, *, transport: Transport | None = None
    ) -> GrantResponse:
        """The server's proof for ``user``, not yet kept (the caller decides whether it still
        wants it: the desktop's person may have signed out meanwhile)."""
        link = transport or self.transport()
        try:
            request = GrantRequest(user=user, password=password)
            answer = link.call("POST", "/v1/grants", json=request.model_dump())
            return GrantResponse.model_validate(answer.json())
        except SkinLabError as exc:
            grants.note(self.db, exc.message)
            raise
        finally:
            if transport is None:
                link.close()

    def forget_sign_in(self) -> None:
        grants.forget(self.db)

    def sync_once(self, *, transport: Transport | None = None) -> SyncReport:
        """Push, pull and fetch images once; the outcome is recorded for the status line."""
        own = transport is None
        link = transport or self.transport()
        try:
            engine = SyncEngine(self.db, self.images, link, on_erased=self._erased_elsewhere)
            report = engine.run_once()
        except SkinLabError as exc:
            record_failure(self.db, exc.message)
            raise
        finally:
            if own:
                link.close()
        record_success(self.db)
        return report

    def fetch_photo(self, sha256: str, *, transport: Transport | None = None) -> bool:
        """Make a photo available on this device, fetching it from the server if needed (a
        workstation does not pull photos: a screen asks for the one it shows). False when the
        server does not have it (yet)."""
        fetched = not self.images.exists(sha256)
        if fetched:
            link = transport or self.transport()
            try:
                blobs.download(link, self.images, sha256)
            except SyncRejectedError as exc:
                if exc.status == 404:
                    return False
                raise
            finally:
                if transport is None:
                    link.close()
        photo_cache.touch(self.db, sha256, fetched=fetched)
        return True

    def prune_photo_cache(self, *, older_than_days: int) -> int:
        """Forget fetched photos unused for ``older_than_days`` (they can be fetched again);
        returns how many went. Photos taken on this device are never touched."""
        return photo_cache.prune(self.db, self.images, older_than_days=older_than_days)

    def status(self) -> SyncStatus:
        facts = state.read_all(self.db)
        with self.db.read() as session:
            conflicts = int(session.scalar(select(func.count()).select_from(SyncConflict)) or 0)
            newest = session.scalars(
                select(SyncConflict).order_by(SyncConflict.occurred_at.desc()).limit(5)
            ).all()
            recent = tuple(
                f"parked: {c.entity} {c.entity_id} waits for a row it depends on"
                if c.code == PARKED
                else f"{c.code}: {_first_line(c.message)}"
                for c in newest
            )
        return SyncStatus(
            enrolled=state.SERVER_ID in facts,
            server_url=facts.get(state.SERVER_URL, ""),
            clinic_name=facts.get(state.CLINIC_NAME, ""),
            role=facts.get(state.ROLE, "") if state.SERVER_ID in facts else "",
            pending_changes=pending_count(self.db),
            last_success=state.parse_time(facts.get(state.LAST_SUCCESS)),
            last_attempt=state.parse_time(facts.get(state.LAST_ATTEMPT)),
            last_error=facts.get(state.LAST_ERROR, ""),
            conflicts=conflicts,
            recent_conflicts=recent,
            waiting_for_sign_in=held_count(self.db),
            proof=grants.current(self.db),
            proof_note=facts.get(state.GRANT_NOTE, ""),
        )


def _first_line(text: str, limit: int = 160) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def backoff_delay(
    attempt: int, *, base: float = 2.0, cap: float = 300.0, rng: random.Random | None = None
) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
    ceiling = min(cap, base * (2 ** max(0, attempt)))
    return (rng or random).uniform(0, ceiling)


def run_forever(
    service: SyncService,
    stop: threading.Event,
    *,
    interval: float = 60.0,
    on_result: Callable[[SyncReport | None, str], None] | None = None,
) -> None:
    """Sync every ``interval`` seconds; after a failure wait with backoff; return when ``stop`` is set."""
    failures = 0
    while not stop.is_set():
        try:
            report = service.sync_once()
            failures = 0
            delay = interval
            if on_result:
                on_result(report, "")
        except TransientSyncError as exc:
            failures += 1
            delay = backoff_delay(failures)
            log.warning(
                "Sync failed (attempt %d), retrying in %.0f s: %s", failures, delay, exc.message
            )
            if on_result:
                on_result(None, exc.message)
        except SkinLabError as exc:
            failures += 1
            delay = max(interval, backoff_delay(failures))
            log.error("Sync stopped: %s", exc.message)
            if on_result:
                on_result(None, exc.message)
        stop.wait(delay)
