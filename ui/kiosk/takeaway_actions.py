"""What the take-away screen's buttons do: build the PDF once per visit, then save, print or email
it, each off the UI thread; and "import a photo" for a kiosk without a camera."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QLabel

from ui.background import BackgroundOp
from ui.kiosk import printing

if TYPE_CHECKING:
    from ui.kiosk.window import KioskWindow

log = logging.getLogger(__name__)


class TakeAwayActions:
    def __init__(self, window: KioskWindow) -> None:
        self.window = window
        self.pdf: bytes | None = None
        self.name = "skin-report.pdf"
        screen = window.takeaway
        screen.save_to.connect(self.save_to)
        screen.choose_folder.connect(self.choose_folder)
        screen.print_report.connect(self.print_report)
        screen.email.connect(self.email)

    def _sayer(self, status: QLabel) -> Callable[[str], None]:
        """Sets a status line only while the same visit is on screen (never after a reset)."""
        visit = self.window.visit

        def say(text: str) -> None:
            if self.window.current(visit):
                status.setText(text)

        return say

    def forget(self) -> None:
        self.pdf = None

    def open(self) -> None:
        """Show the screen at once; the report and the list of USB sticks arrive in the background."""
        from ui.kiosk.window import message_for

        win = self.window
        view, patient, visit = win.view, win.patient, win.visit
        if view is None:
            return
        consent = win.consent
        win.takeaway.begin(
            email=patient.email if patient else "",
            can_email=bool(consent and consent.granted),
            printer=printing.default_printer(),
        )
        win.show_screen(win.takeaway)
        win.run(BackgroundOp(win.services.removable_folders).success(win.takeaway.set_drives))
        stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
        self.name = f"skin-report-{stamp}.pdf"
        if self.pdf is not None:
            win.takeaway.set_ready(True)
            return

        def ready(pdf: bytes) -> None:
            if win.current(visit):
                self.pdf = pdf
                win.takeaway.set_ready(True, f"Your report is ready ({len(pdf) // 1024 + 1} KB).")

        def failed(exc: BaseException) -> None:
            if win.current(visit):
                win.takeaway.set_ready(False, message_for(exc))

        win.run(
            BackgroundOp(lambda: win.services.report_pdf(view, patient))
            .success(ready)
            .failure(failed)
        )

    def save_to(self, folder: Path) -> None:
        from ui.kiosk.window import message_for

        win, pdf = self.window, self.pdf
        if pdf is None:
            return
        status = win.takeaway.save_status
        say = self._sayer(status)
        status.setText("Saving…")
        win.run(
            BackgroundOp(lambda: win.services.save_report(pdf, folder=Path(folder), name=self.name))
            .success(lambda path: say(f"Saved as {Path(path).name} in {Path(path).parent}."))
            .failure(lambda exc: say(message_for(exc)))
        )

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, "Where should the report go?", str(Path.home()),
            QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly,
        )  # fmt: skip
        if folder:
            self.save_to(Path(folder))

    def print_report(self) -> None:
        from ui.kiosk.window import message_for

        win, pdf = self.window, self.pdf
        status = win.takeaway.print_status
        if not printing.default_printer():
            status.setText(printing.NO_PRINTER)
            return
        if pdf is None:
            return
        printer = printing.ask_printer(win)
        if printer is None:
            status.setText("Printing cancelled.")
            return
        status.setText("Printing…")
        say = self._sayer(status)
        win.run(
            BackgroundOp(lambda: printing.print_pdf(pdf, printer))
            .success(lambda pages: say(f"Sent {pages} page(s) to the printer."))
            .failure(lambda exc: say(message_for(exc)))
        )

    def email(self, address: str) -> None:
        from ui.kiosk.window import message_for

        win, pdf = self.window, self.pdf
        status = win.takeaway.email_status
        if pdf is None:
            return
        if not address:
            status.setText("Enter your email address.")
            return
        status.setText("Queuing…")
        say = self._sayer(status)

        def queued(to: str) -> None:
            say(f"Queued for {to}.")
            win.run(
                BackgroundOp(win.services.deliver_mail)
                .success(lambda note: say(f"Queued for {to}. {note}"))
                .failure(lambda exc: log.warning("Mail delivery failed: %s", exc))
            )

        win.run(
            BackgroundOp(lambda: win.services.email_report(pdf, to=address, name=self.name))
            .success(queued)
            .failure(lambda exc: say(message_for(exc))),
            db=True,
        )

    def import_photo(self) -> None:
        win = self.window
        path, _ = QFileDialog.getOpenFileName(
            win, "Choose a photo of your face", str(Path.home()),
            "Photos (*.jpg *.jpeg *.png *.bmp *.webp)", options=QFileDialog.Option.DontUseNativeDialog,
        )  # fmt: skip
        if path:
            self.analyse_file(Path(path))

    def analyse_file(self, path: Path) -> None:
        from ui.kiosk.window import message_for

        win, visit = self.window, self.window.visit
        win.capture.end()
        win.run(
            BackgroundOp(lambda: win.services.load_photo(path))
            .success(lambda photo: win.current(visit) and win.analyse_photo(photo))
            .failure(lambda exc: win.current(visit) and win.capture.show_error(message_for(exc)))
        )
