"""What the take-away screen's buttons do: build the PDF once per visit, then save it to a USB stick,
print it on the clinic's printer or email it, each off the UI thread and only while the same visit
is on screen."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QLabel

from ui.background import BackgroundOp, Generation, Pools
from ui.kiosk import printing
from ui.kiosk.messages import message_for
from ui.kiosk.ports import AnalysisView, ConsentChoice, EmailResult, KioskServices, Patient
from ui.kiosk.takeaway import TakeAwayScreen

log = logging.getLogger(__name__)
T = TypeVar("T")


class TakeAwayActions:
    def __init__(
        self,
        *,
        screen: TakeAwayScreen,
        services: KioskServices,
        pools: Pools,
        visits: Generation,
    ) -> None:
        self.screen = screen
        self.services = services
        self.pools = pools
        self.visits = visits
        self.pdf: bytes | None = None
        self.name = "skin-report.pdf"
        self.patient: Patient | None = None
        screen.save_to.connect(self.save_to)
        screen.look_for_drives.connect(self.look_for_drives)
        screen.print_report.connect(self.print_report)
        screen.email.connect(self.email)

    def _op(self, fn: Callable[[], T], *, status: QLabel | None = None) -> BackgroundOp[T]:
        """An op of this visit; its failure is told on ``status`` (else as the window's toast)."""
        op = BackgroundOp(fn, parent=self.screen, describe=message_for)
        op.while_current(self.visits.token())
        return op.messages_to(status.setText) if status is not None else op

    def forget(self) -> None:
        self.pdf = None
        self.patient = None

    def open(
        self, view: AnalysisView, *, patient: Patient | None, consent: ConsentChoice | None
    ) -> None:
        """Fill the screen at once; the report and the list of USB sticks arrive in the background."""
        screen = self.screen
        self.patient = patient
        screen.begin(email=patient.email if patient else "", printer=printing.default_printer())
        self.look_for_drives()
        self._op(lambda: self.services.email_offer(patient, consent)).success(
            screen.set_email_offer
        ).run(self.pools.work)
        self.name = f"skin-report-{datetime.now():%Y-%m-%d-%H%M}.pdf"
        if self.pdf is not None:
            screen.set_ready(True)
            return

        def ready(pdf: bytes) -> None:
            self.pdf = pdf
            screen.set_ready(True, f"Your report is ready ({len(pdf) // 1024 + 1} KB).")

        self._op(lambda: self.services.report_pdf(view, patient)).success(ready).messages_to(
            lambda text: screen.set_ready(False, text)
        ).run(self.pools.work)

    def save_to(self, folder: Path) -> None:
        pdf, status = self.pdf, self.screen.save_status
        if pdf is None:
            return
        status.setText("Saving…")
        self._op(
            lambda: self.services.save_report(pdf, folder=Path(folder), name=self.name),
            status=status,
        ).success(
            lambda path: status.setText(f"Saved as {Path(path).name} in {Path(path).parent}.")
        ).run(self.pools.work)

    def look_for_drives(self) -> None:
        self._op(self.services.removable_folders).success(self.screen.set_drives).run(
            self.pools.work
        )

    def print_report(self) -> None:
        """Straight to the clinic's printer: no print dialog (it would offer printing to a file)."""
        pdf, status = self.pdf, self.screen.print_status
        name = printing.default_printer()
        if not name:
            status.setText(printing.NO_PRINTER)
            return
        if pdf is None:
            return
        try:
            printer = printing.clinic_printer(name)
        except printing.PrintError as exc:
            status.setText(exc.message)
            return
        status.setText(f"Printing on {name}…")
        self._op(lambda: printing.print_pdf(pdf, printer), status=status).success(
            lambda pages: status.setText(f"Sent {pages} page(s) to {name}.")
        ).run(self.pools.work)

    def email(self, address: str) -> None:
        pdf, status = self.pdf, self.screen.email_status
        if pdf is None:
            return
        if not address:
            status.setText("Enter your email address.")
            return
        status.setText("Sending…")
        patient = self.patient

        def done(result: EmailResult) -> None:
            if not result.queued:
                status.setText(f"Sent to {result.to}.")
                return
            to = result.to
            status.setText(f"Queued for {to}.")
            self._op(self.services.deliver_mail).success(
                lambda note: status.setText(f"Queued for {to}. {note}")
            ).failure(lambda exc: log.warning("Mail delivery failed: %s", exc)).run(self.pools.work)

        self._op(
            lambda: self.services.email_report(pdf, to=address, name=self.name, patient=patient),
            status=status,
        ).success(done).run(self.pools.work if patient is None else self.pools.db)
