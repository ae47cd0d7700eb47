"""Images: resumable (HEAD tells where to continue), verified against their SHA-256 at the end,
size-limited, and readable only within the clinic."""

from __future__ import annotations

import hashlib
import os
import socket
import time

import pytest

from tests.helpers.server import Device

pytestmark = pytest.mark.postgres
OFFSET = "application/offset+octet-stream"


def _patch(device: Device, digest: str, data: bytes, offset: int):
    return device.request(
        "PATCH",
        f"/v1/blobs/{digest}",
        content=data,
        headers={"Upload-Offset": str(offset), "Content-Type": OFFSET},
    )


def _files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_resumable_upload_in_three_parts(device, server):
    data = os.urandom(300_000)
    digest = hashlib.sha256(data).hexdigest()
    path = f"/v1/blobs/{digest}"
    assert device.request("HEAD", path).status_code == 404
    started = device.request("POST", path, headers={"Upload-Length": str(len(data))})
    assert started.status_code == 201 and started.headers["Upload-Offset"] == "0"
    assert _patch(device, digest, data[:100_000], 0).headers["Upload-Offset"] == "100000"
    # The device lost track: it asks where to continue.
    head = device.request("HEAD", path)
    assert head.status_code == 200
    assert (head.headers["Upload-Offset"], head.headers["Upload-Length"]) == ("100000", "300000")
    assert head.headers["Upload-Complete"] == "0"
    assert device.request("GET", path).status_code == 404  # not complete yet
    second = _patch(device, digest, data[100_000:200_000], 100_000)
    assert second.status_code == 204
    last = _patch(device, digest, data[200_000:], 200_000)
    assert last.status_code == 204 and last.headers["Upload-Complete"] == "1"
    got = device.request("GET", path)
    assert got.status_code == 200 and got.content == data
    assert device.request("HEAD", path).headers["Upload-Complete"] == "1"
    # Starting again finds it complete.
    again = device.request("POST", path, headers={"Upload-Length": str(len(data))})
    assert again.status_code == 200 and again.headers["Upload-Complete"] == "1"


def test_a_patch_at_the_wrong_offset_gets_the_right_one(device):
    data = b"abcdefghij" * 100
    digest = hashlib.sha256(data).hexdigest()
    device.request("POST", f"/v1/blobs/{digest}", headers={"Upload-Length": str(len(data))})
    _patch(device, digest, data[:300], 0)
    response = _patch(device, digest, data[500:], 500)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "offset_mismatch"
    assert response.headers["Upload-Offset"] == "300"
    assert _patch(device, digest, data[300:], 300).headers["Upload-Complete"] == "1"


def test_bytes_that_do_not_match_the_hash_are_discarded(device, server):
    claimed = hashlib.sha256(b"the real photo").hexdigest()
    path = f"/v1/blobs/{claimed}"
    wrong = b"something else!"  # 15 bytes, like 'the real photo ' would be
    device.request("POST", path, headers={"Upload-Length": str(len(wrong))})
    response = _patch(device, claimed, wrong, 0)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "hash_mismatch"
    assert device.request("HEAD", path).status_code == 404
    assert not any(p.name == claimed for p in _files(server.settings.blob_dir))


def test_past_the_size_limit(device, custom_server):
    with custom_server(blob_limit=1000) as small:
        limited = device.on(small)
        digest = hashlib.sha256(b"x" * 1000).hexdigest()
        response = limited.request("POST", f"/v1/blobs/{digest}", headers={"Upload-Length": "1001"})
        assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
        assert limited.request("HEAD", f"/v1/blobs/{digest}").status_code == 404
        # A PATCH body over the limit is refused before it is read, and nothing is counted.
        limited.request("POST", f"/v1/blobs/{digest}", headers={"Upload-Length": "1000"})
        response = _patch(limited, digest, b"x" * 2000, 0)
        assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
        assert limited.request("HEAD", f"/v1/blobs/{digest}").headers["Upload-Offset"] == "0"
        assert _patch(limited, digest, b"x" * 1000, 0).headers["Upload-Complete"] == "1"


