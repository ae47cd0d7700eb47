"""The idle lock: the screens are hidden until the same person enters their password again;
anyone else signs in from the normal sign-in page, which closes the first person's screens."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton

from ui.widgets.basics import named
from ui.widgets.card_form import CardForm


class LockPage(CardForm):
    unlock = Signal(str)  # password
    switch_user = Signal()

    def __init__(self) -> None:
        super().__init__(title="Locked", subtitle="", action="Unlock")
        self.password = self.add_field("Password", secret=True)
        self.other = named(QPushButton("Sign in as someone else"), "secondary")
        self.other.setMinimumHeight(40)
        self.card_layout.addWidget(self.other)
        self.button.clicked.connect(self._submit)
        self.other.clicked.connect(self.switch_user.emit)

    def show_for(self, full_name: str, email: str, reason: str) -> None:
        self.set_busy(False)
        self.password.clear()
        self.show_error("")
        self.subtitle.setText(f"{reason}\n{full_name} ({email}): enter your password to continue.")
        self.password.setFocus()

    def _submit(self) -> None:
        if not self.password.text():
            self.show_error("Enter your password.")
            return
        self.show_error("")
        self.unlock.emit(self.password.text())

    def failed(self, message: str) -> None:
        self.set_busy(False)
        self.password.clear()
        self.password.setFocus()
        self.show_error(message)

    def clear(self) -> None:
        self.password.clear()
        self.subtitle.clear()
        self.show_error("")
