"""Device authentication: a short-lived EdDSA JWT per request, signed by the device's own key.

The checks follow RFC 8725: the algorithm is fixed by the server (never taken from the token), the
key is chosen by ``kid`` among enrolled devices, iss/sub/aud/exp/iat/jti are required, and a ``jti``
is accepted once. Nothing here trusts a token field before the signature has been verified, except
``alg`` and ``kid``, which only select what to verify with.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from core.sync.protocol import TOKEN_MAX_LIFETIME_S
from server.errors import ApiError
from server.models import Device, UsedJti

REQUIRED_CLAIMS = ["exp", "iat", "iss", "sub", "aud", "jti"]
MAX_TOKEN_CHARS = 4096
_KID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_JTI = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
LAST_SEEN_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class AuthedDevice:
    device_id: uuid.UUID
    clinic_id: uuid.UUID
    name: str
    role: str = "kiosk"


UNAUTHORIZED_MESSAGE = (
    "This device could not be authenticated: it may be revoked or not enrolled here, or its "
    "token is invalid. Check the device's enrollment ('skinlab sync --status')."
)


def unauthorized(reason: str, detail: str) -> ApiError:
    """One answer for every authentication failure (401 ``unauthorized``), so a caller learns
    nothing about which check failed; ``reason`` and ``detail`` go to the server's log only."""
    error = ApiError(
        401,
        "unauthorized",
        UNAUTHORIZED_MESSAGE,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )
    error.reason = reason
    error.detail_for_log = detail
    return error


def decode_public_key(text: str) -> Ed25519PublicKey:
    """A raw Ed25519 public key in base64url (padding optional); ValueError when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the public key is not base64url") from exc
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def _number(claims: dict[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise unauthorized("invalid_token", f"The token's {name} is not a number")
    return float(value)


def _signed_claims(token: str, device: Device, *, audience: str) -> dict[str, Any]:
    try:
        key = decode_public_key(device.public_key)
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["EdDSA"],
            audience=audience,
            issuer=str(device.device_id),
            options={
                "require": REQUIRED_CLAIMS,
                "verify_exp": False,  # checked below, after the clock-skew check
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidAudienceError as exc:
        raise unauthorized("wrong_audience", "The token is meant for another server") from exc
    except (jwt.PyJWTError, ValueError) as exc:
        raise unauthorized("invalid_token", f"The token is not valid: {exc}") from exc
    return claims


def _check_times(claims: dict[str, Any], *, now: float, skew_s: int) -> None:
    issued, expires = _number(claims, "iat"), _number(claims, "exp")
    if abs(now - issued) > skew_s:
        raise ApiError(
            409,
            "clock_skew",
            f"This device's clock is {abs(now - issued) / 60:.0f} minutes "
            f"{'ahead of' if issued > now else 'behind'} the server's. Fix the device's date and "
            "time (turn on automatic time) and sync again; nothing was merged.",
        )
    if expires <= now:
        raise unauthorized("token_expired", "The token has expired")
    if expires <= issued or expires - issued > TOKEN_MAX_LIFETIME_S:
        raise unauthorized(
            "invalid_token", f"A token may live at most {TOKEN_MAX_LIFETIME_S} seconds"
        )
    if "nbf" in claims and _number(claims, "nbf") > now + skew_s:
        raise unauthorized("invalid_token", "The token is not valid yet")


def verify_token(
    sessions: sessionmaker[Session],
    token: str,
    *,
    audience: str,
    skew_s: int = TOKEN_MAX_LIFETIME_S,
    now: float | None = None,
) -> AuthedDevice:
    """The device that signed ``token``; raises 401 (or 409 ``clock_skew``) otherwise."""
    moment = time.time() if now is None else now
    if len(token) > MAX_TOKEN_CHARS:
        raise unauthorized("invalid_token", "The token is too long")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise unauthorized("invalid_token", "The bearer token is not a JWT") from exc
    if header.get("alg") != "EdDSA":
        raise unauthorized("invalid_token", "Only EdDSA-signed device tokens are accepted")
    if header.get("typ", "JWT") != "JWT":
        raise unauthorized("invalid_token", "The token's typ must be JWT")
    kid = header.get("kid")
    if not isinstance(kid, str) or not _KID.match(kid):
        raise unauthorized("invalid_token", "The token's kid must be the device id")
    with sessions() as session, session.begin():
        device = session.get(Device, uuid.UUID(kid))
        if device is None:
            raise unauthorized("unknown_device", "This device is not enrolled on this server")
        if device.revoked_at is not None:
            raise unauthorized(
                "device_revoked", "This device was revoked; enroll it again with a new code"
            )
        claims = _signed_claims(token, device, audience=audience)
        _check_times(claims, now=moment, skew_s=skew_s)
        if claims.get("sub") != kid:
            raise unauthorized("invalid_token", "The token's sub must be the device id")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not _JTI.match(jti):
            raise unauthorized("invalid_token", "The token's jti must be 8-128 plain characters")
        _remember_jti(session, device, jti=jti, expires=_number(claims, "exp"))
        _touch(session, device, moment)
        return AuthedDevice(device.device_id, device.clinic_id, device.name, device.role)


def _remember_jti(session: Session, device: Device, *, jti: str, expires: float) -> None:
    stored = session.execute(
        insert(UsedJti)
        .values(
            device_id=device.device_id,
            jti=jti,
            expires_at=datetime.fromtimestamp(expires, UTC) + timedelta(seconds=60),
        )
        .on_conflict_do_nothing()
        .returning(UsedJti.jti)
    ).first()
    if stored is None:
        raise unauthorized("token_replayed", "This token was already used; sign a new one")


def _touch(session: Session, device: Device, moment: float) -> None:
    now = datetime.fromtimestamp(moment, UTC)
    session.execute(
        update(Device)
        .where(
            Device.device_id == device.device_id,
            or_(Device.last_seen_at.is_(None), Device.last_seen_at < now - LAST_SEEN_EVERY),
        )
        .values(last_seen_at=now)
    )
