"""Sign in against the local database; failures (including lock-out) are shown as given."""

from __future__ import annotations

from PySide6.QtCore import Signal

from ui.widgets.card_form import CardForm


class LoginPage(CardForm):
    submitted = Signal(str, str)  # email, password

    def __init__(self, clinic_name: str = "") -> None:
        super().__init__(title="Sign in", subtitle=clinic_name, action="Sign in")
        self.email = self.add_field("Email", placeholder="name@clinic.org")
        self.password = self.add_field("Password", secret=True)
        self.button.clicked.connect(self._submit)

    def opening(self, busy: bool) -> None:
        """Shown before the database is open: the fields take typing, the button waits."""
        self.button.setEnabled(not busy)
        self.button.setText("Opening SkinLab…" if busy else self._action)

    def set_clinic(self, name: str) -> None:
        self.subtitle.setText(name)

    def _submit(self) -> None:
        if not self.email.text().strip() or not self.password.text():
            self.show_error("Enter your email and password.")
            return
        self.show_error("")
        self.submitted.emit(self.email.text(), self.password.text())

    def failed(self, message: str) -> None:
        self.set_busy(False)
        self.password.clear()
        self.password.setFocus()
        self.show_error(message)
