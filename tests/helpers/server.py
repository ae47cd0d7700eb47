"""Test helpers for the sync server: HLC strings, protocol changes, and a device that signs its own
EdDSA tokens and speaks HTTP with httpx."""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from core.sync.protocol import ADMIN_GRANT_HEADER, PROTOCOL_HEADER
from server.accounts import create_admin
from server.cli_support import create_enroll_code
from server.config import ServerSettings
from server.grants import password_tag


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def hlc(offset_ms: int = 0, counter: int = 0, node: str = "a1") -> str:
    """An HLC string ``offset_ms`` from now (negative: in the past)."""
    return f"{now_ms() + offset_ms:013d}-{counter:06d}-{node}"


def change(
    entity: str,
    entity_id: str,
    fields: dict[str, Any] | None = None,
    *,
    at: str | None = None,
    op: str = "upsert",
) -> dict[str, Any]:
    """A protocol change whose every field carries the clock ``at``."""
    stamp = at or hlc()
    values = fields or {}
    clocks = {name: stamp for name in values} if op == "upsert" else {}
    return {
        "entity": entity,
        "entity_id": entity_id,
        "op": op,
        "fields": values if op == "upsert" else {},
        "clocks": clocks,
        "hlc": stamp,
    }


def new_id() -> str:
    return str(uuid.uuid4())


def consented(
    user_id: str | None, analysis_id: str | None = None, *, allow_sync: bool = True, **fields: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A consent of ``user_id`` and an analysis taken under it, as two changes (consent first)."""
    consent_id = new_id()
    consent = change(
        "consent_records",
        consent_id,
        {"user_id": user_id, "text_version": "2026-1", "granted": True, "allow_sync": allow_sync},
    )
    values = {"user_id": user_id, "skin_score": 50.0, "consent_id": consent_id, **fields}
    return consent, change("skin_analysis_results", analysis_id or new_id(), values)


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass
class ServerHandle:
    url: str
    database_url: str
    settings: ServerSettings


ADMIN_PASSWORD = "a long admin password"


def make_admin(
    database_url: str, clinic: str, *, email: str | None = None, password: str = ADMIN_PASSWORD
) -> str:
    """An active administrator of ``clinic`` in the server's records (``server create-admin``)."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            user_id = create_admin(
                session,
                clinic=clinic,
                email=email or f"admin-{uuid.uuid4().hex[:8]}@clinic.org",
                first_name="Ada",
                last_name="Admin",
                password=password,
                node="a1",
            )
    finally:
        engine.dispose()
    return str(user_id)


class Device:
    """An enrolled test device: signs a fresh token per request unless given one."""

    def __init__(self, server: ServerHandle, key: Ed25519PrivateKey, enrolled: dict[str, str]):
        self.server = server
        self.key = key
        self.device_id = enrolled["device_id"]
        self.clinic_id = enrolled["clinic_id"]
        self.clinic_name = enrolled.get("clinic_name", "")
        self.server_id = enrolled["server_id"]
        self.http = httpx.Client(base_url=server.url, timeout=30)
        self.grant: str | None = None
        """A proof of a person's sign-in, sent with every push (see :meth:`sign_in`)."""
        self.acting: str | None = None
        """That person: the ``actor`` of pushed changes that name none."""

    def on(self, server: ServerHandle) -> Device:
        """The same device talking to another server process (same database)."""
        enrolled = {"device_id": self.device_id, "clinic_id": self.clinic_id}
        other = Device(server, self.key, {**enrolled, "server_id": self.server_id})
        other.grant, other.acting = self.grant, self.acting
        return other

    def sign_in(self, user: str, password: str = ADMIN_PASSWORD) -> httpx.Response:
        """Ask the server for a proof of ``user``'s sign-in; kept for later pushes when given."""
        response = self.request("POST", "/v1/grants", json={"user": user, "password": password})
        if response.status_code == 200:
            self.grant, self.acting = response.json()["grant"], response.json()["user_id"]
        return response

    def act_as_admin(self) -> str:
        """A new administrator of this device's clinic, signed in online here; their id."""
        user_id = make_admin(self.server.database_url, self.clinic_name)
        response = self.sign_in(user_id)
        assert response.status_code == 200, response.text
        return user_id

    def token(self, *, headers: dict[str, Any] | None = None, **overrides: Any) -> str:
        issued = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.device_id,
            "sub": self.device_id,
            "aud": self.server_id,
            "iat": issued,
            "exp": issued + 120,
            "jti": uuid.uuid4().hex,
        }
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(
            claims, self.key, algorithm="EdDSA", headers={"kid": self.device_id, **(headers or {})}
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        sent = {PROTOCOL_HEADER: "1", "Authorization": f"Bearer {token or self.token()}"}
        sent.update(headers or {})
        return self.http.request(method, path, headers=sent, **kwargs)

    def push(
        self, *changes: dict[str, Any], key: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Idempotency-Key": key or new_id(), **kwargs.pop("headers", {})}
        sent = list(changes)
        if self.grant is not None:
            headers.setdefault(ADMIN_GRANT_HEADER, self.grant)
            sent = [{**c, "actor": self.acting} if c.get("actor") is None else c for c in sent]
        return self.request("POST", "/v1/push", json={"changes": sent}, headers=headers, **kwargs)

    def push_ok(self, *changes: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.push(*changes)
        assert response.status_code == 200, response.text
        return list(response.json()["results"])

    def pull(self, cursor: str = "0", limit: int | None = None) -> httpx.Response:
        params: dict[str, Any] = {"cursor": cursor}
        if limit is not None:
            params["limit"] = limit
        return self.request("GET", "/v1/pull", params=params)

    def pull_all(self) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = []
        cursor = "0"
        while True:
            page = self.pull(cursor, limit=1000).json()
            changes.extend(page["changes"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return changes

    def state(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The latest pulled version of every row, by (entity, entity_id)."""
        return {(c["entity"], c["entity_id"]): c for c in self.pull_all()}


def enroll_device(
    server: ServerHandle, clinic: str, *, name: str = "kiosk", role: str = "admin"
) -> Device:
    """A device of ``clinic`` with ``role`` (admin by default: the merge tests may do anything;
    the access-control tests say which role they attack from)."""
    key = Ed25519PrivateKey.generate()
    code = create_enroll_code(server.database_url, clinic, role=role)
    response = httpx.post(
        f"{server.url}/v1/enroll",
        json={"code": code, "public_key": public_key_text(key), "device_name": name},
        headers={PROTOCOL_HEADER: "1"},
    )
    assert response.status_code == 200, response.text
    return Device(server, key, response.json())


def forged_grant(device: Device, secret: str, user: str, hashed: str, **overrides: Any) -> str:
    """An admin grant signed with ``secret`` (the server's, read from its database, or another),
    for ``user`` on ``device`` and the password hash ``hashed``; ``overrides`` replace claims."""
    now = int(time.time())
    claims = {
        "iss": device.server_id,
        "aud": device.server_id,
        "typ": "admin_grant",
        "sub": user,
        "device": device.device_id,
        "clinic": device.clinic_id,
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "pwv": password_tag(hashed),
        **overrides,
    }
    return jwt.encode(claims, secret, algorithm="HS256")
