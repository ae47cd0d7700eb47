"""Administration over the real database: accounts, the audit log and its chain, settings and
this device's sync status. A clinician's session is refused by every one of these calls."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.context import AppContext
from app.desktop.admin.audit_log import ERASED_ACCOUNT, ERASED_PATIENT
from app.desktop.admin.settings_store import with_desktop_file
from app.desktop.exports.atomic import ExportError
from app.desktop.services import DesktopServices
from core.errors import (
    InactiveUserError,
    PermissionDeniedError,
    SkinLabError,
    ValidationError,
)
from core.storage.models import AuditEvent, User
from core.storage.repositories import audit
from tests.helpers.desktop import PASSWORD, add_analysis, add_patients
from tests.helpers.mounts import fill
from ui.desktop.admin.ports import AuditQuery, DeviceSettings, NewAccount
from ui.desktop.ports import SessionInfo


@pytest.fixture
def services(ctx: AppContext, emails: dict[str, str]) -> DesktopServices:
    return DesktopServices(ctx)


def _as(services: DesktopServices, who: str, emails: dict[str, str]) -> SessionInfo:
    return services.login(emails[who], PASSWORD)


def _actions(ctx: AppContext) -> list[tuple[str, str | None, str | None]]:
    with ctx.database.read() as db:
        rows = db.execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.target_id).order_by(
                AuditEvent.chain_seq
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _user_id(ctx: AppContext, email: str) -> str:
    with ctx.database.read() as db:
        return str(db.scalar(select(User.user_id).where(User.email == email)))


SETTINGS = DeviceSettings(
    clinic_name="Rue Cler Dermatology",
    clinic_logo="",
    idle_lock_minutes=5,
    kiosk_idle_seconds=60,
    camera="webcam:1",
    retention_days=400,
)


def test_a_clinician_is_refused_every_administration_call(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    clinician = _as(services, "clinician", emails)
    calls: list[Callable[[], object]] = [
        lambda: services.list_accounts(clinician),
        lambda: services.create_account(
            clinician, NewAccount("x@clinic.org", "X", "Y", "admin", PASSWORD)
        ),
        lambda: services.set_account_role(clinician, emails["clinician"], "admin"),
        lambda: services.unlock_account(clinician, emails["clinician2"]),
        lambda: services.deactivate_account(clinician, emails["admin"]),
        lambda: services.reset_password(clinician, emails["admin"], "new password 1"),
        lambda: services.audit_people(clinician),
        lambda: services.audit_actions(clinician),
        lambda: services.find_audit(clinician, AuditQuery()),
        lambda: services.export_audit(clinician, AuditQuery(), tmp_path / "audit.csv"),
        lambda: services.verify_audit(clinician),
        lambda: services.device_settings(clinician),
        lambda: services.save_device_settings(clinician, SETTINGS),
        lambda: services.device_status(clinician),
    ]
    before = _actions(ctx)
    for call in calls:
        with pytest.raises(PermissionDeniedError):
            call()
    assert _actions(ctx) == before
    assert not (tmp_path / "audit.csv").exists()
    assert not (ctx.settings.data_dir / "desktop.json").exists()
    with ctx.database.read() as db:
        assert db.scalar(select(User.role).where(User.email == emails["clinician"])) == "clinician"


def test_accounts_create_role_unlock_deactivate_and_password(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str]
) -> None:
    admin = _as(services, "admin", emails)
    admin_id = _user_id(ctx, emails["admin"])
    listed = {a.email: a for a in services.list_accounts(admin)}
    assert set(listed) == {e for k, e in emails.items() if k != "patient"}
    made = services.create_account(
        admin, NewAccount("Rosalind@Clinic.org", "Rosalind", "Franklin", "clinician", PASSWORD)
    )
    assert (made.email, made.role, made.active) == ("rosalind@clinic.org", "clinician", True)
    with pytest.raises(ValidationError):
        services.create_account(admin, NewAccount("p@x.org", "P", "Q", "patient", PASSWORD))
    with pytest.raises(SkinLabError, match="at least 8"):
        services.create_account(admin, NewAccount("short@x.org", "S", "T", "kiosk", "short"))

    services.set_account_role(admin, made.email, "admin")
    for attempt in range(ctx.settings.lockout_threshold):
        with pytest.raises(SkinLabError):
            ctx.auth.login(emails["clinician2"], f"wrong {attempt}")
    assert {a.email: a for a in services.list_accounts(admin)}[emails["clinician2"]].locked
    services.unlock_account(admin, emails["clinician2"])
    assert not {a.email: a for a in services.list_accounts(admin)}[emails["clinician2"]].locked
    services.reset_password(admin, emails["clinician2"], "a brand new password")
    assert (
        ctx.auth.login(emails["clinician2"], "a brand new password").email == emails["clinician2"]
    )
    services.deactivate_account(admin, emails["clinician2"])
    with pytest.raises(InactiveUserError):
        ctx.auth.login(emails["clinician2"], "a brand new password")

    mine = [(a, t) for a, actor, t in _actions(ctx) if actor == admin_id]
    target = _user_id(ctx, emails["clinician2"])
    for action in ("user_created", "role_changed"):
        assert action in [a for a, _ in mine]
    for action in ("account_unlocked", "password_set", "user_deactivated"):
        assert (action, target) in mine


def test_an_admin_cannot_remove_themselves_or_the_last_admin(
    services: DesktopServices, emails: dict[str, str]
) -> None:
    admin = _as(services, "admin", emails)
    with pytest.raises(ValidationError, match="your own account"):
        services.deactivate_account(admin, emails["admin"])
    with pytest.raises(ValidationError):
        services.set_account_role(admin, emails["admin"], "clinician")
    with pytest.raises(ValidationError, match="Patients page"):
        services.deactivate_account(admin, emails["patient"])
    assert {a.email: a for a in services.list_accounts(admin)}[emails["admin"]].role == "admin"


def test_the_audit_log_filters_and_reading_a_patient_s_trail_is_audited(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str]
) -> None:
    admin = _as(services, "admin", emails)
    _as(services, "clinician", emails)
    clinician_id = _user_id(ctx, emails["clinician"])
    patient_id = _user_id(ctx, emails["patient"])
    by_person = services.find_audit(admin, AuditQuery(person_id=clinician_id))
    assert by_person.rows and {r.action for r in by_person.rows} == {"login"}
    assert all("Grace Hopper" in r.who for r in by_person.rows)
    by_action = services.find_audit(admin, AuditQuery(action="user_created"))
    assert len(by_action.rows) == 5  # one per account
    tomorrow = datetime.now().astimezone() + timedelta(days=1)
    assert services.find_audit(admin, AuditQuery(since=tomorrow)).rows == ()
    assert len(services.find_audit(admin, AuditQuery(limit=2)).rows) == 2
    assert services.find_audit(admin, AuditQuery(limit=2)).more
    wildcard = services.find_audit(admin, AuditQuery(patient="%"))
    assert wildcard.rows == ()  # a literal percent sign matches no patient
    trail = services.find_audit(admin, AuditQuery(patient="Pat Doe"))
    assert trail.rows and all("Pat Doe" in r.about for r in trail.rows)
    viewed = [(a, t) for a, actor, t in _actions(ctx) if a == "patient_viewed"]
    assert viewed == [("patient_viewed", patient_id)]


def test_export_writes_every_matching_event_and_is_audited(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    admin = _as(services, "admin", emails)
    out = tmp_path / "usb"
    out.mkdir()
    target = services.export_audit(admin, AuditQuery(action="user_created"), out / "a.csv")
    with open(target, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5 and {r["action"] for r in rows} == {"user_created"}
    roles = {json.loads(r["details"])["role"] for r in rows}
    assert roles == {"admin", "clinician", "patient", "kiosk"}
    assert all(len(r["row_hash"]) == 64 for r in rows)
    assert [p.name for p in out.iterdir()] == ["a.csv"]
    assert ("audit_exported", _user_id(ctx, emails["admin"]), None) in _actions(ctx)


def test_export_to_a_read_only_folder_or_a_full_disk_leaves_nothing(
    services: DesktopServices, emails: dict[str, str], tmp_path: Path, tmpfs
) -> None:
    admin = _as(services, "admin", emails)
    locked = tmpfs("ro,size=64k")
    if locked is None:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
    with pytest.raises(ExportError) as exc:
        services.export_audit(admin, AuditQuery(), locked / "audit.csv")
    assert "cannot be written to" in exc.value.message and exc.value.code == "export_not_saved"
    assert list(locked.iterdir()) == []
    full = tmpfs("size=64k")
    if full is None:
        pytest.skip("mounting a small file system needs root")
    (full / "audit.csv").write_bytes(b"an earlier export\n")
    fill(full)
    with pytest.raises(ExportError) as exc:
        services.export_audit(admin, AuditQuery(), full / "audit.csv")
    assert "not enough space" in exc.value.message
    assert sorted(p.name for p in full.iterdir()) == ["audit.csv", "filler"]
    assert (full / "audit.csv").read_bytes() == b"an earlier export\n"


def test_the_chain_status_says_intact_then_changed(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str]
) -> None:
    admin = _as(services, "admin", emails)
    status = services.verify_audit(admin)
    assert status.ok and status.summary.startswith("The audit log is intact:")
    with ctx.database.write() as db:
        db.execute(text("UPDATE audit_events SET action = 'nothing_to_see' WHERE chain_seq = 2"))
    status = services.verify_audit(admin)
    assert not status.ok and "has been changed" in status.summary and status.problems


def test_settings_are_checked_saved_audited_and_laid_over_the_settings(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    admin = _as(services, "admin", emails)
    current = services.device_settings(admin)
    assert current.clinic_name == "Rue Cler Dermatology" and current.retention_days is None
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    bad = [
        DeviceSettings(**{**SETTINGS.__dict__, "clinic_name": "  "}),
        DeviceSettings(**{**SETTINGS.__dict__, "clinic_logo": str(tmp_path / "none.png")}),
        DeviceSettings(**{**SETTINGS.__dict__, "camera": "telescope"}),
        DeviceSettings(**{**SETTINGS.__dict__, "retention_days": 0}),
        DeviceSettings(**{**SETTINGS.__dict__, "kiosk_idle_seconds": 5}),
        DeviceSettings(**{**SETTINGS.__dict__, "idle_lock_minutes": 0}),
    ]
    for wanted in bad:
        with pytest.raises(ValidationError):
            services.save_device_settings(admin, wanted)
    assert not (ctx.settings.data_dir / "desktop.json").exists()
    wanted = DeviceSettings(**{**SETTINGS.__dict__, "clinic_logo": str(logo)})
    saved = services.save_device_settings(admin, wanted)
    assert saved == wanted
    effective = with_desktop_file(ctx.settings)
    assert effective.desktop_idle_lock_minutes == 5 and effective.retention_days == 400
    assert effective.clinic_logo == logo
    kiosk = json.loads((ctx.settings.data_dir / "kiosk.json").read_text())
    assert kiosk["camera"] == "webcam:1" and kiosk["idle_seconds"] == 60
    with ctx.database.read() as db:
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "settings_changed"))
        assert event is not None
        assert event.details["fields"] == [
            "camera",
            "clinic_logo",
            "idle_lock_minutes",
            "kiosk_idle_seconds",
            "retention_days",
        ]
    forever = services.save_device_settings(
        admin, DeviceSettings(**{**wanted.__dict__, "retention_days": None})
    )
    assert forever.retention_days is None and with_desktop_file(ctx.settings).retention_days is None


def test_device_status_without_a_server_says_what_is_missing(
    services: DesktopServices, emails: dict[str, str]
) -> None:
    status = services.device_status(_as(services, "admin", emails))
    assert not status.enrolled and status.server_url == "" and status.pending_changes >= 0
    assert (
        "skinlab server devices" in status.devices_note and "GET /v1/devices" in status.devices_note
    )


def test_an_analysis_event_is_about_its_patient_and_then_about_an_erased_patient(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    admin = _as(services, "admin", emails)
    clinician = _as(services, "clinician", emails)
    (zoe,) = add_patients(ctx, [("Zoé", "Martin", "zoe@example.org")])
    analysis = add_analysis(ctx, zoe, days_ago=1, score=61.0, metrics={"redness": 0.2})
    services.analysis_detail(clinician, analysis)
    with ctx.database.write() as db:  # an older event naming the analysis only
        audit.record(db, "analysis_saved", target_type="analysis", target_id=analysis)
    viewed = services.find_audit(admin, AuditQuery(action="analysis_viewed")).rows
    saved = services.find_audit(admin, AuditQuery(action="analysis_saved")).rows
    assert [r.about for r in viewed] == ["Zoé Martin (zoe@example.org)"]
    assert [r.about for r in saved] == ["Zoé Martin (zoe@example.org)"]
    trail = {r.action for r in services.find_audit(admin, AuditQuery(patient="Zoé")).rows}
    assert {"analysis_viewed", "analysis_saved"} <= trail
    services.erase_patient(admin, str(zoe), "Zoé Martin")
    for action in ("analysis_viewed", "analysis_saved"):
        rows = services.find_audit(admin, AuditQuery(action=action)).rows
        assert [r.about for r in rows] == [ERASED_PATIENT], action
    erased = services.find_audit(admin, AuditQuery(action="patient_erased")).rows
    assert erased and all(r.about == ERASED_ACCOUNT for r in erased)
    assert all(analysis not in r.about and str(zoe) not in r.about for r in erased + viewed)
    services.export_audit(admin, AuditQuery(action="analysis_viewed"), tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8") as f:
        (row,) = csv.DictReader(f)
    assert (row["target_id"], row["target"]) == (analysis, ERASED_PATIENT)
