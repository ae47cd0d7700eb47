"""Resumable image uploads without a database lock held while a body streams.

A PATCH takes a *lease* on the blob in a short transaction (``writer`` = a token of its own, the
device, ``last_activity_at``), streams the body into a part file of its own with no connection
held, and settles in a second short transaction that appends the part to the image only if the
lease is still its own. The same device may take its lease over at once (its earlier request died,
e.g. with a restarted server); another device waits until the lease has been idle for
``upload_idle_s``. An upload idle for ``upload_abandon_s`` is deleted by housekeeping. File writes
run in worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from fastapi import Request
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from server import blob_files
from server.auth import AuthedDevice
from server.deps import ServerState
from server.errors import ApiError
from server.models import Blob, Clinic, Record

WRITE_BUFFER = 1024 * 1024
RENEW_EVERY_S = 10.0


@dataclass(frozen=True)
class Progress:
    """What the server holds of one upload (the tus headers)."""

    length: int
    offset: int
    complete: bool

    def headers(self) -> dict[str, str]:
        return {
            "Upload-Offset": str(self.offset),
            "Upload-Length": str(self.length),
            "Upload-Complete": "1" if self.complete else "0",
            "Cache-Control": "no-store",
        }


def progress_of(blob: Blob) -> Progress:
    return Progress(blob.length, blob.upload_offset, blob.complete)


def not_found(sha256: str) -> ApiError:
    return ApiError(404, "not_found", f"No image {sha256[:12]}... for this clinic")


def busy() -> ApiError:
    return ApiError(
        409, "upload_in_progress", "Another request is writing this image; retry shortly"
    )


def mismatch() -> ApiError:
    return ApiError(
        422,
        "hash_mismatch",
        "The uploaded bytes do not match the image's SHA-256; the upload was discarded",
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _locked(session: Session, clinic_id: uuid.UUID, *, sha256: str) -> Blob | None:
    """The blob row, locked for a short transaction; 409 while another one holds it."""
    try:
        return session.scalar(
            select(Blob)
            .where(Blob.clinic_id == clinic_id, Blob.sha256 == sha256)
            .with_for_update(nowait=True)
        )
    except OperationalError as exc:
        raise busy() from exc


def _leased(blob: Blob, idle_s: float, *, device_id: uuid.UUID) -> bool:
    """Is another device appending to it right now (bytes arrived within ``idle_s``)?"""
    if blob.writer is None or blob.last_activity_at is None or blob.writer_device == device_id:
        return False
    return blob.last_activity_at > _now() - timedelta(seconds=idle_s)


def _erased(session: Session, clinic_id: uuid.UUID, *, sha256: str) -> bool:
    return bool(
        session.scalar(
            select(Record.deleted).where(
                Record.clinic_id == clinic_id, Record.entity == "images", Record.entity_id == sha256
            )
        )
    )


def _check_quota(state: ServerState, session: Session, clinic_id: uuid.UUID, length: int) -> None:
    """Refuse an image that would take the clinic past its quota (checked when it starts)."""
    own = session.scalar(select(Clinic.quota_bytes).where(Clinic.clinic_id == clinic_id))
    quota = own if own is not None else state.settings.clinic_quota_bytes
    held = session.scalar(
        select(func.coalesce(func.sum(Blob.length), 0)).where(Blob.clinic_id == clinic_id)
    )
    if int(held or 0) + length > quota:
        raise ApiError(
            507,
            "quota_exceeded",
            f"The clinic's image storage is full ({quota} bytes); ask the server's administrator "
            "to raise the quota ('skinlab server set-quota')",
        )


def finish(state: ServerState, session: Session, *, blob: Blob) -> bool:
    """Mark a fully received blob complete; when its bytes do not match its name, delete it."""
    path = blob_files.absolute(state.settings.blob_dir, blob.path)
    if blob_files.sha256_of(path) != blob.sha256:
        blob_files.remove(path)
        session.delete(blob)
        return False
    blob.complete = True
    blob.completed_at = _now()
    blob.writer = None
    return True


def start_upload(
    state: ServerState, device: AuthedDevice, *, sha256: str, length: int
) -> tuple[int, Progress]:
    """Create or find the upload; (status, progress) as the tus-style POST answers them."""
    if length > state.settings.blob_limit:
        raise ApiError(413, "too_large", f"Images are limited to {state.settings.blob_limit} bytes")
    relative = blob_files.relative_path(device.clinic_id, sha256)
    path = blob_files.absolute(state.settings.blob_dir, relative)
    with state.sessions() as session, session.begin():
        if _erased(session, device.clinic_id, sha256=sha256):
            # Deleted for good: nothing is kept, and the device is told there is nothing to send.
            return 200, Progress(length, length, True)
        existing = session.get(Blob, (device.clinic_id, sha256))
        if existing is None:
            _check_quota(state, session, device.clinic_id, length)
        created = session.execute(
            insert(Blob)
            .values(clinic_id=device.clinic_id, sha256=sha256, length=length, path=relative)
            .values(upload_offset=0, complete=False, last_activity_at=_now())
            .on_conflict_do_nothing()
            .returning(Blob.sha256)
        ).first()
        blob = _locked(session, device.clinic_id, sha256=sha256)
        assert blob is not None
        if created is None and (blob.complete or blob.length == length):
            return 200, progress_of(blob)  # already there, or resumable from its offset
        if _leased(blob, state.settings.upload_idle_s, device_id=device.device_id):
            raise busy()
        blob.length, blob.upload_offset, blob.writer = length, 0, None
        blob.last_activity_at = _now()
        blob_files.reset(path)
        whole = length > 0 or finish(state, session, blob=blob)
        answer = progress_of(blob)
    if not whole:
        raise mismatch()
    return 201, answer


@dataclass(frozen=True)
class Lease:
    token: uuid.UUID
    path: str
    offset: int
    length: int
    complete: bool

    def part(self, blob_dir: Path) -> Path:
        """This request's own bytes, appended to the image when it settles."""
        return blob_files.part_path(blob_dir, self.token)


