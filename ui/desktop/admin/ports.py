"""What the Administration page needs from the app. Every call is for administrators only:
``manage_users`` (accounts), ``read_audit`` (the audit log) and ``manage_settings`` (settings and
devices); a clinician's session is refused by the service, not only hidden by the screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from ui.desktop.ports import SessionInfo

STAFF_ROLES = ("clinician", "admin", "kiosk")


@dataclass(frozen=True)
class AccountRow:
    user_id: str
    email: str
    name: str
    role: str
    active: bool
    locked: bool
    last_login: datetime | None


@dataclass(frozen=True)
class NewAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    password: str


@dataclass(frozen=True)
class Person:
    """Someone who can appear in the audit log, for its filter."""

    person_id: str
    label: str


@dataclass(frozen=True)
class AuditQuery:
    person_id: str | None = None
    patient: str = ""
    """Part of a patient's name or email (every patient it matches)."""
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 500


@dataclass(frozen=True)
class AuditRow:
    when: datetime
    who: str
    action: str
    about: str
    details: str
    device: str


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    more: bool
    """More events match than ``limit``: narrow the filter (the export takes them all)."""


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    summary: str
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeviceSettings:
    clinic_name: str
    clinic_logo: str
    idle_lock_minutes: int
    kiosk_idle_seconds: int
    camera: str
    retention_days: int | None
    """Days the clinic keeps analyses and photos; None keeps them until erased."""


@dataclass(frozen=True)
class DeviceStatus:
    enrolled: bool
    server_url: str
    clinic_name: str
    device_id: str
    pending_changes: int
    last_success: datetime | None
    last_error: str
    conflicts: int
    devices_note: str
    recent_conflicts: tuple[str, ...] = field(default_factory=tuple)
    online_sign_in: str = ""
    """Whose proof of an online sign-in this device holds, and until when; or why none."""
    waiting_for_sign_in: int = 0
    """Changes held until the person they act for signs in online here."""


class AdminPort(Protocol):
    def list_accounts(self, session: SessionInfo) -> list[AccountRow]: ...

    def create_account(self, session: SessionInfo, account: NewAccount) -> AccountRow: ...

    def set_account_role(self, session: SessionInfo, email: str, role: str) -> None: ...

    def unlock_account(self, session: SessionInfo, email: str) -> None: ...

    def deactivate_account(self, session: SessionInfo, email: str) -> None: ...

    def reset_password(self, session: SessionInfo, email: str, password: str) -> None: ...

    def audit_people(self, session: SessionInfo) -> list[Person]: ...

    def audit_actions(self, session: SessionInfo) -> list[str]: ...

    def find_audit(self, session: SessionInfo, query: AuditQuery) -> AuditPage: ...

    def export_audit(self, session: SessionInfo, query: AuditQuery, target: Path) -> Path: ...

    def verify_audit(self, session: SessionInfo) -> ChainStatus: ...

    def device_settings(self, session: SessionInfo) -> DeviceSettings: ...

    def save_device_settings(
        self, session: SessionInfo, settings: DeviceSettings
    ) -> DeviceSettings: ...

    def device_status(self, session: SessionInfo) -> DeviceStatus: ...
