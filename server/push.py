"""``POST /v1/push``: a batch of changes merged in one transaction, exactly once per idempotency key.

Two PostgreSQL advisory locks, both released by commit or by a dropped connection (so a killed
worker leaves nothing stuck): a try-lock on (device, key) answers a concurrent retry with 409, and a
per-clinic lock serialises the clinic's pushes, so that ``server_seq`` follows commit order within a
clinic (a puller can never skip a row committed late) and the uniqueness checks cannot race.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from core.storage.changes import LOCAL_ONLY
from core.storage.hlc import MAX_DRIFT_MS, Timestamp
from core.sync.codec import APPLY_ORDER
from core.sync.protocol import ADMIN_GRANT_HEADER, PushRequest, PushResponse
from core.sync.schema import field_problems
from server import blob_files
from server.audit import AuditTrail, server_node
from server.auth import AuthedDevice
from server.authorize import NO_PROOF, Proof
from server.blobs import forget_blobs
from server.db import lock_key
from server.deps import DeviceDep, ServerState, StateDep
from server.errors import ApiError, error_responses
from server.grants import check_grant, still_holds
from server.models import IdempotencyKey
from server.records import Batch, apply_change
from server.storable import json_problem

router = APIRouter(tags=["sync"])
# The body is parsed by hand after authentication (read_push_body); documented here instead.
PUSH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}},
    }
}
CROSS_CLINIC = "uq_records_entity_id"
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout expired while waiting for the clinic's lock
_KEY = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)


def request_hash(request: PushRequest) -> str:
    """The body's fingerprint after parsing, so spacing and key order do not make a new request."""
    body = request.model_dump(mode="json")
    for change in body["changes"]:
        if change.get("actor") is None:
            change.pop("actor", None)  # as before acting users existed: stored keys still match
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_clocks(request: PushRequest, *, now_ms: int) -> None:
    """Refuse changes stamped more than 5 minutes ahead: they would win every merge for ever."""
    for change in request.changes:
        for stamp in (change.hlc, *change.clocks.values()):
            if not stamp.isascii():  # Python's \d also matches other scripts' digits
                raise ApiError(
                    422, "invalid_change", f"{change.entity} {change.entity_id}: clocks use 0-9"
                )
            ahead = Timestamp.decode(stamp).wall_ms - now_ms
            if ahead > MAX_DRIFT_MS:
                raise ApiError(
                    409,
                    "clock_skew",
                    f"{change.entity} {change.entity_id} is stamped {ahead / 60000:.0f} minutes "
                    "ahead of the server's clock. Fix the device's date and time; nothing was merged.",
                )


def check_changes(request: PushRequest) -> None:
    """Refuse what cannot be merged (values without clocks) or stored (NUL, NaN, a column or kind
    the devices' schema does not have)."""
    for change in request.changes:
        # Devices key images by SHA-256 and every other row by UUID; a row keyed the other way
        # would be accepted here and then break every device that pulls it.
        if (len(change.entity_id) == 64) != (change.entity == "images"):
            kind = "a SHA-256" if change.entity == "images" else "a UUID"
            raise ApiError(
                422, "invalid_change", f"{change.entity} {change.entity_id}: the id must be {kind}"
            )
        problem = json_problem(change.fields)
        if problem:
            raise ApiError(422, "invalid_change", f"{change.entity} {change.entity_id}: {problem}")
        unclocked = sorted(set(change.fields) - set(change.clocks))
        if change.op == "upsert" and unclocked:
            raise ApiError(
                422,
                "invalid_change",
                f"{change.entity} {change.entity_id}: fields without a clock cannot be merged "
                f"({', '.join(unclocked[:5])})",
            )
        # Columns and kinds of the devices' schema: a value a device cannot store would break
        # every pull of the clinic. Local-only columns are dropped later, not refused.
        local_only = LOCAL_ONLY.get(change.entity, frozenset())
        synced = {k: v for k, v in change.fields.items() if k not in local_only}
        problems = field_problems(change.entity, synced)
        if problems:
            raise ApiError(
                422,
                "invalid_change",
                f"{change.entity} {change.entity_id}: {'; '.join(problems[:5])}",
            )


def _apply(
    session: Session,
    device: AuthedDevice,
    request: PushRequest,
    *,
    now_ms: int,
    node: str,
    proof: Proof,
) -> tuple[PushResponse, list[str]]:
    """The answer, and the blob files of images this batch erased (removed after commit).

    Changes are applied parents first (a consent before the analysis taken under it) and
    answered in the order they came.
    """
    trail = AuditTrail(node, device.device_id, device.name, device.role)
    batch = Batch(
        session=session,
        clinic_id=device.clinic_id,
        device_id=device.device_id,
        role=device.role,
        trail=trail,
        proof=proof,
    )
    batch.load(request.changes)
    if proof.user_id is not None:
        batch.proof = still_holds(proof, batch.row(("users", proof.user_id)))
    order = sorted(
        range(len(request.changes)),
        key=lambda i: APPLY_ORDER.get(request.changes[i].entity, 99),
    )
    answered = {i: apply_change(batch, request.changes[i]) for i in order}
    results = [answered[i] for i in range(len(request.changes))]
    session.flush()
    trail.write(session, device.clinic_id)
    files = forget_blobs(session, device.clinic_id, digests=batch.erased_images)
    return PushResponse(results=results, server_time_ms=now_ms), files


