"""Images, content-addressed by SHA-256 and uploaded resumably (tus-style HEAD/POST/PATCH, GET).

Blobs are per clinic: a device only ever sees its own clinic's, and one clinic cannot learn that
another holds the same photo. An upload is complete only once its bytes hash to its name.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from server import blob_files
from server.auth import AuthedDevice
from server.deps import DeviceDep, ServerState, StateDep
from server.errors import ApiError, error_responses
from server.models import Blob, Record

router = APIRouter(tags=["images"])
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="the image's SHA-256, hex")]
OFFSET_TYPE = "application/offset+octet-stream"
_HEADERS_DOC = {
    "Upload-Offset": {"schema": {"type": "integer"}},
    "Upload-Length": {"schema": {"type": "integer"}},
    "Upload-Complete": {"schema": {"type": "string", "enum": ["0", "1"]}},
}


def upload_headers(blob: Blob) -> dict[str, str]:
    return {
        "Upload-Offset": str(blob.upload_offset),
        "Upload-Length": str(blob.length),
        "Upload-Complete": "1" if blob.complete else "0",
        "Cache-Control": "no-store",
    }


def _not_found(sha256: str) -> ApiError:
    return ApiError(404, "not_found", f"No image {sha256[:12]}... for this clinic")


def _locked(session: Session, clinic_id: uuid.UUID, *, sha256: str) -> Blob | None:
    """The blob row, locked for this transaction; 409 while another request holds it."""
    try:
        return session.scalar(
            select(Blob)
            .where(Blob.clinic_id == clinic_id, Blob.sha256 == sha256)
            .with_for_update(nowait=True)
        )
    except OperationalError as exc:
        raise ApiError(
            409, "upload_in_progress", "Another request is writing this image; retry shortly"
        ) from exc


def _finish(state: ServerState, session: Session, *, blob: Blob) -> bool:
    """Mark a fully received blob complete; when its bytes do not match its name, delete it."""
    path = blob_files.absolute(state.settings.blob_dir, blob.path)
    if blob_files.sha256_of(path) != blob.sha256:
        blob_files.remove(path)
        session.delete(blob)
        return False
    blob.complete = True
    blob.completed_at = datetime.now(UTC)
    return True


def _mismatch() -> ApiError:
    return ApiError(
        422,
        "hash_mismatch",
        "The uploaded bytes do not match the image's SHA-256; the upload was discarded",
    )


def forget_blobs(session: Session, clinic_id: uuid.UUID, *, digests: set[str]) -> list[str]:
    """Delete the blob rows of erased images; returns their files, to remove after commit."""
    if not digests:
        return []
    found = session.scalars(
        select(Blob).where(Blob.clinic_id == clinic_id, Blob.sha256.in_(sorted(digests)))
    )
    paths = []
    for blob in list(found):
        paths.append(blob.path)
        session.delete(blob)
    return paths


def _erased(session: Session, clinic_id: uuid.UUID, *, sha256: str) -> bool:
    return bool(
        session.scalar(
            select(Record.deleted).where(
                Record.clinic_id == clinic_id, Record.entity == "images", Record.entity_id == sha256
            )
        )
    )


def start_upload(
    state: ServerState, device: AuthedDevice, *, sha256: str, length: int
) -> tuple[int, dict[str, str]]:
    """Create or find the upload; (status, headers) as the tus-style POST answers them."""
    if length > state.settings.blob_limit:
        raise ApiError(413, "too_large", f"Images are limited to {state.settings.blob_limit} bytes")
    relative = blob_files.relative_path(device.clinic_id, sha256)
    path = blob_files.absolute(state.settings.blob_dir, relative)
    with state.sessions() as session, session.begin():
        if _erased(session, device.clinic_id, sha256=sha256):
            # Deleted for good: nothing is kept, and the device is told there is nothing to send.
            gone = Blob(sha256=sha256, length=length, upload_offset=length, complete=True)
            return 200, upload_headers(gone)
        created = session.execute(
            insert(Blob)
            .values(clinic_id=device.clinic_id, sha256=sha256, length=length, path=relative)
            .values(upload_offset=0, complete=False)
            .on_conflict_do_nothing()
            .returning(Blob.sha256)
        ).first()
        blob = _locked(session, device.clinic_id, sha256=sha256)
        assert blob is not None
        if created is None and (blob.complete or blob.length == length):
            return 200, upload_headers(blob)  # already there, or resumable from its offset
        blob.length, blob.upload_offset = length, 0
        blob_files.reset(path)
        whole = length > 0 or _finish(state, session, blob=blob)
        headers = upload_headers(blob)
    if not whole:
        raise _mismatch()
    return 201, headers


@router.head(
    "/v1/blobs/{sha256}",
    response_class=Response,
    responses={
        200: {"description": "what the server holds", "headers": _HEADERS_DOC},
        **error_responses(401, 404, 409, 422),
    },
    summary="How much of an image the server holds",
)
def head_blob(sha256: Sha256, device: DeviceDep, state: StateDep) -> Response:
    with state.sessions() as session:
        blob = session.get(Blob, (device.clinic_id, sha256))
        if blob is None:
            raise _not_found(sha256)
        return Response(status_code=200, headers=upload_headers(blob))


@router.post(
    "/v1/blobs/{sha256}",
    status_code=201,
    response_class=Response,
    responses={
        200: {"description": "already complete, or resumable", "headers": _HEADERS_DOC},
        201: {"description": "upload started", "headers": _HEADERS_DOC},
        **error_responses(401, 409, 413, 422),
    },
    summary="Start (or find) the upload of an image",
)
def post_blob(
    sha256: Sha256,
    device: DeviceDep,
    state: StateDep,
    upload_length: Annotated[int, Header(alias="Upload-Length", ge=0, le=2**53)],
) -> Response:
    status, headers = start_upload(state, device, sha256=sha256, length=upload_length)
    return Response(status_code=status, headers=headers)


@router.get(
    "/v1/blobs/{sha256}",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/octet-stream": {"schema": {"type": "string"}}}},
        **error_responses(401, 404, 409, 422),
    },
    summary="Download a complete image of this clinic",
)
def get_blob(sha256: Sha256, device: DeviceDep, state: StateDep) -> FileResponse:
    with state.sessions() as session:
        blob = session.get(Blob, (device.clinic_id, sha256))
    if blob is None or not blob.complete:
        raise _not_found(sha256)
    path = blob_files.absolute(state.settings.blob_dir, blob.path)
    if not path.is_file():
        raise ApiError(404, "not_found", f"Image {sha256[:12]}... is missing from the store")
    return FileResponse(
        path,
        media_type="application/octet-stream",
        headers={"ETag": f'"{sha256}"', "Cache-Control": "private, max-age=31536000, immutable"},
    )


_PATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {OFFSET_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _begin_patch(session: Session, device: AuthedDevice, *, sha256: str, offset: int) -> Blob:
    session.begin()
    blob = _locked(session, device.clinic_id, sha256=sha256)
    if blob is None:
        raise _not_found(sha256)
    if offset != blob.upload_offset:
        raise ApiError(
            409,
            "offset_mismatch",
            f"The server holds {blob.upload_offset} bytes of this image; continue from there",
            headers=upload_headers(blob),
        )
    return blob


async def _receive(request: Request, blob: Blob, state: ServerState) -> int:
    """Append the body at the blob's offset; a dropped connection keeps what arrived."""
    path = blob_files.absolute(state.settings.blob_dir, blob.path)
    room = blob.length - blob.upload_offset
    handle = blob_files.open_at(path, blob.upload_offset)
    written = 0
    try:
        async for chunk in request.stream():
            if written + len(chunk) > room:
                raise ApiError(
                    413, "too_large", "The body runs past the upload's declared Upload-Length"
                )
            handle.write(chunk)
            written += len(chunk)
    except ClientDisconnect:
        pass  # the device asks for the offset (HEAD) and resumes from here
    finally:
        blob_files.sync_close(handle)
    return written


@router.patch(
    "/v1/blobs/{sha256}",
    status_code=204,
    response_class=Response,
    openapi_extra=_PATCH_BODY,
    responses={
        204: {"description": "appended", "headers": _HEADERS_DOC},
        **error_responses(401, 404, 409, 413, 415, 422),
    },
    summary="Append bytes at Upload-Offset; the SHA-256 is checked when the upload is whole",
)
async def patch_blob(
    sha256: Sha256,
    request: Request,
    device: DeviceDep,
    state: StateDep,
    upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0, le=2**53)],
) -> Response:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != OFFSET_TYPE:
        raise ApiError(415, "unsupported_media_type", f"Send the bytes as {OFFSET_TYPE}")
    session = state.sessions()
    try:
        blob = await run_in_threadpool(
            _begin_patch, session, device, sha256=sha256, offset=upload_offset
        )
        whole = True
        if not blob.complete:
            blob.upload_offset += await _receive(request, blob, state)
            if blob.upload_offset == blob.length:
                whole = await run_in_threadpool(_finish, state, session, blob=blob)
        await run_in_threadpool(session.commit)
        if not whole:
            raise _mismatch()
        return Response(status_code=204, headers=upload_headers(blob))
    finally:
        await run_in_threadpool(session.close)
