"""Who may use the desktop's services: checked through core.auth on every call, by token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.context import AppContext
from app.desktop.access import actor
from app.desktop.services import DesktopServices
from core.auth import Permission
from core.config import load_settings
from core.errors import InactiveUserError, InvalidTokenError, PermissionDeniedError, ValidationError
from tests.helpers.desktop import PASSWORD, add_accounts
from ui.desktop.ports import SessionInfo


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = AppContext(load_settings(data_dir=tmp_path / "data"))
    yield context
    context.close()


@pytest.fixture
def services(ctx: AppContext) -> DesktopServices:
    services = DesktopServices(ctx)
    services.startup()
    add_accounts(ctx)
    return services


def test_startup_reports_the_idle_lock_setting(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.toml").write_text("desktop_idle_lock_minutes = 3\ndesktop_theme = 'dark'\n")
    ctx = AppContext(load_settings(data_dir=data))
    try:
        state = DesktopServices(ctx).startup()
    finally:
        ctx.close()
    assert state.idle_lock_seconds == 180 and state.theme == "dark"


def test_the_idle_lock_defaults_to_ten_minutes(services: DesktopServices) -> None:
    assert services.startup().idle_lock_seconds == 600


@pytest.mark.parametrize("text", ["desktop_idle_lock_minutes = 0", "desktop_theme = 'purple'"])
def test_bad_desktop_settings_are_refused_with_a_message(tmp_path: Path, text: str) -> None:
    (tmp_path / "settings.toml").write_text(text + "\n")
    with pytest.raises(ValidationError, match="desktop_"):
        load_settings(data_dir=tmp_path)


def test_patient_and_kiosk_are_refused_after_their_password(services: DesktopServices) -> None:
    for email in ("pat@example.org", "kiosk1@clinic.org"):
        with pytest.raises(PermissionDeniedError) as refused:
            services.login(email, PASSWORD)
        assert refused.value.code == "desktop_refused"


def test_a_clinician_may_not_manage_accounts_or_settings(services: DesktopServices) -> None:
    session = services.login("grace@clinic.org", PASSWORD)
    assert actor(services.ctx, session, Permission.LIST_PATIENTS).email == "grace@clinic.org"
    for permission in (Permission.MANAGE_USERS, Permission.READ_AUDIT, Permission.MANAGE_SETTINGS):
        with pytest.raises(PermissionDeniedError):
            actor(services.ctx, session, permission)
    admin = services.login("ada@clinic.org", PASSWORD)
    assert actor(services.ctx, admin, Permission.MANAGE_USERS).role == "admin"


def test_a_patient_token_cannot_reach_desktop_services(services: DesktopServices) -> None:
    signed = services.ctx.auth.login("pat@example.org", PASSWORD)
    forged = SessionInfo(
        email=signed.email,
        role="clinician",  # what the session claims does not matter: the account is read again
        full_name=signed.full_name,
        user_id=str(signed.user_id),
        token=signed.token,
    )
    with pytest.raises(PermissionDeniedError):
        actor(services.ctx, forged, Permission.READ_RESULTS)


def test_deactivation_and_a_bad_token_take_effect_at_once(services: DesktopServices) -> None:
    session = services.login("grace@clinic.org", PASSWORD)
    services.ctx.auth.deactivate("grace@clinic.org")
    with pytest.raises(InactiveUserError):
        actor(services.ctx, session, Permission.LIST_PATIENTS)
    other = services.login("mary@clinic.org", PASSWORD)
    tampered = SessionInfo(**{**other.__dict__, "token": other.token[:-4] + "AAAA"})
    with pytest.raises(InvalidTokenError):
        actor(services.ctx, tampered, Permission.LIST_PATIENTS)


def test_unlock_needs_the_same_persons_password(services: DesktopServices) -> None:
    session = services.login("grace@clinic.org", PASSWORD)
    renewed = services.unlock(session, PASSWORD)
    assert renewed.user_id == session.user_id
    with pytest.raises(Exception, match="Wrong email or password"):
        services.unlock(session, "mary's password")
