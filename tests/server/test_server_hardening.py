"""The server from an attacker's side: no body parsed before the token is checked, per-device rate
limits, digests that are digests, no parameters in database errors, uploads that hold no lock while
they stream and are cut when idle, and a storage quota per clinic."""

from __future__ import annotations

import hashlib
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.sync.protocol import PROTOCOL_HEADER
from server.cli_support import set_clinic_quota
from server.db import make_engine
from server.housekeeping import sweep
from server.models import Blob
from tests.helpers.server import Device, change, enroll_device, new_id

pytestmark = pytest.mark.postgres
OFFSET = "application/offset+octet-stream"


def _raw_request(url: str, head: str, body: bytes, *, wait: float = 5.0) -> bytes:
    """Send ``head`` and only ``body`` (less than Content-Length says); return what comes back."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


def test_the_token_is_checked_before_the_push_body_is_read(server):
    """A push claiming 7 MB with a forged token is answered 401 after 1 KB: the server did not
    wait for (let alone parse) the body."""
    declared = 7 * 1024 * 1024
    head = (
        "POST /v1/push HTTP/1.1\r\n"
        f"Host: {urlsplit(server.url).netloc}\r\n"
        f"{PROTOCOL_HEADER}: 1\r\n"
        "Authorization: Bearer forged.token.here\r\n"
        f"Idempotency-Key: {new_id()}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {declared}\r\n"
    )
    started = time.monotonic()
    answer = _raw_request(server.url, head, b'{"changes": [' + b" " * 1024)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert time.monotonic() - started < 4  # not a read timeout: answered at once


def test_a_device_over_its_rate_gets_429_and_others_do_not(custom_server, clinic):
    with custom_server(rate_per_s=0.5, rate_burst=3, enroll_per_minute=1000) as limited:
        noisy, quiet = enroll_device(limited, clinic), enroll_device(limited, clinic)
        statuses = [noisy.pull().status_code for _ in range(4)]
        assert statuses[:3] == [200, 200, 200]
        refused = noisy.pull()
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) >= 1
        assert quiet.pull().status_code == 200  # the bucket is per device


def test_enrollment_has_its_own_limit(custom_server, clinic):
    with custom_server(enroll_per_minute=2) as limited:
        enroll_device(limited, clinic)
        enroll_device(limited, clinic)
        with pytest.raises(AssertionError, match="rate_limited"):
            enroll_device(limited, clinic)


@pytest.mark.parametrize("column", ["image_sha256", "thumbnail_sha256"])
def test_an_image_digest_of_64_non_hex_characters_is_refused(device, column):
    """Bad input: it used to be stored, and once erased it stalled every device's pull."""
    fields = {"skin_score": 50.0, "engine_version": "1", column: "z" * 64}
    response = device.push(change("skin_analysis_results", new_id(), fields))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_change" and column in error["message"]
    assert "SHA-256" in error["message"]


def test_database_errors_carry_no_parameters(server):
    engine = make_engine(server.database_url, pool_size=1)
    secret = "patient-name-Jeanne-Dupont"
    try:
        with pytest.raises(DBAPIError) as raised, engine.connect() as conn:
            conn.execute(text("SELECT 1 / 0 WHERE CAST(:v AS text) <> ''"), {"v": secret})
        assert "division by zero" in str(raised.value)
        assert secret not in str(raised.value)  # SQLAlchemy would otherwise print the parameters
    finally:
        engine.dispose()


