"""Device tokens: only a fresh, single-use EdDSA token signed by an enrolled, unrevoked device's key
for this server opens the API; a wrong clock is told so (409), not silently refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server.auth import UNAUTHORIZED_MESSAGE
from server.cli_support import revoke_device
from server.logs import ACCESS_LOGGER
from tests.helpers.server import Device, change, new_id, public_key_text

pytestmark = pytest.mark.postgres


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _forged(header: dict, claims: dict, signature: bytes | None = None, *, key: bytes = b"") -> str:
    """A token built by hand; HS256 when ``key`` is given, else with ``signature``."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if key:
        signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature or b'')}"


def _claims(device: Device, **overrides) -> dict:
    issued = int(time.time())
    claims = {
        "iss": device.device_id,
        "sub": device.device_id,
        "aud": device.server_id,
        "iat": issued,
        "exp": issued + 120,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return claims


_LOG: list[logging.LogRecord] = []


class _Keep(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _LOG.append(record)


@pytest.fixture(autouse=True)
def _access_log():
    """Keep the server's access lines: the reason of a 401 is written there, never answered."""
    logger = logging.getLogger(ACCESS_LOGGER)
    handler, level = _Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    _LOG.clear()
    yield
    logger.removeHandler(handler)
    logger.setLevel(level)


def _logged_reason(seen: int) -> str | None:
    """The auth failure of the first 401 line written after the first ``seen`` lines."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for record in _LOG[seen:]:
            fields = getattr(record, "fields", {})
            if fields.get("status") == 401:
                return fields.get("auth_failure")
        time.sleep(0.01)
    return None


def _refused(response, status: int = 401, code: str | None = None, *, seen: int = 0) -> None:
    """For a 401, ``code`` is the reason the server logged: every 401 answers the same."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message"} and error["message"]
    if status == 401:
        assert error == {"code": "unauthorized", "message": UNAUTHORIZED_MESSAGE}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        if code is not None:
            assert _logged_reason(seen) == code
            _LOG.clear()
    elif code is not None:
        assert error["code"] == code


def test_a_fresh_token_opens_the_api(device):
    assert device.pull().status_code == 200


def test_no_token_or_not_a_bearer_token(device):
    _refused(device.http.get("/v1/pull", headers={"X-SkinLab-Protocol": "1"}), code="missing_token")
    basic = {"X-SkinLab-Protocol": "1", "Authorization": "Basic Zm9vOmJhcg=="}
    _refused(device.http.get("/v1/pull", headers=basic), code="missing_token")
    _refused(device.request("GET", "/v1/pull", token="not.a.jwt"), code="invalid_token")


def test_an_expired_token(device):
    issued = int(time.time()) - 200
    token = device.token(iat=issued, exp=issued + 190)
    _refused(device.request("GET", "/v1/pull", token=token), code="token_expired")


def test_a_replayed_jti(device):
    token = device.token()
    assert device.request("GET", "/v1/pull", token=token).status_code == 200
    _refused(device.request("GET", "/v1/pull", token=token), code="token_replayed")
    # Even a new token reusing the jti is refused.
    jti = uuid.uuid4().hex
    assert device.request("GET", "/v1/pull", token=device.token(jti=jti)).status_code == 200
    _refused(device.request("GET", "/v1/pull", token=device.token(jti=jti)), code="token_replayed")


def test_a_token_for_another_server(device):
    _refused(
        device.request("GET", "/v1/pull", token=device.token(aud=new_id())), code="wrong_audience"
    )


def test_alg_none(device):
    token = _forged({"alg": "none", "typ": "JWT", "kid": device.device_id}, _claims(device))
    _refused(device.request("GET", "/v1/pull", token=token), code="invalid_token")


@pytest.mark.parametrize("secret", ["raw", "base64url"])
def test_hs256_signed_with_the_public_key(device, secret):
    public = public_key_text(device.key)
    key = base64.urlsafe_b64decode(public + "=") if secret == "raw" else public.encode()
    header = {"alg": "HS256", "typ": "JWT", "kid": device.device_id}
    token = _forged(header, _claims(device), key=key)
    _refused(device.request("GET", "/v1/pull", token=token), code="invalid_token")
    # Claiming EdDSA while carrying an HMAC signature fails the signature check.
    token = _forged({**header, "alg": "EdDSA"}, _claims(device), key=key)
    _refused(device.request("GET", "/v1/pull", token=token), code="invalid_token")


def test_an_unknown_device(device):
    stranger = Ed25519PrivateKey.generate()
    kid = new_id()
    claims = _claims(device, iss=kid, sub=kid)
    token = jwt.encode(claims, stranger, algorithm="EdDSA", headers={"kid": kid})
    _refused(device.request("GET", "/v1/pull", token=token), code="unknown_device")


def test_a_key_cannot_speak_for_another_device(device, enroll, clinic):
    other = enroll(clinic)
    claims = _claims(device, iss=other.device_id, sub=other.device_id)
    token = jwt.encode(claims, device.key, algorithm="EdDSA", headers={"kid": other.device_id})
    _refused(device.request("GET", "/v1/pull", token=token), code="invalid_token")
    # Nor can it put its own id in kid and another device's in sub.
    token = device.token(sub=other.device_id)
    _refused(device.request("GET", "/v1/pull", token=token), code="invalid_token")


def test_a_revoked_device(device, server):
    assert device.pull().status_code == 200
    revoke_device(server.database_url, device.device_id)
    _refused(device.pull(), code="device_revoked")
    revoke_device(server.database_url, device.device_id)  # twice is harmless


@pytest.mark.parametrize("missing", ["exp", "iat", "iss", "sub", "aud", "jti"])
def test_every_required_claim(device, missing):
    _refused(device.request("GET", "/v1/pull", token=device.token(**{missing: None})))


def test_a_token_living_longer_than_five_minutes(device):
    issued = int(time.time())
    _refused(device.request("GET", "/v1/pull", token=device.token(iat=issued, exp=issued + 301)))


@pytest.mark.parametrize("offset", [+600, -600])
def test_a_device_clock_off_by_more_than_five_minutes_gets_409(device, offset):
    issued = int(time.time()) + offset
    response = device.request("GET", "/v1/pull", token=device.token(iat=issued, exp=issued + 120))
    _refused(response, status=409, code="clock_skew")
    assert "clock" in response.json()["error"]["message"]
    # Nothing was merged either.
    uid = new_id()
    token = device.token(iat=issued, exp=issued + 120)
    pushed = device.request(
        "POST",
        "/v1/push",
        token=token,
        json={"changes": [change("users", uid, {"email": "x@y.z"})]},
        headers={"Idempotency-Key": new_id()},
    )
    _refused(pushed, status=409, code="clock_skew")
    assert ("users", uid) not in device.state()


def test_clinics_cannot_see_or_touch_each_other(device, enroll):
    other_clinic = enroll(f"Other {uuid.uuid4().hex[:6]}")
    uid = new_id()
    assert (
        other_clinic.push_ok(change("users", uid, {"email": "b@other.org"}))[0]["status"]
        == "applied"
    )
    data = b"clinic B's photo"
    digest = hashlib.sha256(data).hexdigest()
    assert (
        other_clinic.request(
            "POST", f"/v1/blobs/{digest}", headers={"Upload-Length": str(len(data))}
        ).status_code
        == 201
    )
    patched = other_clinic.request(
        "PATCH",
        f"/v1/blobs/{digest}",
        content=data,
        headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert patched.status_code == 204
    # Clinic A reads nothing of B's ...
    assert ("users", uid) not in device.state()
    assert device.request("GET", f"/v1/blobs/{digest}").status_code == 404
    assert device.request("HEAD", f"/v1/blobs/{digest}").status_code == 404
    # ... and cannot write B's rows.
    response = device.push(
        change(
            "users",
            uid,
            {"email": "hijack@a.org"},
        )
    )
    _refused(response, status=403, code="wrong_clinic")
    assert other_clinic.state()[("users", uid)]["fields"]["email"] == "b@other.org"
    # Uploading the same bytes makes A's own copy; B's stays as it was.
    started = device.request("POST", f"/v1/blobs/{digest}", headers={"Upload-Length": "3"})
    assert started.status_code == 201
    assert other_clinic.request("GET", f"/v1/blobs/{digest}").content == data
