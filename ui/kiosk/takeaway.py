"""Take it away: the PDF report saved to a USB stick, printed on the clinic's printer, or emailed.

Only the USB sticks the kiosk detects are offered (no folder to choose: a file dialog would open
the whole machine to a visitor), and printing goes straight to the clinic's printer (no print
dialog: it offers printing to a file).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.kiosk.ports import EmailOffer
from ui.kiosk.printing import NO_PRINTER
from ui.kiosk.widgets import Header, button, card, label


class TakeAwayScreen(QWidget):
    save_to = Signal(object)  # Path
    look_for_drives = Signal()
    print_report = Signal()
    email = Signal(str)
    back = Signal()
    finish = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = Header("Take your report")
        self.back_button = button("Back to results", "ghost")
        self.finish_button = button("Finish", "primary")
        self.header.add_action(self.back_button)
        self.header.add_action(self.finish_button)
        outer.addWidget(self.header)
        self.summary = label("Preparing your report…", "panelText")
        self.summary.setContentsMargins(48, 24, 48, 0)
        outer.addWidget(self.summary)
        row = QHBoxLayout()
        row.setContentsMargins(48, 20, 48, 48)
        row.setSpacing(28)
        outer.addLayout(row)
        outer.addStretch(1)

        save_card, save = card()
        save.addWidget(label("Save to a USB stick", "cardTitle"))
        save.addWidget(label("Plug a USB stick into the kiosk, then touch it below.", "cardText"))
        self.drives = QVBoxLayout()
        self.drives.setSpacing(10)
        save.addLayout(self.drives)
        self.no_drive = label("No USB stick found yet.", "fine")
        save.addWidget(self.no_drive)
        save.addStretch(1)
        self.drives_button = button("Look for USB sticks again", "secondary")
        save.addWidget(self.drives_button)
        self.save_status = label("", "status")
        save.addWidget(self.save_status)
        row.addWidget(save_card, 1)

        print_card, printing = card()
        printing.addWidget(label("Print", "cardTitle"))
        printing.addWidget(label("A printed copy from the clinic's printer.", "cardText"))
        printing.addStretch(1)
        self.print_button = button("Print the report", "secondary")
        printing.addWidget(self.print_button)
        self.print_status = label("", "status")
        printing.addWidget(self.print_status)
        row.addWidget(print_card, 1)

        mail_card, mail = card()
        mail.addWidget(label("Email", "cardTitle"))
        mail.addWidget(label("We send the report as a PDF attachment.", "cardText"))
        self.address = QLineEdit()
        self.address.setPlaceholderText("name@example.com")
        self.address.setMinimumHeight(64)
        mail.addWidget(self.address)
        mail.addStretch(1)
        self.email_button = button("Send by email", "secondary")
        mail.addWidget(self.email_button)
        self.email_status = label("", "status")
        mail.addWidget(self.email_status)
        row.addWidget(mail_card, 1)

        self._drive_buttons: list[QPushButton] = []
        self._ready = False
        self._printer = ""
        self._offer: EmailOffer | None = None
        self.drives_button.clicked.connect(self.look_for_drives)
        self.print_button.clicked.connect(self.print_report)
        self.email_button.clicked.connect(lambda: self.email.emit(self.address.text().strip()))
        self.back_button.clicked.connect(self.back)
        self.finish_button.clicked.connect(self.finish)

    def begin(self, *, email: str, printer: str) -> None:
        """Everything off until the report is ready and the email offer is known."""
        self.clear()
        self.address.setText(email)
        self._ready = False
        self._offer = None
        self.set_ready(False)
        self._printer = printer
        if not printer:
            self.print_status.setText(NO_PRINTER)

    def set_email_offer(self, offer: EmailOffer) -> None:
        self._offer = offer
        self.email_status.setText(offer.note)
        self.address.setEnabled(offer.allowed)
        self.email_button.setText("Send now" if offer.immediate else "Send by email")
        self.set_ready(self._ready)

    def set_ready(self, ready: bool, summary: str = "") -> None:
        self._ready = ready
        self.summary.setText(
            summary or ("Your report is ready." if ready else "Preparing your report…")
        )
        for widget in self._drive_buttons:
            widget.setEnabled(ready)
        self.print_button.setEnabled(ready and bool(self._printer))
        self.email_button.setEnabled(ready and self._offer is not None and self._offer.allowed)

    def set_drives(self, drives: list[tuple[str, Path]]) -> None:
        for widget in self._drive_buttons:
            widget.setParent(None)
            widget.deleteLater()
        self._drive_buttons = []
        for name, path in drives:
            widget = button(f"Save to {name}", "secondary")
            widget.clicked.connect(lambda _=False, p=path: self.save_to.emit(p))
            widget.setEnabled(self._ready)
            self.drives.addWidget(widget)
            self._drive_buttons.append(widget)
        self.no_drive.setVisible(not drives)

    def clear(self) -> None:
        self.address.clear()
        self.address.setEnabled(True)
        for widget in (self.save_status, self.print_status, self.email_status):
            widget.setText("")
        self.set_drives([])
