"""Images, content-addressed by SHA-256 and uploaded resumably (tus-style HEAD/POST/PATCH, GET).

Blobs are per clinic: a device only ever sees its own clinic's, and one clinic cannot learn that
another holds the same photo. An upload is complete only once its bytes hash to its name.
"""

from __future__ import annotations

import uuid
from contextlib import suppress
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from server import blob_files, uploads
from server.auth import AuthedDevice
from server.deps import DeviceDep, StateDep
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
            raise uploads.not_found(sha256)
        return Response(status_code=200, headers=uploads.progress_of(blob).headers())


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
    status, progress = uploads.start_upload(state, device, sha256=sha256, length=upload_length)
    return Response(status_code=status, headers=progress.headers())


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
        if device.role == "kiosk" and not _created_by(session, device, sha256):
            blob = None  # a kiosk never receives another device's photo (the same 404)
    if blob is None or not blob.complete:
        raise uploads.not_found(sha256)
    path = blob_files.absolute(state.settings.blob_dir, blob.path)
    if not path.is_file():
        raise ApiError(404, "not_found", f"Image {sha256[:12]}... is missing from the store")
    return FileResponse(
        path,
        media_type="application/octet-stream",
        headers={"ETag": f'"{sha256}"', "Cache-Control": "private, max-age=31536000, immutable"},
    )


def _created_by(session: Session, device: AuthedDevice, sha256: str) -> bool:
    creator = session.scalar(
        select(Record.created_device_id).where(
            Record.clinic_id == device.clinic_id,
            Record.entity == "images",
            Record.entity_id == sha256,
        )
    )
    return creator == device.device_id


_PATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {OFFSET_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


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
    lease = await run_in_threadpool(
        uploads.claim, state, device, sha256=sha256, offset=upload_offset
    )
    if lease.complete:
        done = uploads.Progress(lease.length, lease.offset, True)
        return Response(status_code=204, headers=done.headers())
    try:
        written, stalled = await uploads.receive(request, state, device, sha256=sha256, lease=lease)
    except BaseException:
        with suppress(ApiError):  # release the lease; the error that stopped the body wins
            await run_in_threadpool(
                uploads.settle, state, device, sha256=sha256, lease=lease, written=0
            )
        raise
    whole, progress = await run_in_threadpool(
        uploads.settle, state, device, sha256=sha256, lease=lease, written=written
    )
    if not whole:
        raise uploads.mismatch()
    if stalled:
        raise ApiError(
            408,
            "upload_stalled",
            f"No bytes arrived for {state.settings.upload_idle_s:g} s; the bytes received are "
            "kept, resume from Upload-Offset",
            headers=progress.headers(),
        )
    return Response(status_code=204, headers=progress.headers())
