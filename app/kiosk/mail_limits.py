"""How many reports a kiosk may email: a few per visit, and a cap per kiosk per hour, so that a
visitor cannot use the kiosk as a mail relay (any address, the clinic's name on the message).

Who may: whoever stands at the kiosk, within both limits (``kiosk_emails_per_visit``, default 3;
``kiosk_emails_per_hour``, default 20, all visits together). Both are counted from this device's
audit chain: each email is a ``kiosk_report_emailed`` event naming the visit it counts for, and each
reset a ``kiosk_visit_ended`` event that begins the next visit. So a restart gives no new
allowance, for the visit or the hour, and nothing about the recipient is kept: the audit events
name no address. A refusal is audited too (``kiosk_email_refused``).

A crash ends a visit without its reset. The visit's count is kept only while its visitor may still
be there: once its last email is older than the kiosk's idle time (``visit_lasts``; the idle reset
would have ended it), a process that has not seen an email asked for in it ends it as the reset
would have, and the next visitor starts with the visit's allowance.
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
        visit_lasts: Callable[[], timedelta],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.per_visit = per_visit
        self.per_hour = per_hour
        self.visit_lasts = visit_lasts
        self.clock = clock
        self._sending = threading.Lock()  # one email at a time (held while SMTP works)
        self._asked = False  # whether this process saw an email asked for in the current visit

    def new_visit(self) -> None:
        """The reset, recorded in the audit chain: the next visitor's allowance starts there. Never
        waits for an email still being sent, which counts for the visit it began in (ended now).

        A visit in which this process saw no email asked for needs no new start: nothing counts
        against it. That keeps the audit log free of a row per idle reset, and it is what keeps a
        visit's count across a restart: the reset the kiosk runs when it starts ends nothing."""
        if not self._asked:
            return
        self._asked = False
        with self.database.write() as session:
            audit.record(session, actions.KIOSK_VISIT_ENDED, target_type="kiosk")

    @contextmanager
    def sending(self) -> Iterator[Callable[[Session, bool], None]]:
        """Check both limits (raise :class:`MailLimitError`, audited), then let the caller send.

        The caller sends inside the block and calls the function it is given, in the same unit of
        work as the queued message (or right after sending), with whether the message was queued:
        that counts it, for the hour and for the visit it began in. One email at a time per kiosk,
        so two quick taps cannot both slip under.
        """
        with self._sending:
            inherited = not self._asked  # the visit may have begun before this process
            self._asked = True
            visit = self._check(inherited)

            def sent(session: Session, queued: bool) -> None:
                audit.record(
                    session,
                    actions.KIOSK_REPORT_EMAILED,
                    target_type="kiosk",
                    details={"queued": queued, "visit": visit},
                )

            yield sent

    def _check(self, inherited: bool) -> int:
        """The visit the email would count for (the ``chain_seq`` of the reset that began it, 0
        before the first), once both limits allow it. ``inherited``: this process has seen no email
        asked for in the current visit, which may be a crashed process's."""
        now = self.clock()
        device = self.database.clock.node
        emailed = (
            AuditEvent.action == actions.KIOSK_REPORT_EMAILED,
            AuditEvent.device_id == device,
        )
        with self.database.read() as session:
            visit = int(
                session.scalar(
                    select(AuditEvent.chain_seq)
                    .where(
                        AuditEvent.action == actions.KIOSK_VISIT_ENDED,
                        AuditEvent.device_id == device,
                    )
                    .order_by(AuditEvent.chain_seq.desc())
                    .limit(1)
                )
                or 0
            )
            this_visit, last = session.execute(
                select(func.count(), func.max(AuditEvent.occurred_at)).where(
                    *emailed,
                    AuditEvent.chain_seq > visit,
                    AuditEvent.details["visit"].as_integer() == visit,
                )
            ).one()
            this_hour = session.scalar(
                select(func.count()).where(*emailed, AuditEvent.occurred_at >= now - WINDOW)
            )
        if inherited and this_visit and last is not None and last < now - self.visit_lasts():
            visit, this_visit = self._end_abandoned_visit(), 0
        if int(this_visit or 0) >= self.per_visit:
            self._refuse("visit_limit")
            raise MailLimitError(VISIT_FULL.format(limit=self.per_visit))
        if int(this_hour or 0) >= self.per_hour:
            self._refuse("hour_limit")
            raise MailLimitError(HOUR_FULL)
        return visit

    def _end_abandoned_visit(self) -> int:
        """End a visit whose process ended without its reset (a crash), as the idle reset would
        have; returns the new visit's number."""
        with self.database.write() as session:
            ended = audit.record(
                session,
                actions.KIOSK_VISIT_ENDED,
                target_type="kiosk",
                details={"reason": "idle_after_restart"},
            )
            session.flush()
            return int(ended.chain_seq or 0)

    def _refuse(self, reason: str) -> None:
        with self.database.write() as session:
            audit.record(
                session,
                actions.KIOSK_EMAIL_REFUSED,
                target_type="kiosk",
                details={"reason": reason},
            )
