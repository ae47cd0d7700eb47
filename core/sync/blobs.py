"""Images to and from the server: resumable uploads (ask the offset, send the rest) and downloads
verified against their SHA-256 name."""

from __future__ import annotations

import hashlib

from core.storage.images import ImageStore
from core.sync.errors import SyncRejectedError
from core.sync.transport import Transport, raise_for

CHUNK = 1024 * 1024


def upload(transport: Transport, store: ImageStore, sha256: str, *, chunk: int = CHUNK) -> bool:
    """Make sure the server holds the image; resume a partial upload. False when not on this device.

    One POST says what the server already holds (a new photo, a finished one, or the offset to
    resume from), so a small photo travels in two requests.
    """
    if not store.exists(sha256):
        return False
    data = store.read(sha256)
    path = f"/v1/blobs/{sha256}"
    started = transport.call("POST", path, headers={"Upload-Length": str(len(data))})
    if started.headers.get("Upload-Complete") == "1":
        return True
    offset = int(started.headers.get("Upload-Offset", "0"))
    while offset < len(data):
        piece = data[offset : offset + chunk]
        response = transport.request(
            "PATCH",
            path,
            content=piece,
            headers={
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        if response.status_code == 409 and "Upload-Offset" in response.headers:
            offset = int(
                response.headers["Upload-Offset"]
            )  # the server has more (or less) than we thought
            continue
        raise_for(response)
        offset = int(response.headers.get("Upload-Offset", offset + len(piece)))
    return True


def download(transport: Transport, store: ImageStore, sha256: str) -> None:
    response = transport.call("GET", f"/v1/blobs/{sha256}")
    data = response.content
    if hashlib.sha256(data).hexdigest() != sha256:
        raise SyncRejectedError(
            f"Image {sha256[:12]}... arrived damaged (hash mismatch)", code="hash_mismatch"
        )
    store.put(data)
