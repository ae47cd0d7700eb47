"""Enrollment: an admin's one-time code turns a device's fresh public key into a registered device.

Codes are random (80 bits), short-lived and stored only as their SHA-256. A code enrolls one device
once; the same device retrying with the same key (its answer was lost) gets the same registration.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.sync.protocol import DEVICE_ROLES, EnrollRequest, EnrollResponse
from server.auth import decode_public_key
from server.deps import StateDep
from server.errors import ApiError, error_responses
from server.models import Clinic, Device, EnrollmentCode
from server.storable import text_problem

# Crockford's base32: no I, L, O, U, so a code read aloud or typed from paper survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 4
MAX_TTL_HOURS = 24 * 30

router = APIRouter(tags=["enrollment"])


def generate_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(CODE_GROUPS))
    return "-".join(groups)


def code_hash(code: str) -> str:
    """The stored form: dashes, spaces and case do not matter when the code is typed."""
    canonical = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(canonical.encode()).hexdigest()


def clean_clinic_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= 200:
        raise ValidationError("A clinic name has 1-200 characters")
    return cleaned


def create_code(session: Session, *, clinic: str, role: str, ttl_hours: float = 24) -> str:
    """A new one-time code for ``clinic`` (created when new) that enrolls a device with ``role``;
    only its hash is stored."""
    if role not in DEVICE_ROLES:
        raise ValidationError(f"A device role is one of {', '.join(DEVICE_ROLES)}, not {role!r}")
    if not 0 < ttl_hours <= MAX_TTL_HOURS:
        raise ValidationError(f"A code lives more than 0 and at most {MAX_TTL_HOURS} hours")
    name = clean_clinic_name(clinic)
    problem = text_problem(name)
    if problem:
        raise ValidationError(f"The clinic name {problem}")
    found = session.scalar(select(Clinic).where(Clinic.name == name))
    if found is None:
        found = Clinic(clinic_id=uuid.uuid4(), name=name)
        session.add(found)
        session.flush()
    code = generate_code()
    session.add(
        EnrollmentCode(
            code_hash=code_hash(code),
            clinic_id=found.clinic_id,
            role=role,
            expires_at=datetime.now(UTC) + timedelta(hours=ttl_hours),
        )
    )
    return code


def _answer(device: Device, clinic: Clinic, server_id: str) -> EnrollResponse:
    return EnrollResponse(
        device_id=str(device.device_id),
        clinic_id=str(clinic.clinic_id),
        clinic_name=clinic.name,
        server_id=server_id,
        role=device.role,
    )


def enroll(session: Session, request: EnrollRequest, *, server_id: str) -> EnrollResponse:
    problem = text_problem(request.device_name)
    if problem:
        raise ApiError(422, "invalid_request", f"The device name {problem}")
    try:
        decode_public_key(request.public_key)
    except ValueError as exc:
        raise ApiError(422, "invalid_public_key", f"The public key is unusable: {exc}") from exc
    key_text = request.public_key.rstrip("=")
    code = session.scalar(
        select(EnrollmentCode)
        .where(EnrollmentCode.code_hash == code_hash(request.code))
        .with_for_update()
    )
    if code is None:
        raise ApiError(401, "invalid_code", "This enrollment code is not known to this server")
    clinic = session.get_one(Clinic, code.clinic_id)
    if code.device_id is not None:
        earlier = session.get_one(Device, code.device_id)
        if earlier.public_key == key_text and earlier.revoked_at is None:
            return _answer(earlier, clinic, server_id)  # a retry whose answer was lost
        raise ApiError(401, "code_used", "This enrollment code was already used; ask for a new one")
    if code.expires_at <= datetime.now(UTC):
        raise ApiError(401, "code_expired", "This enrollment code has expired; ask for a new one")
    if session.scalar(select(Device.device_id).where(Device.public_key == key_text)) is not None:
        raise ApiError(409, "key_in_use", "This public key already belongs to an enrolled device")
    device = Device(
        device_id=uuid.uuid4(),
        clinic_id=code.clinic_id,
        name=" ".join(request.device_name.split()) or "device",
        public_key=key_text,
        role=code.role,
    )
    session.add(device)
    session.flush()
    code.used_at = datetime.now(UTC)
    code.device_id = device.device_id
    return _answer(device, clinic, server_id)


@router.post(
    "/v1/enroll",
    response_model=EnrollResponse,
    responses=error_responses(401, 409, 413, 422, 429),
    summary="Register a device's public key with a one-time code",
)
def enroll_route(body: EnrollRequest, state: StateDep) -> EnrollResponse:
    state.limits.check_enroll()
    with state.sessions() as session, session.begin():
        return enroll(session, body, server_id=state.server_id)
