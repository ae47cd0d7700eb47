"""Email out of a kiosk: queued in the database at once, delivered by SMTP when a server is
configured and reachable. Nothing is lost when the network is down; a failure is kept in words.

:func:`send_now` sends from memory without queuing, for what must not be kept (a kiosk guest's
report): it either goes at once or fails with :class:`MailNotSentError`, and nothing is written.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage as MimeMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import Settings
from core.errors import SkinLabError, ValidationError
from core.storage.database import Database
from core.storage.images import ImageStore
from core.storage.models import EmailMessage
from core.storage.repositories.validation import normalise_email
from core.storage.types import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


class MailNotSentError(SkinLabError):
    code = "mail_not_sent"


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int
    waiting: int
    last_error: str = ""


def queue_email(
    session: Session,
    store: ImageStore,
    *,
    to: str,
    subject: str,
    body: str,
    attachment_name: str | None = None,
    attachment: bytes | None = None,
) -> EmailMessage:
    """Queue a message (with an optional attachment kept content-addressed beside the images)."""
    address = normalise_email(to)
    if attachment is not None and len(attachment) > MAX_ATTACHMENT_BYTES:
        raise ValidationError("The report is too large to send by email")
    digest = store.put(attachment) if attachment else None
    message = EmailMessage(
        to_address=address,
        subject=subject.strip()[:200] or "Your SkinLab report",
        body=body,
        attachment_name=attachment_name if attachment else None,
        attachment_sha256=digest,
    )
    session.add(message)
    session.flush()
    return message


def _compose(
    *, sender: str, to: str, subject: str, body: str, message_id: uuid.UUID,
    attachment: bytes | None, attachment_name: str | None,
) -> MimeMessage:  # fmt: skip
    mime = MimeMessage()
    mime["From"] = sender
    mime["To"] = to
    mime["Subject"] = subject
    mime["Message-ID"] = f"<{message_id}@skinlab>"  # stable: a resend is the same message
    mime.set_content(body)
    if attachment is not None:
        name = attachment_name or "report.pdf"
        mime.add_attachment(attachment, maintype="application", subtype="pdf", filename=name)
    return mime


def _mime(message: EmailMessage, store: ImageStore, sender: str) -> MimeMessage:
    return _compose(
        sender=sender,
        to=message.to_address,
        subject=message.subject,
        body=message.body,
        message_id=message.email_id,
        attachment=store.read(message.attachment_sha256) if message.attachment_sha256 else None,
        attachment_name=message.attachment_name,
    )


def send_now(
    settings: Settings,
    *,
    to: str,
    subject: str,
    body: str,
    attachment_name: str | None = None,
    attachment: bytes | None = None,
) -> str:
    """Send one message straight from memory (never queued, nothing written); the address used.

    Raises :class:`MailNotSentError` when no mail server is set up or it cannot take the message.
    """
    address = normalise_email(to)
    if attachment is not None and len(attachment) > MAX_ATTACHMENT_BYTES:
        raise ValidationError("The report is too large to send by email")
    if not settings.smtp_host:
        raise MailNotSentError("This kiosk has no mail server set up, so it cannot send email.")
    mime = _compose(
        sender=settings.smtp_from,
        to=address,
        subject=subject.strip()[:200] or "Your SkinLab report",
        body=body,
        message_id=uuid.uuid4(),
        attachment=attachment,
        attachment_name=attachment_name,
    )
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("Mail server %s unreachable: %s", settings.smtp_host, exc)
        raise MailNotSentError("The mail server cannot be reached right now.") from exc
    try:
        smtp.send_message(mime)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("Mail server %s refused a message: %s", settings.smtp_host, exc)
        raise MailNotSentError("The mail server did not accept the message.") from exc
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    return address


def _connect(settings: Settings) -> smtplib.SMTP:
    assert settings.smtp_host is not None
    smtp = smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    )
    if settings.smtp_starttls:
        smtp.starttls(context=ssl.create_default_context())
    if settings.smtp_user and settings.smtp_password is not None:
        smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
    return smtp


def deliver_queued(db: Database, store: ImageStore, settings: Settings) -> DeliveryReport:
    """Send what waits. Without an SMTP host configured, nothing is attempted and all keep waiting."""
    with db.read() as session:
        waiting = list(
            session.scalars(select(EmailMessage.email_id).where(EmailMessage.status == "queued"))
        )
    if not settings.smtp_host or not waiting:
        return DeliveryReport(sent=0, failed=0, waiting=len(waiting))
    sent = failed = 0
    last_error = ""
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        last_error = f"Cannot reach the mail server {settings.smtp_host}: {exc}"
        _note_attempt(db, waiting, last_error)
        return DeliveryReport(sent=0, failed=0, waiting=len(waiting), last_error=last_error)
    try:
        for email_id in waiting:
            error = _send_one(db, store, smtp, email_id, settings.smtp_from)
            if error:
                failed += 1
                last_error = error
            else:
                sent += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    return DeliveryReport(
        sent=sent, failed=failed, waiting=len(waiting) - sent, last_error=last_error
    )


def _send_one(
    db: Database, store: ImageStore, smtp: smtplib.SMTP, email_id: uuid.UUID, sender: str
) -> str:
    with db.read() as session:
        message = session.get(EmailMessage, email_id)
        if message is None or message.status != "queued":
            return ""
        mime = _mime(message, store, sender)
    try:
        smtp.send_message(mime)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"Sending to {mime['To']} failed: {exc}"
        _note_attempt(db, [email_id], error)
        return error
    with db.write() as session:
        row = session.get(EmailMessage, email_id)
        if row is not None:
            row.status, row.sent_at, row.attempts, row.last_error = (
                "sent",
                utcnow(),
                row.attempts + 1,
                None,
            )
    return ""


def _note_attempt(db: Database, ids: list[uuid.UUID], error: str) -> None:
    with db.write() as session:
        for row in session.scalars(select(EmailMessage).where(EmailMessage.email_id.in_(ids))):
            row.attempts += 1
            row.last_error = error
            if row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
