"""Queued email is delivered by a real SMTP server on 127.0.0.1, or waits when there is none."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.config import load_settings
from core.errors import ValidationError
from core.mail import MAX_ATTEMPTS, deliver_queued, queue_email
from core.storage import ImageStore
from core.storage.models import EmailMessage
from tests.helpers.smtp import free_port


def _queue(db, store, to="pat@example.org", attachment=b"%PDF-1.7 report"):
    with db.write() as session:
        return queue_email(
            session,
            store,
            to=to,
            subject="Your SkinLab report",
            body="Attached.",
            attachment_name="report.pdf",
            attachment=attachment,
        ).email_id


def test_queued_mail_with_its_pdf_is_delivered(sqlite_db, tmp_path, smtp_server):
    inbox, port = smtp_server
    store = ImageStore(tmp_path / "images")
    _queue(sqlite_db, store)
    settings = load_settings(
        data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False
    )
    report = deliver_queued(sqlite_db, store, settings)
    assert (report.sent, report.waiting) == (1, 0)
    [message] = inbox.messages
    assert message["To"] == "pat@example.org" and message["Subject"] == "Your SkinLab report"
    attachment = next(part for part in message.walk() if part.get_filename() == "report.pdf")
    assert attachment.get_payload(decode=True) == b"%PDF-1.7 report"
    assert deliver_queued(sqlite_db, store, settings).sent == 0  # sent once, never twice
    with sqlite_db.read() as session:
        assert session.scalar(select(EmailMessage.status)) == "sent"


def test_without_a_mail_server_messages_wait(sqlite_db, tmp_path):
    store = ImageStore(tmp_path / "images")
    _queue(sqlite_db, store)
    report = deliver_queued(sqlite_db, store, load_settings(data_dir=tmp_path))
    assert (report.sent, report.waiting) == (0, 1)


def test_an_unreachable_server_is_recorded_and_retried_later(sqlite_db, tmp_path, smtp_server):
    store = ImageStore(tmp_path / "images")
    _queue(sqlite_db, store)
    dead = load_settings(
        data_dir=tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        smtp_starttls=False,
        smtp_timeout_seconds=2,
    )
    report = deliver_queued(sqlite_db, store, dead)
    assert report.sent == 0 and "Cannot reach the mail server" in report.last_error
    with sqlite_db.read() as session:
        row = session.scalar(select(EmailMessage))
        assert (row.status, row.attempts) == ("queued", 1) and row.last_error
    inbox, port = smtp_server
    alive = load_settings(
        data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False
    )
    assert deliver_queued(sqlite_db, store, alive).sent == 1 and len(inbox.messages) == 1


def test_a_message_that_keeps_failing_is_given_up(sqlite_db, tmp_path):
    store = ImageStore(tmp_path / "images")
    _queue(sqlite_db, store)
    dead = load_settings(
        data_dir=tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        smtp_starttls=False,
        smtp_timeout_seconds=1,
    )
    for _ in range(MAX_ATTEMPTS):
        deliver_queued(sqlite_db, store, dead)
    with sqlite_db.read() as session:
        assert session.scalar(select(EmailMessage.status)) == "failed"


@pytest.mark.parametrize("to", ["", "not-an-address", "a@b"])
def test_bad_addresses_are_refused_before_queueing(sqlite_db, tmp_path, to):
    store = ImageStore(tmp_path / "images")
    with pytest.raises(ValidationError):
        _queue(sqlite_db, store, to=to)
    with sqlite_db.read() as session:
        assert session.scalar(select(EmailMessage)) is None