def push(
    session: Session,
    device: AuthedDevice,
    *,
    key: str,
    request: PushRequest,
    blob_dir: Path,
    node: str,
    lock_timeout_s: float = 30.0,
    proof: Proof = NO_PROOF,
) -> PushResponse:
    """Apply ``request`` once; a replay of the same key and body gets the stored answer."""
    fingerprint = request_hash(request)
    with session.begin():
        timeout_ms = max(1, int(lock_timeout_s * 1000))
        session.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
        idem_lock = lock_key("push", str(device.device_id), key)
        if not session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": idem_lock}):
            raise ApiError(
                409, "request_in_progress", "This batch is still being applied; retry shortly"
            )
        stored = session.get(IdempotencyKey, (device.device_id, key))
        if stored is not None:
            if stored.request_hash != fingerprint:
                raise ApiError(
                    422,
                    "idempotency_key_reused",
                    "This Idempotency-Key was used for a different batch; use a new key",
                )
            return PushResponse.model_validate(stored.response)
        now_ms = time.time_ns() // 1_000_000
        check_clocks(request, now_ms=now_ms)
        check_changes(request)
        session.execute(
            text("SELECT pg_advisory_xact_lock(:k)"),
            {"k": lock_key("clinic", str(device.clinic_id))},
        )
        try:
            response, erased_files = _apply(
                session, device, request, now_ms=now_ms, node=node, proof=proof
            )
        except IntegrityError as exc:
            # Only a row created at the same moment in another clinic can collide here.
            if getattr(getattr(exc.orig, "diag", None), "constraint_name", "") != CROSS_CLINIC:
                raise
            raise ApiError(
                403, "wrong_clinic", "A row in this batch belongs to another clinic"
            ) from exc
        session.add(
            IdempotencyKey(
                device_id=device.device_id,
                key=key,
                request_hash=fingerprint,
                status=200,
                response=response.model_dump(mode="json"),
            )
        )
    for relative in erased_files:
        blob_files.remove(blob_files.absolute(blob_dir, relative))
    return response


def _idempotency_key(value: str | None) -> str:
    if value is None:
        raise ApiError(400, "idempotency_key_missing", "Send an Idempotency-Key header (a UUID)")
    if not _KEY.match(value):
        raise ApiError(400, "invalid_idempotency_key", "The Idempotency-Key must be a UUID")
    return str(uuid.UUID(value))


async def read_push_body(request: Request) -> PushRequest:
    """The batch, read and parsed only now: the device's token was checked first (the route's
    dependency), so an unauthenticated caller never makes the server parse 8 MB of JSON."""
    raw = await request.body()
    try:
        # json.loads, as FastAPI would: it keeps lone surrogates and NUL for check_changes to
        # refuse by name (422 invalid_change) where pydantic's parser would refuse the body.
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": f"not JSON: {exc}", "type": "json_invalid"}]
        ) from exc
    try:
        return PushRequest.model_validate(parsed)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from exc


def _push_in_session(
    state: ServerState,
    device: AuthedDevice,
    *,
    key: str,
    request: PushRequest,
    grant: str | None,
) -> PushResponse:
    proof = check_grant(
        grant, device, secret=state.grant_secret, server_id=state.server_id, now=time.time()
    )
    try:
        with state.sessions() as session:
            return push(
                session,
                device,
                key=key,
                request=request,
                blob_dir=state.settings.blob_dir,
                node=server_node(state.server_id),
                lock_timeout_s=state.settings.lock_timeout_s,
                proof=proof,
            )
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        raise ApiError(
            503, "server_busy", "The clinic's other pushes are taking long; retry shortly"
        ) from exc


@router.post(
    "/v1/push",
    response_model=PushResponse,
    responses=error_responses(400, 401, 403, 409, 413, 422, 429, 503),
    summary="Merge a batch of changes (idempotent per Idempotency-Key)",
    openapi_extra=PUSH_BODY,
)
async def push_route(
    request: Request,
    device: DeviceDep,
    state: StateDep,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", description="a UUID per batch")
    ] = None,
    grant: Annotated[
        str | None,
        Header(
            alias=ADMIN_GRANT_HEADER,
            max_length=4096,
            description="a proof of the acting user's sign-in (POST /v1/grants), which "
            "changes needing an administrator's authority require",
        ),
    ] = None,
) -> PushResponse:
    key = _idempotency_key(idempotency_key)
    body = await read_push_body(request)
    return await run_in_threadpool(
        _push_in_session, state, device, key=key, request=body, grant=grant
    )