def test_a_dropped_connection_keeps_what_arrived(device, server):
    data = os.urandom(4000)
    digest = hashlib.sha256(data).hexdigest()
    path = f"/v1/blobs/{digest}"
    device.request("POST", path, headers={"Upload-Length": str(len(data))})
    host, port = server.url.removeprefix("http://").split(":")
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: {host}\r\nX-SkinLab-Protocol: 1\r\n"
        f"Authorization: Bearer {device.token()}\r\nUpload-Offset: 0\r\n"
        f"Content-Type: {OFFSET}\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(head.encode() + data[:1500])
        time.sleep(0.3)
    deadline = time.monotonic() + 10
    while (offset := device.request("HEAD", path).headers["Upload-Offset"]) == "0":
        assert time.monotonic() < deadline, "the partial upload was never recorded"
        time.sleep(0.05)
    assert offset == "1500"
    assert _patch(device, digest, data[1500:], 1500).headers["Upload-Complete"] == "1"
    assert device.request("GET", path).content == data


def test_a_body_running_past_upload_length(device):
    digest = hashlib.sha256(b"12345").hexdigest()
    device.request("POST", f"/v1/blobs/{digest}", headers={"Upload-Length": "5"})
    response = _patch(device, digest, b"123456", 0)
    assert response.status_code == 413
    assert device.request("HEAD", f"/v1/blobs/{digest}").headers["Upload-Offset"] == "0"
    assert _patch(device, digest, b"12345", 0).headers["Upload-Complete"] == "1"


def test_patch_needs_the_offset_content_type(device):
    digest = hashlib.sha256(b"abc").hexdigest()
    device.request("POST", f"/v1/blobs/{digest}", headers={"Upload-Length": "3"})
    response = device.request(
        "PATCH",
        f"/v1/blobs/{digest}",
        content=b"abc",
        headers={"Upload-Offset": "0", "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 415


def test_an_empty_image(device):
    digest = hashlib.sha256(b"").hexdigest()
    response = device.request("POST", f"/v1/blobs/{digest}", headers={"Upload-Length": "0"})
    assert response.status_code == 201 and response.headers["Upload-Complete"] == "1"
    assert device.request("GET", f"/v1/blobs/{digest}").content == b""


def test_a_new_length_restarts_an_unfinished_upload(device):
    data = b"0123456789"
    digest = hashlib.sha256(data).hexdigest()
    device.request("POST", f"/v1/blobs/{digest}", headers={"Upload-Length": "20"})
    _patch(device, digest, b"x" * 5, 0)
    restarted = device.request("POST", f"/v1/blobs/{digest}", headers={"Upload-Length": "10"})
    assert restarted.status_code == 201 and restarted.headers["Upload-Offset"] == "0"
    assert _patch(device, digest, data, 0).headers["Upload-Complete"] == "1"


def test_patch_or_head_of_an_unknown_upload(device):
    digest = "0" * 64
    assert _patch(device, digest, b"x", 0).status_code == 404
    assert device.request("GET", f"/v1/blobs/{digest}").status_code == 404
    assert device.request("GET", "/v1/blobs/NOT-A-HASH").status_code == 422


def test_deleting_an_image_row_erases_its_bytes_for_good(device, server):
    from tests.helpers.server import change

    data = b"a photo of a patient who asked to be forgotten"
    digest = hashlib.sha256(data).hexdigest()
    path = f"/v1/blobs/{digest}"
    device.request("POST", path, headers={"Upload-Length": str(len(data))})
    assert _patch(device, digest, data, 0).headers["Upload-Complete"] == "1"
    device.push_ok(change("images", digest, {"media_type": "image/jpeg", "size_bytes": len(data)}))
    assert device.push_ok(change("images", digest, op="delete"))[0]["status"] == "applied"
    assert device.request("GET", path).status_code == 404
    assert not any(p.name == digest for p in _files(server.settings.blob_dir))
    # A device that still has it is told there is nothing to send, and nothing is kept.
    again = device.request("POST", path, headers={"Upload-Length": str(len(data))})
    assert again.status_code == 200 and again.headers["Upload-Complete"] == "1"
    assert device.request("HEAD", path).status_code == 404
    assert not any(p.name == digest for p in _files(server.settings.blob_dir))
