"""First run: create the administrator account."""

from __future__ import annotations

from PySide6.QtCore import Signal

from ui.widgets.card_form import CardForm


class FirstRunPage(CardForm):
    submitted = Signal(str, str, str, str)  # email, first name, last name, password

    def __init__(self) -> None:
        super().__init__(
            title="Create the administrator account",
            subtitle="This is a new SkinLab installation. The administrator manages accounts, "
            "devices and settings.",
            action="Create account",
        )
        self.first_name = self.add_field("First name")
        self.last_name = self.add_field("Last name")
        self.email = self.add_field("Email", placeholder="name@clinic.org")
        self.password = self.add_field("Password (at least 8 characters)", secret=True)
        self.repeat = self.add_field("Repeat the password", secret=True)
        self.button.clicked.connect(self._submit)

    def _submit(self) -> None:
        if self.password.text() != self.repeat.text():
            self.show_error("The two passwords differ.")
            return
        self.show_error("")
        self.submitted.emit(
            self.email.text(), self.first_name.text(), self.last_name.text(), self.password.text()
        )

    def clear(self) -> None:
        for edit in (self.first_name, self.last_name, self.email, self.password, self.repeat):
            edit.clear()
        self.show_error("")
