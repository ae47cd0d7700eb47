"""``POST /v1/grants``: a proof of a person's sign-in, which admin-authority changes must carry.

A device's token proves which device speaks, never which person sat at it. A staff member's
password, checked here against the server's own copy of the account, earns the device a short-lived
HS256 JWT (the key never leaves the server, so only the server can make or check one) naming the
clinic, the device and the user. Pushes carry it (``ADMIN_GRANT_HEADER``); :mod:`server.authorize`
accepts an administrator's change only with a valid one of that administrator, issued to that
device. Every grant given or refused is audited in the clinic's log.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from typing import Any

import jwt
from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from core.audit.actions import ADMIN_GRANT_ISSUED, ADMIN_GRANT_REFUSED
from core.auth.passwords import burn_equal_time, hash_policy_problem, verify_password
from core.sync.protocol import ADMIN_GRANT_LIFETIME_S, GrantRequest, GrantResponse
from server.audit import ServerEvent, append_events, server_node
from server.auth import AuthedDevice
from server.authorize import NO_PROOF, Proof
from server.db import lock_key
from server.deps import DeviceDep, ServerState, StateDep
from server.errors import ApiError, error_responses
from server.models import Record
from server.records import canonical_id
from server.storable import text_problem

router = APIRouter(tags=["grants"])
KIND = "admin_grant"
ALGORITHM = "HS256"
REQUIRED = ["exp", "iat", "iss", "aud", "sub", "jti", "typ", "device", "clinic", "pwv"]
IAT_LEEWAY_S = 30  # servers behind one balancer whose clocks differ by a few seconds
REFUSED = (
    "Wrong user or password, or this account may not act for this clinic from this device. "
    "Sign-in on this device is unaffected; administrator changes wait until it works."
)


def check_grant(
    token: str | None, device: AuthedDevice, *, secret: str, server_id: str, now: float
) -> Proof:
    """The user ``token`` proves signed in on ``device``; never raises."""
    if not token:
        return NO_PROOF
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=server_id,
            issuer=server_id,
            leeway=IAT_LEEWAY_S,
            options={"require": REQUIRED, "verify_exp": False},
        )
    except jwt.PyJWTError:
        return Proof(None, "the proof of sign-in is not one this server issued")
    if claims["typ"] != KIND or claims["clinic"] != str(device.clinic_id):
        return Proof(None, "the proof of sign-in is not one this server issued")
    if claims["device"] != str(device.device_id):
        return Proof(None, "the proof of sign-in was issued to another device")
    if not isinstance(claims["exp"], int) or claims["exp"] <= now:
        return Proof(None, "the proof of sign-in has expired; sign in again online")
    return Proof(canonical_id(claims["sub"]), "", password=str(claims["pwv"]))


def password_tag(hashed: Any) -> str:
    """Names the password hash a grant was issued under, so a reset ends the grant; reveals
    nothing of the hash (which the device may hold anyway)."""
    return hashlib.sha256(str(hashed).encode("utf-8")).hexdigest()[:32]


def still_holds(proof: Proof, account: Record | None) -> Proof:
    """``proof``, if its user's password is still the one it was issued under (checked once per
    push, against the server's records under the clinic's push lock)."""
    if proof.user_id is None:
        return proof
    if account is None or password_tag(account.fields.get("hashed_password")) != proof.password:
        why = "the password changed since the proof of sign-in was issued; sign in again online"
        return Proof(None, why)
    return proof


def _account(session: Session, clinic_id: uuid.UUID, user: str) -> Record | None:
    wanted = canonical_id(user.strip())
    match = Record.entity_id == wanted if wanted else Record.email_key == user.strip().lower()
    return session.scalar(
        select(Record).where(
            Record.clinic_id == clinic_id,
            Record.entity == "users",
            Record.deleted.is_(False),
            match,
        )
    )


def _audit(
    state: ServerState, device: AuthedDevice, action: str, user_id: str | None, **details: Any
) -> None:
    event = ServerEvent(
        action=action,
        actor_id=user_id,
        target_type="users",
        target_id=user_id,
        details={"by_device": str(device.device_id), "device_role": device.role, **details},
    )
    with state.sessions() as session, session.begin():
        lock = lock_key("clinic", str(device.clinic_id))  # the chain's writers take turns
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
        append_events(session, device.clinic_id, server_node(state.server_id), [event])


def _unfit(account: Record | None) -> str | None:
    """Why no password is checked for ``account`` at all; None for a staff account to check."""
    if account is None:
        return "unknown_user"
    fields = account.fields
    if fields.get("is_active") is False or fields.get("role") == "patient":
        return "not_allowed"
    hashed = fields.get("hashed_password")
    if not isinstance(hashed, str):
        return "not_allowed"  # an account with no password
    if hash_policy_problem(hashed) is not None:
        return "hash_not_allowed"  # never pay a cost the hash itself names (an older push)
    return None


def issue(state: ServerState, device: AuthedDevice, request: GrantRequest) -> GrantResponse:
    """A grant for the account named, if the password is its own; one refusal, after the same
    time, for everything else (unknown user, patient, deactivated, wrong password), audited."""
    with state.sessions() as session:
        account = _account(session, device.clinic_id, request.user)
    state.limits.check_grant_account(
        account.entity_id if account is not None else request.user.strip().lower()
    )
    reason = _unfit(account)
    if reason is not None:
        burn_equal_time(request.password)
    else:
        assert account is not None
        matches, _ = verify_password(request.password, account.fields["hashed_password"])
        reason = None if matches else "wrong_password"
    user_id = account.entity_id if account is not None else None
    if reason is not None:
        _audit(state, device, ADMIN_GRANT_REFUSED, user_id, reason=reason)
        raise ApiError(403, "grant_refused", REFUSED)
    assert account is not None and user_id is not None
    issued = int(time.time())
    expires = issued + ADMIN_GRANT_LIFETIME_S
    grant_id = uuid.uuid4().hex
    claims: dict[str, Any] = {
        "iss": state.server_id,
        "aud": state.server_id,
        "typ": KIND,
        "sub": user_id,
        "device": str(device.device_id),
        "clinic": str(device.clinic_id),
        "iat": issued,
        "exp": expires,
        "jti": grant_id,
        "pwv": password_tag(account.fields["hashed_password"]),
    }
    token = jwt.encode(claims, state.grant_secret, algorithm=ALGORITHM)
    _audit(state, device, ADMIN_GRANT_ISSUED, user_id, grant_id=grant_id, expires_at=expires)
    return GrantResponse(grant=token, user_id=user_id, expires_at=expires)


def _refuse_kiosk(state: ServerState, device: AuthedDevice) -> None:
    state.limits.check_grant(str(device.device_id))  # first: a kiosk cannot flood the audit log
    if device.role == "kiosk":
        _audit(state, device, ADMIN_GRANT_REFUSED, None, reason="kiosk")
        raise ApiError(403, "role_not_allowed", "A kiosk cannot act for a signed-in staff member")


async def _read_body(request: Request) -> GrantRequest:
    try:
        body = GrantRequest.model_validate(json.loads(await request.body()))
    except (ValueError, UnicodeDecodeError) as exc:
        detail = exc.errors() if isinstance(exc, ValidationError) else [{"msg": str(exc)}]
        raise RequestValidationError(
            [{"loc": ("body",), "msg": str(e.get("msg")), "type": "invalid"} for e in detail]
        ) from exc
    for name in ("user", "password"):
        problem = text_problem(getattr(body, name))  # PostgreSQL and bcrypt refuse these
        if problem:
            raise RequestValidationError(
                [{"loc": ("body", name), "msg": f"the {name} {problem}", "type": "invalid"}]
            )
    return body


@router.post(
    "/v1/grants",
    response_model=GrantResponse,
    responses=error_responses(401, 403, 413, 422, 429),
    summary="Exchange a staff member's password for a proof of their sign-in on this device",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/GrantRequest"}}
            },
        }
    },
)
async def grant_route(request: Request, device: DeviceDep, state: StateDep) -> GrantResponse:
    """The device's token is checked (the dependency) before the body is read."""
    await run_in_threadpool(_refuse_kiosk, state, device)
    body = await _read_body(request)
    return await run_in_threadpool(issue, state, device, body)
