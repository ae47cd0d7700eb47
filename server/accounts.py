"""A clinic's first administrator, made on the server (``skinlab server create-admin``).

An enrolled device never creates its own administrator (its first-run screen says so): the admin
comes from the server, as an ordinary ``users`` record of the clinic that the clinic's
workstations and admin devices pull, and that no kiosk ever receives.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.auth.passwords import check_password_rules, hash_password
from core.errors import NotFoundError, ValidationError
from core.storage.repositories.validation import check_name, normalise_email
from core.sync.schema import field_problems
from server.db import lock_key
from server.models import Clinic, Record


def create_admin(
    session: Session,
    *,
    clinic: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    node: str,
) -> uuid.UUID:
    """Add an administrator account to ``clinic``; its devices receive it at their next pull."""
    found = session.scalar(select(Clinic).where(Clinic.name == " ".join(clinic.split())))
    if found is None:
        raise NotFoundError(f"No clinic named {clinic!r} on this server")
    address = normalise_email(email)
    check_password_rules(password)
    # The clinic's push lock: server_seq follows commit order, and the email check cannot race.
    session.execute(
        text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key("clinic", str(found.clinic_id))}
    )
    taken = session.scalar(
        select(Record.entity_id).where(
            Record.clinic_id == found.clinic_id, Record.email_key == address
        )
    )
    if taken is not None:
        raise ValidationError(f"{address} already has an account in {found.name}")
    moment = datetime.now(UTC).isoformat()
    fields: dict[str, Any] = {
        "email": address,
        "first_name": check_name(first_name, field="first name"),
        "last_name": check_name(last_name, field="last name"),
        "hashed_password": hash_password(password),
        "age": None,
        "skin_type": None,
        "is_active": True,
        "preferences": {},
        "profile_picture_url": None,
        "birth_year": None,
        "fitzpatrick_type": None,
        "fragrance_free": False,
        "pregnancy": False,
        "sensitive_skin": False,
        "role": "admin",
        "created_at": moment,
        "updated_at": moment,
    }
    problems = field_problems("users", fields)
    if problems:  # the devices' schema changed under this code: refuse rather than break pulls
        raise ValidationError("; ".join(problems))
    user_id = uuid.uuid4()
    stamp = f"{time.time_ns() // 1_000_000:013d}-000000-{node}"
    session.add(
        Record(
            clinic_id=found.clinic_id,
            entity="users",
            entity_id=str(user_id),
            fields=fields,
            clocks=dict.fromkeys(fields, stamp),
            hlc=stamp,
            deleted=False,
            email_key=address,
        )
    )
    return user_id
