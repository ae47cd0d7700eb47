"""Sign-in at the kiosk: wrong password, locked account, register, all explained on screen; staff
accounts are refused at the patients' sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.storage.models import AuditEvent, User
from tests.helpers.kiosk import PASSWORD, TIMEOUT
from ui.kiosk.sign_in import SignInScreen
from ui.kiosk.style import load_kiosk_style


def _try(qtbot, win, email: str, password: str) -> str:
    win.sign_in.email.setText(email)
    win.sign_in.password.setText(password)
    win.sign_in.sign_in_button.click()
    qtbot.waitUntil(win.sign_in.sign_in_button.isEnabled, timeout=TIMEOUT)
    return win.sign_in.error.text()


def test_wrong_password_then_locked_account(qtbot, make_window, ctx):
    ctx.auth.register(
        email="maya@example.com", first_name="Maya", last_name="Ortiz", role="patient",
        password=PASSWORD,
    )  # fmt: skip
    win = make_window("demo")
    win.attract.start_button.click()
    assert _try(qtbot, win, "maya@example.com", "wrong one") == "Wrong email or password."
    assert win.sign_in.password.text() == ""  # never left on screen
    for attempt in range(ctx.settings.lockout_threshold - 2):
        _try(qtbot, win, "maya@example.com", f"wrong {attempt}")
    message = _try(qtbot, win, "maya@example.com", "wrong again")
    assert "locked" in message and "minutes" in message
    assert "locked" in _try(qtbot, win, "maya@example.com", PASSWORD)
    assert win.stack.currentWidget() is win.sign_in
    assert _try(qtbot, win, "", "") == "Enter your email and password."


def test_register_then_consent(qtbot, make_window, ctx):
    win = make_window("demo")
    win.attract.start_button.click()
    win.sign_in.to_register.click()
    win.sign_in.first_name.setText("Maya")
    win.sign_in.last_name.setText("Ortiz")
    win.sign_in.new_email.setText("Maya@Example.com")
    win.sign_in.new_password.setText("short")
    win.sign_in.register_button.click()
    qtbot.waitUntil(lambda: win.sign_in.error.text() != "", timeout=TIMEOUT)
    assert "at least 8 characters" in win.sign_in.error.text()
    win.sign_in.new_password.setText(PASSWORD)
    win.sign_in.register_button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.consent_screen, timeout=TIMEOUT)
    assert win.patient is not None and win.patient.email == "maya@example.com"
    assert win.consent_screen.version_label.text().startswith("Consent text version")


@pytest.mark.parametrize("role", ["admin", "clinician"])
def test_staff_cannot_sign_in_at_the_patient_sign_in(qtbot, make_window, ctx, role):
    """The right password of a staff account opens nothing at the kiosk, and is audited."""
    staff_id = ctx.auth.register(
        email="dr.lee@example.com", first_name="Ana", last_name="Lee", role=role,
        password=PASSWORD,
    )  # fmt: skip
    win = make_window("demo")
    win.attract.start_button.click()
    message = _try(qtbot, win, "dr.lee@example.com", PASSWORD)
    assert message.startswith("Staff accounts cannot sign in here.")
    assert win.stack.currentWidget() is win.sign_in and win.patient is None
    assert win.sign_in.password.text() == ""
    assert _try(qtbot, win, "dr.lee@example.com", "wrong one") == "Wrong email or password."
    with ctx.database.read() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_id == str(staff_id))
            .order_by(AuditEvent.chain_seq)
        ).all()
        seen = [(e.action, e.details.get("reason")) for e in events]
        staff = session.get(User, staff_id)
        assert staff is not None and staff.last_login is None
    assert ("login_failed", "role_not_allowed") in seen
    assert not any(action == "login" for action, _ in seen), "a refused sign-in is no sign-in"


LONG_ERROR = (
    "This account is locked after too many wrong passwords. Try again in 15 minutes, "
    "or ask the front desk to unlock it for you now."
)


def test_a_long_error_at_1280x800_squeezes_neither_the_header_nor_the_fields(qtbot):
    screen = SignInScreen()
    screen.setStyleSheet(load_kiosk_style())
    qtbot.addWidget(screen)
    screen.header.set_clinic("Rue Cler Dermatology", None)
    screen.resize(1280, 800)
    screen.show()
    screen.show_error(LONG_ERROR)
    qtbot.waitUntil(lambda: screen.scroll_area.verticalScrollBar().value() > 0, timeout=TIMEOUT)
    assert screen.header.height() >= screen.header.minimumSizeHint().height()
    assert screen.back.height() >= screen.back.minimumSizeHint().height()
    password = screen.password.geometry()
    assert password.height() >= screen.password.minimumHeight()
    assert password.bottom() < screen.sign_in_button.geometry().top()  # no overlap
    viewport = screen.scroll_area.viewport()
    shown = screen.error.mapTo(viewport, screen.error.rect().topLeft())
    assert shown.y() >= 0 and shown.y() + screen.error.height() <= viewport.height()
    assert screen.error.height() >= screen.error.heightForWidth(screen.error.width())
