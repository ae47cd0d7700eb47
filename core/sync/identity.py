"""The device's Ed25519 key pair and the short-lived tokens it signs for each request."""

from __future__ import annotations

import base64
import os
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.errors import DataDirError
from core.sync.protocol import TOKEN_MAX_LIFETIME_S

TOKEN_LIFETIME_S = 120


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The device key, created on first use into a file readable by its owner only."""
    try:
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise DataDirError(f"{path} does not hold an Ed25519 device key")
            return key
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        return key
    except (OSError, ValueError) as exc:
        raise DataDirError(f"Cannot read or create the device key {path}: {exc}") from exc


def retire_key(path: Path) -> None:
    """Move the current key aside (kept, never deleted: it identified this device before)."""
    if path.exists():
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        path.rename(path.with_name(f"{path.stem}.retired-{stamp}{path.suffix}"))


def public_key_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def sign_request_token(
    key: Ed25519PrivateKey, *, device_id: str, audience: str, now: float | None = None
) -> str:
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": device_id,
        "sub": device_id,
        "aud": audience,
        "iat": issued,
        "exp": issued + min(TOKEN_LIFETIME_S, TOKEN_MAX_LIFETIME_S),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": device_id})