def _start(device: Device, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    started = device.request(
        "POST", f"/v1/blobs/{digest}", headers={"Upload-Length": str(len(data))}
    )
    assert started.status_code == 201, started.text
    return digest


def _patch_head(device: Device, digest: str, length: int) -> str:
    return (
        f"PATCH /v1/blobs/{digest} HTTP/1.1\r\n"
        f"Host: {urlsplit(device.server.url).netloc}\r\n"
        f"{PROTOCOL_HEADER}: 1\r\n"
        f"Authorization: Bearer {device.token()}\r\n"
        "Upload-Offset: 0\r\n"
        f"Content-Type: {OFFSET}\r\n"
        f"Content-Length: {length}\r\n"
    )


def test_a_streaming_upload_holds_no_row_lock_and_another_writer_waits(
    device, server, enroll, clinic
):
    data = bytes(range(256)) * 400
    digest = _start(device, data)
    parts = urlsplit(server.url)
    engine = make_engine(server.database_url, pool_size=1)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(_patch_head(device, digest, len(data)).encode() + b"\r\n" + data[:1000])
        time.sleep(0.5)  # the server is now waiting for the rest of the body
        try:
            with Session(engine) as session, session.begin():
                row = session.scalar(
                    select(Blob).where(Blob.sha256 == digest).with_for_update(nowait=True)
                )  # would raise if the PATCH held the row
                assert row is not None and row.writer is not None
        except OperationalError as exc:  # pragma: no cover - the failure being tested for
            pytest.fail(f"the streaming PATCH holds a row lock: {exc}")
        finally:
            engine.dispose()
        other = enroll(clinic)  # the same device would take its own lease over (it restarted)
        second = other.request(
            "PATCH",
            f"/v1/blobs/{digest}",
            content=data,
            headers={"Upload-Offset": "0", "Content-Type": OFFSET},
        )
        assert second.status_code == 409
        assert second.json()["error"]["code"] == "upload_in_progress"
        sock.sendall(data[1000:])
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 204"), answer[:200]
    assert device.request("GET", f"/v1/blobs/{digest}").content == data


def test_an_idle_upload_is_cut_and_keeps_its_bytes(custom_server, clinic):
    with custom_server(upload_idle_s=1.0) as quick:
        device = enroll_device(quick, clinic)
        data = b"x" * 50_000
        digest = _start(device, data)
        answer = _raw_request(
            quick.url, _patch_head(device, digest, len(data)), data[:20_000], wait=10
        )
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b"upload-offset: 20000" in answer.lower()
        head = device.request("HEAD", f"/v1/blobs/{digest}")
        assert head.headers["Upload-Offset"] == "20000"
        rest = device.request(
            "PATCH",
            f"/v1/blobs/{digest}",
            content=data[20_000:],
            headers={"Upload-Offset": "20000", "Content-Type": OFFSET},
        )
        assert rest.status_code == 204 and rest.headers["Upload-Complete"] == "1"


def test_housekeeping_sweeps_by_last_activity(server, device):
    engine = make_engine(server.database_url, pool_size=1)
    sessions = sessionmaker(engine)
    clinic_id = uuid.UUID(device.clinic_id)
    old = datetime.now(UTC) - timedelta(days=3)
    busy, idle = "b" * 64, "c" * 64
    with sessions.begin() as session:
        for digest, activity in ((busy, datetime.now(UTC)), (idle, old)):
            session.add(
                Blob(
                    clinic_id=clinic_id,
                    sha256=digest,
                    length=9,
                    upload_offset=4,
                    complete=False,
                    path=f"{clinic_id}/{digest}",
                    created_at=old,
                    last_activity_at=activity,
                )
            )
    sweep(sessions, server.settings.blob_dir, abandon_after=timedelta(days=1))
    with Session(engine) as session:
        left = set(session.scalars(select(Blob.sha256).where(Blob.clinic_id == clinic_id)))
    engine.dispose()
    assert busy in left and idle not in left


def test_a_clinic_over_its_quota_gets_507_until_it_is_raised(custom_server, clinic):
    with custom_server(clinic_quota_bytes=1000) as small:
        device = enroll_device(small, clinic)
        first = b"a" * 600
        assert (
            device.request(
                "POST",
                f"/v1/blobs/{hashlib.sha256(first).hexdigest()}",
                headers={"Upload-Length": "600"},
            ).status_code
            == 201
        )
        second = b"b" * 600
        path = f"/v1/blobs/{hashlib.sha256(second).hexdigest()}"
        refused = device.request("POST", path, headers={"Upload-Length": "600"})
        assert refused.status_code == 507
        assert refused.json()["error"]["code"] == "quota_exceeded"
        set_clinic_quota(small.database_url, clinic, gigabytes=1)
        assert device.request("POST", path, headers={"Upload-Length": "600"}).status_code == 201


def test_a_forged_push_from_a_revoked_device_is_a_plain_401(device, server):
    from server.cli_support import revoke_device

    revoke_device(server.database_url, device.device_id)
    uid = new_id()
    response = device.push(change("users", uid, {"email": "forged@a.org", "role": "admin"}))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert "revoked" in response.json()["error"]["message"]  # the generic sentence covers it
    body = httpx.get(f"{server.url}/v1/health").json()
    assert body["status"] == "ok"


def test_the_same_device_takes_its_own_lease_over_at_once(device, server):
    """After a server restart (or a request the device gave up on) the lease is still in the
    database; the device that held it resumes without waiting for it to go idle."""
    data = b"y" * 40_000
    digest = _start(device, data)
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(_patch_head(device, digest, len(data)).encode() + b"\r\n" + data[:5000])
        time.sleep(0.3)  # the first request holds the lease and waits for its body
        again = device.request(
            "PATCH",
            f"/v1/blobs/{digest}",
            content=data,
            headers={"Upload-Offset": "0", "Content-Type": OFFSET},
        )
        assert again.status_code == 204 and again.headers["Upload-Complete"] == "1"
    assert device.request("GET", f"/v1/blobs/{digest}").content == data
    # The first request learns of its dropped connection on its own schedule; once it has, no
    # part file is left behind (it found its lease taken over and its bytes did not count).
    deadline = time.monotonic() + 20
    while list(server.settings.blob_dir.glob(".parts/*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(server.settings.blob_dir.glob(".parts/*"))
