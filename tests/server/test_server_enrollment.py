"""Enrollment: a one-time, expiring code registers one device's public key, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, select, update

from core.errors import ValidationError
from server.cli_support import create_enroll_code, list_devices
from server.enrollment import code_hash
from server.models import EnrollmentCode
from tests.helpers.server import public_key_text

pytestmark = pytest.mark.postgres
HEADERS = {"X-SkinLab-Protocol": "1"}


def _enroll(server, code: str, key: Ed25519PrivateKey | str, name: str = "kiosk") -> httpx.Response:
    public = key if isinstance(key, str) else public_key_text(key)
    return httpx.post(
        f"{server.url}/v1/enroll",
        json={"code": code, "public_key": public, "device_name": name},
        headers=HEADERS,
    )


def test_a_good_code_enrolls_a_device_in_its_clinic(server, clinic):
    code = create_enroll_code(server.database_url, clinic, role="workstation")
    response = _enroll(server, code, Ed25519PrivateKey.generate(), name="Front desk kiosk")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["clinic_name"] == clinic
    assert set(body) == {"device_id", "clinic_id", "clinic_name", "server_id", "role"}
    assert body["role"] == "workstation"  # the role chosen on the code
    devices = list_devices(server.database_url, clinic=clinic)
    assert [(d.device_id, d.name, d.role, d.revoked_at) for d in devices] == [
        (body["device_id"], "Front desk kiosk", "workstation", None)
    ]


@pytest.mark.parametrize("role", ["", "superuser", "Admin", "patient"])
def test_a_code_needs_one_of_the_three_roles(server, clinic, role):
    with pytest.raises(ValidationError, match="kiosk, workstation, admin"):
        create_enroll_code(server.database_url, clinic, role=role)


def test_codes_are_typed_forgivingly_and_stored_hashed(server, clinic):
    code = create_enroll_code(server.database_url, clinic, role="workstation")
    engine = create_engine(server.database_url)
    with engine.connect() as conn:
        stored = conn.scalars(select(EnrollmentCode.code_hash)).all()
    engine.dispose()
    assert code not in stored and code_hash(code) in stored
    typed = code.lower().replace("-", " ")
    assert _enroll(server, typed, Ed25519PrivateKey.generate()).status_code == 200


def test_an_expired_code_is_refused(server, clinic):
    code = create_enroll_code(server.database_url, clinic, role="workstation")
    engine = create_engine(server.database_url)
    with engine.begin() as conn:
        conn.execute(
            update(EnrollmentCode)
            .where(EnrollmentCode.code_hash == code_hash(code))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    engine.dispose()
    response = _enroll(server, code, Ed25519PrivateKey.generate())
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "code_expired"
    assert list_devices(server.database_url, clinic=clinic) == []


def test_a_code_enrolls_one_device_once(server, clinic):
    code = create_enroll_code(server.database_url, clinic, role="workstation")
    key = Ed25519PrivateKey.generate()
    first = _enroll(server, code, key)
    assert first.status_code == 200
    # The same device retrying (its answer was lost) gets the same registration, not a second one.
    again = _enroll(server, code, key)
    assert again.status_code == 200 and again.json() == first.json()
    # Another key with the used code is refused.
    other = _enroll(server, code, Ed25519PrivateKey.generate())
    assert other.status_code == 401
    assert other.json()["error"]["code"] == "code_used"
    assert len(list_devices(server.database_url, clinic=clinic)) == 1


def test_unknown_code_and_reused_key_are_refused(server, clinic):
    key = Ed25519PrivateKey.generate()
    unknown = _enroll(server, "0000-0000-0000-0000", key)
    assert unknown.status_code == 401 and unknown.json()["error"]["code"] == "invalid_code"
    assert (
        _enroll(
            server, create_enroll_code(server.database_url, clinic, role="workstation"), key
        ).status_code
        == 200
    )
    reused = _enroll(
        server, create_enroll_code(server.database_url, clinic, role="workstation"), key
    )
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "key_in_use"


@pytest.mark.parametrize(
    "public_key",
    [
        "not base64 at all !!!!!!!!!!!!!!!!!!!!!!!!!!!!",  # not base64url
        "A" * 43 + "A" * 10,  # decodes to 39 bytes, not 32
        "QUFB" * 11,  # 33 bytes
    ],
)
def test_a_malformed_key_is_refused_and_the_code_stays_usable(server, clinic, public_key):
    code = create_enroll_code(server.database_url, clinic, role="workstation")
    response = _enroll(server, code, public_key)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_public_key"
    assert _enroll(server, code, Ed25519PrivateKey.generate()).status_code == 200


def test_a_malformed_request_is_a_422_with_an_error_body(server):
    response = httpx.post(f"{server.url}/v1/enroll", json={"code": "x"}, headers=HEADERS)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("ttl", [0, -1, 24 * 31])
def test_code_lifetimes_are_bounded(server, clinic, ttl):
    with pytest.raises(ValidationError):
        create_enroll_code(server.database_url, clinic, role="kiosk", ttl_hours=ttl)
