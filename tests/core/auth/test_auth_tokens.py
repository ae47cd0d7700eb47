"""Access tokens: every claim required, one algorithm, and every kind of forgery refused."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from core.auth.tokens import TokenSettings, create_access_token, decode_access_token
from core.errors import InvalidTokenError

SETTINGS = TokenSettings(
    secret="x" * 64, issuer="skinlab-test", audience="skinlab-test-app", lifetime=timedelta(hours=1)
)
USER_ID = uuid.uuid4()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _claims(**changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(USER_ID),
        "role": "patient",
        "typ": "access",
        "iss": SETTINGS.issuer,
        "aud": SETTINGS.audience,
        "iat": int(now.timestamp()),
        "exp": int((now + SETTINGS.lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, Any], *, secret: str = SETTINGS.secret, alg: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=alg)


def test_a_fresh_token_round_trips() -> None:
    now = datetime.now(UTC)
    token = create_access_token(SETTINGS, user_id=USER_ID, role="clinician", now=now)
    claims = decode_access_token(SETTINGS, token)
    assert claims.subject == USER_ID
    assert claims.role == "clinician"
    assert claims.token_id
    assert claims.expires_at == datetime.fromtimestamp(
        int((now + SETTINGS.lifetime).timestamp()), UTC
    )


def test_a_token_carries_every_required_claim() -> None:
    now = datetime.now(UTC)
    token = create_access_token(SETTINGS, user_id=USER_ID, role="admin", now=now)
    raw = jwt.decode(token, SETTINGS.secret, algorithms=["HS256"], audience=SETTINGS.audience)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert raw["sub"] == str(USER_ID)
    assert raw["iss"] == SETTINGS.issuer and raw["aud"] == SETTINGS.audience
    assert raw["typ"] == "access"
    assert raw["iat"] == int(now.timestamp())
    assert raw["exp"] - raw["iat"] == int(SETTINGS.lifetime.total_seconds())
    assert raw["jti"]


def test_every_token_has_its_own_id() -> None:
    ids = {
        decode_access_token(
            SETTINGS, create_access_token(SETTINGS, user_id=USER_ID, role="patient")
        ).token_id
        for _ in range(5)
    }
    assert len(ids) == 5


def test_surrounding_whitespace_from_stdin_is_tolerated() -> None:
    token = create_access_token(SETTINGS, user_id=USER_ID, role="patient")
    assert decode_access_token(SETTINGS, f"  {token}\n").subject == USER_ID


def _flip_payload_char(token: str) -> str:
    header, payload, signature = token.split(".")
    position = len(payload) // 2
    flipped = "A" if payload[position] != "A" else "B"
    return ".".join([header, payload[:position] + flipped + payload[position + 1 :], signature])


def _payload_swapped_for_admin(token: str) -> str:
    header, _payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["role"] = "admin"
    forged = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return ".".join([header, forged, signature])


def _alg_none(token: str) -> str:
    claims = jwt.decode(token, options={"verify_signature": False})
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def _good() -> str:
    return create_access_token(SETTINGS, user_id=USER_ID, role="patient")


FORGERIES = {
    "payload-char-flipped": lambda: _flip_payload_char(_good()),
    "payload-swapped-keeping-signature": lambda: _payload_swapped_for_admin(_good()),
    "signature-removed": lambda: _good().rsplit(".", 1)[0] + ".",
    "other-secret": lambda: _sign(_claims(), secret="y" * 64),
    "alg-none": lambda: _alg_none(_good()),
    "other-algorithm-same-secret": lambda: _sign(_claims(), alg="HS512"),
    "expired": lambda: create_access_token(
        SETTINGS,
        user_id=USER_ID,
        role="patient",
        now=datetime.now(UTC) - SETTINGS.lifetime - timedelta(minutes=1),
    ),
    "wrong-audience": lambda: _sign(_claims(aud="another-service")),
    "wrong-issuer": lambda: _sign(_claims(iss="someone-else")),
    "missing-exp": lambda: _sign(_claims(exp=None)),
    "missing-jti": lambda: _sign(_claims(jti=None)),
    "missing-iat": lambda: _sign(_claims(iat=None)),
    "missing-sub": lambda: _sign(_claims(sub=None)),
    "missing-iss": lambda: _sign(_claims(iss=None)),
    "missing-aud": lambda: _sign(_claims(aud=None)),
    "missing-typ": lambda: _sign(_claims(typ=None)),
    "refresh-typ": lambda: _sign(_claims(typ="refresh")),
    "subject-not-a-uuid": lambda: _sign(_claims(sub="admin")),
    "garbage": lambda: "not.a.token",
    "empty": lambda: "",
}


@pytest.mark.parametrize("kind", sorted(FORGERIES))
def test_forged_or_stale_tokens_are_refused(kind: str) -> None:
    with pytest.raises(InvalidTokenError) as caught:
        decode_access_token(SETTINGS, FORGERIES[kind]())
    assert caught.value.code == "invalid_token"
    assert caught.value.message


def test_a_token_is_only_valid_for_the_settings_that_issued_it() -> None:
    token = _good()
    elsewhere = TokenSettings(
        secret=SETTINGS.secret,
        issuer=SETTINGS.issuer,
        audience="kiosk-2",
        lifetime=SETTINGS.lifetime,
    )
    with pytest.raises(InvalidTokenError):
        decode_access_token(elsewhere, token)
