"""Access tokens (PyJWT, HS256 on this device). RFC 8725: the verifier names the algorithm, every
claim is required, and ``typ`` tells token kinds apart."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from core.errors import InvalidTokenError

ALGORITHM = "HS256"
ALLOWED_ALGORITHMS = [ALGORITHM]
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti"]
ACCESS = "access"


@dataclass(frozen=True)
class TokenSettings:
    secret: str
    issuer: str
    audience: str
    lifetime: timedelta


@dataclass(frozen=True)
class TokenClaims:
    subject: uuid.UUID
    role: str
    token_id: str
    expires_at: datetime


def create_access_token(
    settings: TokenSettings, *, user_id: uuid.UUID, role: str, now: datetime | None = None
) -> str:
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role,
        "typ": ACCESS,
        "iss": settings.issuer,
        "aud": settings.audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + settings.lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.secret, algorithm=ALGORITHM)


def decode_access_token(settings: TokenSettings, token: str) -> TokenClaims:
    """Verify signature, algorithm, issuer, audience, expiry and kind, or raise InvalidTokenError."""
    try:
        claims = jwt.decode(
            token.strip(),
            settings.secret,
            algorithms=ALLOWED_ALGORITHMS,
            audience=settings.audience,
            issuer=settings.issuer,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidTokenError("The sign-in token has expired; sign in again") from exc
    except jwt.InvalidAudienceError as exc:
        raise InvalidTokenError("The token was issued for another service") from exc
    except jwt.PyJWTError as exc:
        raise InvalidTokenError(f"The sign-in token is not valid ({exc})") from exc
    if claims.get("typ") != ACCESS:
        raise InvalidTokenError("The token is not an access token")
    try:
        subject = uuid.UUID(str(claims["sub"]))
    except ValueError as exc:
        raise InvalidTokenError("The token names no valid account") from exc
    return TokenClaims(
        subject=subject,
        role=str(claims.get("role", "")),
        token_id=str(claims["jti"]),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
    )
