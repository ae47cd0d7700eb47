"""This device's sync facts, kept in the ``sync_state`` table so they survive crashes and restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.storage.database import Database
from core.storage.models import SyncState

SERVER_URL = "server_url"
DEVICE_ID = "device_id"
SERVER_ID = "server_id"
CLINIC_ID = "clinic_id"
CLINIC_NAME = "clinic_name"
ROLE = "device_role"  # kiosk, workstation or admin: chosen on the server, told at each pull
CURSOR = "cursor"
LAST_SUCCESS = "last_success"
LAST_ATTEMPT = "last_attempt"
LAST_ERROR = "last_error"
# The server's proof that a person signed in online here (core.sync.grants); never a password.
GRANT = "admin_grant"
GRANT_USER = "admin_grant_user"
GRANT_EXPIRES = "admin_grant_expires"
GRANT_NOTE = "admin_grant_note"


def get(session: Session, key: str) -> str | None:
    return session.scalar(select(SyncState.value).where(SyncState.key == key))


def put(session: Session, key: str, value: str) -> None:
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value


def read_all(db: Database) -> dict[str, str]:
    with db.read() as session:
        return {row.key: row.value for row in session.scalars(select(SyncState))}


def write(db: Database, **values: str) -> None:
    with db.write() as session:
        for key, value in values.items():
            put(session, key, value)


@dataclass(frozen=True)
class Enrollment:
    server_url: str
    device_id: str
    server_id: str
    clinic_id: str
    clinic_name: str
    role: str = "kiosk"


def enrollment(db: Database) -> Enrollment | None:
    facts = read_all(db)
    try:
        return Enrollment(
            server_url=facts[SERVER_URL],
            device_id=facts[DEVICE_ID],
            server_id=facts[SERVER_ID],
            clinic_id=facts[CLINIC_ID],
            clinic_name=facts.get(CLINIC_NAME, ""),
            role=facts.get(ROLE, "kiosk"),
        )
    except KeyError:
        return None


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