def claim(state: ServerState, device: AuthedDevice, *, sha256: str, offset: int) -> Lease:
    """Take the blob's lease for one PATCH (a short transaction); 409 when busy or out of step."""
    with state.sessions() as session, session.begin():
        blob = _locked(session, device.clinic_id, sha256=sha256)
        if blob is None:
            raise not_found(sha256)
        if blob.complete:
            return Lease(uuid.uuid4(), blob.path, blob.upload_offset, blob.length, True)
        if _leased(blob, state.settings.upload_idle_s, device_id=device.device_id):
            raise busy()
        if offset != blob.upload_offset:
            raise ApiError(
                409,
                "offset_mismatch",
                f"The server holds {blob.upload_offset} bytes of this image; continue from there",
                headers=progress_of(blob).headers(),
            )
        token = uuid.uuid4()
        blob.writer, blob.writer_device, blob.last_activity_at = token, device.device_id, _now()
        return Lease(token, blob.path, blob.upload_offset, blob.length, False)


def renew(state: ServerState, device: AuthedDevice, *, sha256: str, token: uuid.UUID) -> None:
    """Bytes are still arriving: keep the lease (a single UPDATE, no lock waits)."""
    with state.sessions() as session, session.begin():
        session.execute(
            update(Blob)
            .where(Blob.clinic_id == device.clinic_id, Blob.sha256 == sha256, Blob.writer == token)
            .values(last_activity_at=_now())
        )


def settle(
    state: ServerState, device: AuthedDevice, *, sha256: str, lease: Lease, written: int
) -> tuple[bool, Progress]:
    """Append the bytes written under ``lease`` (if it is still ours) and release it; when the
    upload is whole, check its hash. Returns (hash ok, progress)."""
    part = lease.part(state.settings.blob_dir)
    try:
        with state.sessions() as session, session.begin():
            blob = _locked(session, device.clinic_id, sha256=sha256)
            if blob is None or blob.writer != lease.token:
                raise busy()  # taken over: these bytes do not count
            if written:
                path = blob_files.absolute(state.settings.blob_dir, blob.path)
                blob_files.append_part(path, part, offset=blob.upload_offset)
            blob.upload_offset += written
            blob.writer, blob.writer_device, blob.last_activity_at = None, None, _now()
            whole = True
            if blob.upload_offset == blob.length:
                whole = finish(state, session, blob=blob)
            return whole, progress_of(blob)
    finally:
        blob_files.remove(part)


async def receive(
    request: Request, state: ServerState, device: AuthedDevice, *, sha256: str, lease: Lease
) -> tuple[int, bool]:
    """Append the body at the lease's offset; returns (bytes written, stalled).

    A dropped connection keeps what arrived (the device asks for the offset and resumes); a
    body that sends nothing for ``upload_idle_s`` is cut the same way. On an error nothing counts:
    the caller releases the lease with no bytes, and the next append cuts the file back.
    """
    room = lease.length - lease.offset
    handle: BinaryIO = await run_in_threadpool(
        blob_files.open_at, lease.part(state.settings.blob_dir), 0
    )
    written, pending = 0, bytearray()
    stalled = False
    renewed = time.monotonic()
    chunks = request.stream().__aiter__()
    try:
        while True:
            try:
                async with asyncio.timeout(state.settings.upload_idle_s):
                    chunk = await chunks.__anext__()
            except (StopAsyncIteration, ClientDisconnect):
                break  # a dropped connection keeps what arrived; the device resumes from there
            except TimeoutError:
                stalled = True
                break
            if written + len(pending) + len(chunk) > room:
                raise ApiError(
                    413, "too_large", "The body runs past the upload's declared Upload-Length"
                )
            pending += chunk
            if len(pending) >= WRITE_BUFFER:
                await run_in_threadpool(handle.write, bytes(pending))
                written += len(pending)
                pending.clear()
            if time.monotonic() - renewed > RENEW_EVERY_S:
                await run_in_threadpool(renew, state, device, sha256=sha256, token=lease.token)
                renewed = time.monotonic()
        if pending:
            await run_in_threadpool(handle.write, bytes(pending))
            written += len(pending)
    finally:
        await run_in_threadpool(blob_files.sync_close, handle)
    return written, stalled
