"""How many reports a kiosk may email: a few per visit, and a cap per kiosk per hour, so that a
visitor cannot use the kiosk as a mail relay (any address, the clinic's name on the message).

Who may: whoever stands at the kiosk, within both limits (``kiosk_emails_per_visit``, default 3;
``kiosk_emails_per_hour``, default 20, all visits together). The visit's count lives in memory and
ends with the visit (the reset); the hour's is counted from this device's audit chain
(``kiosk_report_emailed``), so a restart gives no new allowance and nothing about the recipient is
kept: the audit event names no address. A refusal is audited too (``kiosk_email_refused``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import actions
from core.errors import PermissionDeniedError
from core.storage.database import Database
from core.storage.models import AuditEvent
from core.storage.repositories import audit
from core.storage.types import utcnow

WINDOW = timedelta(hours=1)
VISIT_FULL = (
    "That is the most reports one visit may email ({limit}). "
    "Save it to a USB stick or print it instead."
)
HOUR_FULL = (
    "This kiosk has sent all the emails it may send this hour. Please save the report to a USB "
    "stick or print it, or email it later."
)


class MailLimitError(PermissionDeniedError):
    code = "mail_limit"


class MailLimits:
    def __init__(
        self,
        database: Database,
        *,
        per_visit: int,
        per_hour: int,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.per_visit = per_visit
        self.per_hour = per_hour
        self.clock = clock
        self._sending = threading.Lock()  # one email at a time (held while SMTP works)
        self._counts = threading.Lock()  # the visit's count (never held while sending)
        self._this_visit = 0
        self._visit = 0

    def new_visit(self) -> None:
        """The reset: never waits for an email still being sent, which then counts for nobody."""
        with self._counts:
            self._this_visit = 0
            self._visit += 1

    @contextmanager
    def sending(self) -> Iterator[Callable[[Session, bool], None]]:
        """Check both limits (raise :class:`MailLimitError`, audited), then let the caller send.

        The caller sends inside the block and calls the function it is given, in the same unit of
        work as the queued message (or right after sending), with whether the message was queued:
        that counts it. One email at a time per kiosk, so two quick taps cannot both slip under.
        """
        with self._sending:
            with self._counts:
                visit = self._visit
            self._check()
            counted: list[bool] = []

            def sent(session: Session, queued: bool) -> None:
                audit.record(
                    session,
                    actions.KIOSK_REPORT_EMAILED,
                    target_type="kiosk",
                    details={"queued": queued},
                )
                counted.append(True)

            yield sent
            if counted:
                with self._counts:
                    if self._visit == visit:
                        self._this_visit += 1

    def _check(self) -> None:
        with self._counts:
            full = self._this_visit >= self.per_visit
        if full:
            self._refuse("visit_limit")
            raise MailLimitError(VISIT_FULL.format(limit=self.per_visit))
        since = self.clock() - WINDOW
        device = self.database.clock.node
        with self.database.read() as session:
            count = session.scalar(
                select(func.count()).where(
                    AuditEvent.action == actions.KIOSK_REPORT_EMAILED,
                    AuditEvent.device_id == device,
                    AuditEvent.occurred_at >= since,
                )
            )
        if int(count or 0) >= self.per_hour:
            self._refuse("hour_limit")
            raise MailLimitError(HOUR_FULL)

    def _refuse(self, reason: str) -> None:
        with self.database.write() as session:
            audit.record(
                session,
                actions.KIOSK_EMAIL_REFUSED,
                target_type="kiosk",
                details={"reason": reason},
            )
