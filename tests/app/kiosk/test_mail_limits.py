"""Emailing reports from the kiosk (``app.kiosk.mail_limits``): a few per visit, a cap per kiosk
per hour, refusals said in a sentence and audited, the visit's and the hour's counts surviving a restart, and no
address in the audit log. Who may: whoever stands at the kiosk, within both limits; a visitor who
tries to send more (a mail relay) cannot: nothing is queued or sent past a limit."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.context import AppContext
from app.kiosk.mail_limits import MailLimitError
from app.kiosk.services import KioskAppServices
from core.audit import actions
from core.config import load_settings
from core.errors import PermissionDeniedError
from core.storage.models import AuditEvent, EmailMessage
from core.storage.repositories.audit import verify_database
from core.storage.types import utcnow
from tests.helpers.smtp import Inbox
from ui.kiosk.ports import IDLE_WARNING_SECONDS, Patient

PDF = b"%PDF-1.4 a report"
ADA = Patient("0" * 32, "ada@example.org", "Ada Lovelace")


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


def _context(data: Path, **settings: Any) -> AppContext:
    return AppContext(load_settings(data_dir=data, clinic_name="Rue Cler", **settings))


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = _context(tmp_path / "data", kiosk_emails_per_visit=2, kiosk_emails_per_hour=3)
    yield context
    context.close()


def _email(services: KioskAppServices, to: str, patient: Patient | None = ADA) -> object:
    return services.email_report(PDF, to=to, name="report.pdf", patient=patient)


def _refusals(ctx: AppContext) -> list[object]:
    with ctx.database.read() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == actions.KIOSK_EMAIL_REFUSED)
            .order_by(AuditEvent.chain_seq)
        ).all()
        return [e.details.get("reason") for e in events]


def _queued(ctx: AppContext) -> int:
    with ctx.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(EmailMessage)) or 0)


def test_a_visit_may_email_a_few_then_is_told_to_save_or_print(ctx: AppContext) -> None:
    services = KioskAppServices(ctx)
    assert _email(services, "ada@example.org").queued  # type: ignore[attr-defined]
    _email(services, "ada.other@example.org")
    with pytest.raises(MailLimitError, match=r"most reports one visit may email \(2\)") as refused:
        _email(services, "relay@example.org")
    assert refused.value.code == "mail_limit"
    assert isinstance(refused.value, PermissionDeniedError)
    assert "USB stick" in refused.value.message
    assert _queued(ctx) == 2 and _refusals(ctx) == ["visit_limit"]


def test_the_hour_caps_every_visit_together_and_frees_up_after_an_hour(ctx: AppContext) -> None:
    services = KioskAppServices(ctx)
    services.mail_limits.clock = clock = Clock()
    _email(services, "a@example.org")
    _email(services, "b@example.org")
    services.end_session()  # the next visitor: a new visit allowance
    _email(services, "c@example.org")
    with pytest.raises(MailLimitError, match="all the emails it may send this hour"):
        _email(services, "d@example.org")
    services.end_session()
    with pytest.raises(MailLimitError, match="this hour"):
        _email(services, "e@example.org")  # a new visit does not lift the kiosk's cap
    clock.now += timedelta(minutes=61)
    _email(services, "f@example.org")
    assert _queued(ctx) == 4
    assert _refusals(ctx) == ["hour_limit", "hour_limit"]
    with ctx.database.read() as session:
        logged = session.scalars(select(AuditEvent).where(AuditEvent.action.like("kiosk_%"))).all()
        text = json.dumps([[e.details, e.target_id, e.actor_id] for e in logged])
    assert "example.org" not in text  # no address in the audit log
    assert verify_database(ctx.database).ok


def test_a_restart_gives_no_new_hour(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _context(data, kiosk_emails_per_visit=5, kiosk_emails_per_hour=2)
    try:
        services = KioskAppServices(first)
        _email(services, "a@example.org")
        _email(services, "b@example.org")
    finally:
        first.close()
    again = _context(data, kiosk_emails_per_visit=5, kiosk_emails_per_hour=2)
    try:
        with pytest.raises(MailLimitError, match="this hour"):
            _email(KioskAppServices(again), "c@example.org")
        assert _queued(again) == 2
    finally:
        again.close()


def test_a_restart_mid_visit_gives_no_new_visit_allowance(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _context(data, kiosk_emails_per_visit=2, kiosk_emails_per_hour=20)
    try:
        services = KioskAppServices(first)
        _email(services, "earlier@example.org")
        services.end_session()  # an earlier visitor's reset
        _email(services, "a@example.org")
        _email(services, "b@example.org")
    finally:
        first.close()
    again = _context(data, kiosk_emails_per_visit=2, kiosk_emails_per_hour=20)
    try:
        services = KioskAppServices(again)
        services.end_session()  # what the kiosk window runs when it starts
        with pytest.raises(MailLimitError, match="one visit"):
            _email(services, "c@example.org")
        services.end_session()  # a visitor's reset begins the next visit
        _email(services, "d@example.org")
        assert _queued(again) == 4 and _refusals(again) == ["visit_limit"]
        with again.database.read() as session:
            resets = session.scalar(
                select(func.count()).where(AuditEvent.action == actions.KIOSK_VISIT_ENDED)
            )
        assert resets == 2  # the start's reset ended no visit
    finally:
        again.close()


@pytest.mark.parametrize("gone", [False, True])
def test_a_crashed_visit_ends_once_its_visitor_must_have_gone(tmp_path: Path, gone: bool) -> None:
    """A crash skips the visit's reset: after a restart its count holds while its visitor may still
    be there, and ends (audited) once the idle reset would have ended the visit."""
    data = tmp_path / "data"
    first = _context(data, kiosk_emails_per_visit=2, kiosk_emails_per_hour=20)
    try:
        services = KioskAppServices(first)
        _email(services, "a@example.org")
        _email(services, "b@example.org")
        last_sent = utcnow()
    finally:
        first.close()  # the process dies: no reset
    again = _context(data, kiosk_emails_per_visit=2, kiosk_emails_per_hour=20)
    try:
        services = KioskAppServices(again)
        lasts = services.config().idle_seconds + IDLE_WARNING_SECONDS
        clock = Clock()
        clock.now = last_sent + timedelta(seconds=lasts + (5 if gone else -5))
        services.mail_limits.clock = clock
        services.end_session()  # what the kiosk window runs when it starts
        if not gone:
            with pytest.raises(MailLimitError, match="one visit"):
                _email(services, "c@example.org")
            assert _queued(again) == 2
            return
        _email(services, "c@example.org")
        _email(services, "d@example.org")
        with pytest.raises(MailLimitError, match="one visit"):  # the new visit's own limit
            _email(services, "e@example.org")
        assert _queued(again) == 4
        with again.database.read() as session:
            ended = session.scalars(
                select(AuditEvent).where(AuditEvent.action == actions.KIOSK_VISIT_ENDED)
            ).all()
        assert [e.details for e in ended] == [{"reason": "idle_after_restart"}]
        assert verify_database(again.database).ok
    finally:
        again.close()


def test_a_guest_past_the_limit_sends_nothing(
    tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    ctx = _context(
        tmp_path / "data",
        kiosk_emails_per_visit=1,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
    )
    try:
        services = KioskAppServices(ctx)
        result = _email(services, "guest@example.org", patient=None)
        assert not result.queued  # type: ignore[attr-defined]
        with pytest.raises(MailLimitError, match="one visit"):
            _email(services, "relay@example.org", patient=None)
        assert [m["To"] for m in inbox.messages] == ["guest@example.org"]
        assert _queued(ctx) == 0  # a guest's email is never kept
    finally:
        ctx.close()


def test_the_defaults_are_three_a_visit_and_twenty_an_hour(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert (settings.kiosk_emails_per_visit, settings.kiosk_emails_per_hour) == (3, 20)


def test_the_reset_never_waits_for_an_email_being_sent(ctx: AppContext) -> None:
    """An email still sending when the visit resets counts for the hour, not for the next visit."""
    services = KioskAppServices(ctx)
    limits = services.mail_limits
    with limits.sending() as counted:  # as if SMTP were slow
        reset = threading.Thread(target=services.end_session)
        reset.start()
        reset.join(timeout=30)
        assert not reset.is_alive(), "the reset waited for the email"
        with ctx.database.write() as session:
            counted(session, False)
    _email(services, "a@example.org")
    _email(services, "b@example.org")  # the next visitor still has both of theirs
    services.end_session()
    with pytest.raises(MailLimitError, match="this hour"):
        _email(services, "c@example.org")  # but the hour counted all three
