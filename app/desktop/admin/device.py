"""This device's settings and sync status, for administrators (``manage_settings``).

Enrolled devices: the sync server lists a clinic's devices only to its operator
(``skinlab server devices``, on the server's database); its API offers no list to a device, even one
an administrator is signed in on. So the page shows this device's own enrollment and sync state and
says so. What is missing: an administrator-signed ``GET /v1/devices`` on the server.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Final

from app.context import AppContext
from app.desktop.access import actor
from app.desktop.admin.settings_store import DesktopConfigStore, DesktopFile
from app.kiosk.config import KioskConfigStore
from core.audit.actions import SETTINGS_CHANGED
from core.auth import Permission
from core.errors import ValidationError
from core.storage.repositories import audit
from core.sync import state
from core.sync.service import SyncStatus
from ui.desktop.admin.ports import DeviceSettings, DeviceStatus
from ui.desktop.ports import SessionInfo

DEVICES_NOTE: Final = (
    "The sync server does not list its devices to a device: an administrator sees them with "
    "'skinlab server devices' on the server. Listing them here needs an administrator-signed "
    "device list in the server's API (GET /v1/devices), which it does not offer yet."
)
DEFAULT_KIOSK_IDLE: Final = 90


class DeviceServices:
    """A part of ``DesktopServices`` (which sets ``ctx``)."""

    ctx: AppContext

    def device_settings(self, session: SessionInfo) -> DeviceSettings:
        actor(self.ctx, session, Permission.MANAGE_SETTINGS)
        return self._current()

    def _current(self) -> DeviceSettings:
        settings = self.ctx.settings
        desk = DesktopConfigStore(settings).load()
        kiosk = KioskConfigStore(settings).load()
        logo = desk.clinic_logo or (str(settings.clinic_logo) if settings.clinic_logo else "")
        retention = None if desk.keep_forever else (desk.retention_days or settings.retention_days)
        return DeviceSettings(
            clinic_name=desk.clinic_name or settings.clinic_name,
            clinic_logo=logo,
            idle_lock_minutes=desk.idle_lock_minutes or settings.desktop_idle_lock_minutes,
            kiosk_idle_seconds=kiosk.idle_seconds or settings.kiosk_idle_seconds,
            camera=kiosk.camera or "auto",
            retention_days=retention,
        )

    def save_device_settings(self, session: SessionInfo, wanted: DeviceSettings) -> DeviceSettings:
        """Check every field, then write ``desktop.json`` (and ``kiosk.json`` for the kiosk's
        camera and idle time); audited with the names of the fields that changed."""
        admin = actor(self.ctx, session, Permission.MANAGE_SETTINGS)
        clean = _checked(wanted)
        before = self._current()
        changed = sorted(k for k, v in asdict(clean).items() if asdict(before)[k] != v)
        if not changed:
            return before
        DesktopConfigStore(self.ctx.settings).save(
            DesktopFile(
                clinic_name=clean.clinic_name,
                clinic_logo=clean.clinic_logo or None,
                idle_lock_minutes=clean.idle_lock_minutes,
                retention_days=clean.retention_days,
                keep_forever=clean.retention_days is None,
            )
        )
        kiosk = KioskConfigStore(self.ctx.settings)
        current = kiosk.load()
        kiosk.save(replace(current, camera=clean.camera, idle_seconds=clean.kiosk_idle_seconds))
        with self.ctx.database.write() as db:
            audit.record(db, SETTINGS_CHANGED, actor_id=admin.user_id, details={"fields": changed})
        return self._current()

    def device_status(self, session: SessionInfo) -> DeviceStatus:
        actor(self.ctx, session, Permission.MANAGE_SETTINGS)
        status = self.ctx.sync.status()
        facts = state.read_all(self.ctx.database)
        return DeviceStatus(
            enrolled=status.enrolled,
            server_url=status.server_url,
            clinic_name=status.clinic_name,
            device_id=facts.get(state.DEVICE_ID, ""),
            pending_changes=status.pending_changes,
            last_success=status.last_success,
            last_error=status.last_error,
            conflicts=status.conflicts,
            devices_note=DEVICES_NOTE,
            recent_conflicts=status.recent_conflicts,
            online_sign_in=_online(status),
            waiting_for_sign_in=status.waiting_for_sign_in,
        )


def _online(status: SyncStatus) -> str:
    if status.proof is not None:
        until = datetime.fromtimestamp(status.proof.expires_at).strftime("%d %b %Y %H:%M")
        return f"Proven by the server until {until}"
    return f"None ({status.proof_note})" if status.proof_note else "None"


def _checked(wanted: DeviceSettings) -> DeviceSettings:
    name = " ".join(wanted.clinic_name.split())
    if not name:
        raise ValidationError("Enter the clinic's name.")
    if len(name) > 120:
        raise ValidationError("The clinic's name is longer than 120 characters.")
    logo = wanted.clinic_logo.strip()
    if logo and not Path(logo).expanduser().is_file():
        raise ValidationError(f"The logo {logo} does not exist.")
    if not 1 <= wanted.idle_lock_minutes <= 24 * 60:
        raise ValidationError("The desktop's idle lock must be between 1 minute and 24 hours.")
    if not 20 <= wanted.kiosk_idle_seconds <= 3600:
        raise ValidationError("The kiosk's idle time must be between 20 seconds and one hour.")
    if wanted.retention_days is not None and wanted.retention_days <= 0:
        raise ValidationError("Keep data for at least one day, or choose to keep it until erased.")
    camera = _camera(wanted.camera)
    return replace(wanted, clinic_name=name, clinic_logo=logo, camera=camera)


def _camera(spec: str) -> str:
    """The kiosk camera's spec, checked by its form only (opening a webcam here would take it from
    a kiosk running on this machine): ``auto``, ``demo``, ``webcam[:N]``, ``file:VIDEO``,
    ``folder:PHOTOS``."""
    value = spec.strip() or "auto"
    kind, _, arg = value.partition(":")
    kind = kind.strip().lower()
    if kind in ("auto", "demo") and not arg:
        return kind
    if kind == "webcam" and (not arg or arg.strip().isdigit()):
        return value
    if kind in ("file", "folder") and arg.strip():
        return value
    raise ValidationError(
        f"'{spec}' is not a camera SkinLab knows: use auto, demo, webcam, webcam:1, "
        "file:VIDEO or folder:PHOTOS."
    )
