"""Plain functions behind ``skinlab serve`` and ``skinlab server ...``: no argparse here, so they
are easy to test and to call from other tools."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.chain import ChainReport
from core.errors import NotFoundError, ValidationError
from core.sync.protocol import DEVICE_ROLES
from server.audit import server_node
from server.audit_chain import verify_clinic
from server.config import ServerSettings, normalize_database_url
from server.db import migrate, opened, server_id
from server.enrollment import create_code
from server.models import Clinic, Device


@dataclass(frozen=True)
class DeviceInfo:
    device_id: str
    clinic: str
    name: str
    role: str
    enrolled_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


def serve(
    database_url: str,
    host: str = "127.0.0.1",
    port: int = 8765,
    blob_dir: Path | str = "skinlab-blobs",
    *,
    log_level: str = "INFO",
    **options: Any,
) -> None:
    """Run the server until interrupted (migrating the database first); ``options`` are
    :class:`ServerSettings` fields (docs, rate limits)."""
    # lazy: uvicorn and the app load only when the server runs, not for device commands
    import uvicorn

    from server.app import create_app
    from server.logs import configure_json_logging

    settings = ServerSettings(database_url=database_url, blob_dir=Path(blob_dir), **options)
    configure_json_logging(log_level)
    with opened(settings.database_url) as engine:
        migrate(engine)  # fail here, with one line, rather than inside uvicorn's start-up
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_config=None,
        access_log=False,  # RequestGuard writes one structured line per request
        proxy_headers=True,
        server_header=False,
    )


def create_enroll_code(database_url: str, clinic: str, *, role: str, ttl_hours: float = 24) -> str:
    """A one-time code enrolling one device of ``clinic`` (created when new) with ``role``."""
    with opened(normalize_database_url(database_url)) as engine:
        migrate(engine)
        with Session(engine) as session, session.begin():
            return create_code(session, clinic=clinic, role=role, ttl_hours=ttl_hours)


def set_device_role(database_url: str, device_id: str, role: str) -> None:
    """Change what an enrolled device may do and receive, from its next request on."""
    if role not in DEVICE_ROLES:
        raise ValidationError(f"A device role is one of {', '.join(DEVICE_ROLES)}, not {role!r}")
    wanted = _device_id(device_id)
    with opened(normalize_database_url(database_url)) as engine:
        migrate(engine)
        with Session(engine) as session, session.begin():
            device = session.get(Device, wanted)
            if device is None:
                raise NotFoundError(f"No device {wanted} is enrolled on this server")
            device.role = role


def _device_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError as exc:
        raise ValidationError(f"{text!r} is not a device id (a UUID)") from exc


def revoke_device(database_url: str, device_id: str) -> None:
    """Refuse every later request of the device; its data stays. Revoking twice is harmless."""
    url = normalize_database_url(database_url)
    wanted = _device_id(device_id)
    with opened(url) as engine:
        migrate(engine)
        with Session(engine) as session, session.begin():
            device = session.get(Device, wanted)
            if device is None:
                raise NotFoundError(f"No device {wanted} is enrolled on this server")
            if device.revoked_at is None:
                device.revoked_at = datetime.now(UTC)


def list_devices(database_url: str, *, clinic: str | None = None) -> list[DeviceInfo]:
    with opened(normalize_database_url(database_url)) as engine:
        migrate(engine)
        with Session(engine) as session:
            query = (
                select(Device, Clinic.name)
                .join(Clinic, Clinic.clinic_id == Device.clinic_id)
                .order_by(Clinic.name, Device.enrolled_at)
            )
            if clinic is not None:
                query = query.where(Clinic.name == " ".join(clinic.split()))
            return [
                DeviceInfo(
                    device_id=str(device.device_id),
                    clinic=clinic_name,
                    name=device.name,
                    role=device.role,
                    enrolled_at=device.enrolled_at,
                    last_seen_at=device.last_seen_at,
                    revoked_at=device.revoked_at,
                )
                for device, clinic_name in session.execute(query)
            ]


def set_clinic_quota(database_url: str, clinic: str, *, gigabytes: float | None) -> None:
    """The clinic's image quota in GB (None: back to the server's default)."""
    if gigabytes is not None and gigabytes <= 0:
        raise ValidationError("A quota is a positive number of gigabytes")
    with opened(normalize_database_url(database_url)) as engine:
        migrate(engine)
        with Session(engine) as session, session.begin():
            found = session.scalar(select(Clinic).where(Clinic.name == " ".join(clinic.split())))
            if found is None:
                raise NotFoundError(f"No clinic named {clinic!r} on this server")
            found.quota_bytes = None if gigabytes is None else int(gigabytes * 1024**3)


def create_clinic_admin(
    database_url: str, clinic: str, *, email: str, first_name: str, last_name: str, password: str
) -> str:
    """The clinic's administrator account, made on the server (an enrolled device makes none)."""
    # lazy: password hashing (argon2, a reference hash made at import) only for this command
    from server.accounts import create_admin

    with opened(normalize_database_url(database_url)) as engine:
        migrate(engine)
        node = server_node(server_id(engine))
        with Session(engine) as session, session.begin():
            user_id = create_admin(
                session,
                clinic=clinic,
                email=email,
                first_name=first_name,
                last_name=last_name,
                password=password,
                node=node,
            )
    return str(user_id)


def verify_clinic_audit(database_url: str, clinic: str) -> ChainReport:
    """Every device's audit chain (and the server's own) in the clinic's log."""
    with opened(normalize_database_url(database_url)) as engine:
        migrate(engine)
        with Session(engine) as session:
            found = session.scalar(select(Clinic).where(Clinic.name == " ".join(clinic.split())))
            if found is None:
                raise NotFoundError(f"No clinic named {clinic!r} on this server")
            return verify_clinic(session, found.clinic_id)
