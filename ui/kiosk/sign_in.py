"""Who is this: sign in (email and password), register, or continue as a guest."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.kiosk.widgets import Header, button, card, label


def _field(placeholder: str, *, secret: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMinimumHeight(64)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class SignInScreen(QWidget):
    signed_in = Signal(str, str)  # email, password
    register = Signal(str, str, str, str)  # email, first, last, password
    guest = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = Header("Welcome")
        self.back = button("Start over", "ghost")
        self.header.add_action(self.back)
        self.header.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        outer.addWidget(self.header)
        # The cards scroll when a long error needs more room than the screen has: the header
        # and the fields keep their size instead of being squeezed over one another.
        self.scroll_area = QScrollArea()
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        self.scroll_area.setWidget(content)
        for see_through in (self.scroll_area, self.scroll_area.viewport(), content):
            see_through.setAutoFillBackground(False)  # the screen's own background shows
        outer.addWidget(self.scroll_area, 1)
        body = QHBoxLayout(content)
        body.setContentsMargins(48, 32, 48, 40)
        body.setSpacing(36)

        guest_card, guest = card("card")
        guest.addWidget(label("Continue as a guest", "cardTitle"))
        guest.addWidget(
            label(
                "No account needed. You get the full analysis and can take the report away. "
                "Nothing is linked to your name.",
                "cardText",
            )
        )
        guest.addStretch(1)
        self.guest_button = button("Continue as a guest", "primary", height=80)
        guest.addWidget(self.guest_button)
        body.addWidget(guest_card, 1)

        account_card, account = card("card")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._sign_in_page())
        self.pages.addWidget(self._register_page())
        account.addWidget(self.pages)
        self.error = label("", "error")
        self.error.setVisible(False)
        account.addWidget(self.error)
        body.addWidget(account_card, 1)

        self.guest_button.clicked.connect(self.guest)
        self.back.clicked.connect(self.cancelled)

    def _sign_in_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(label("Sign in to compare with your last visit", "cardTitle"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.email = _field("name@example.com")
        self.password = _field("Password", secret=True)
        form.addRow("Email", self.email)
        form.addRow("Password", self.password)
        layout.addLayout(form)
        layout.addStretch(1)
        self.sign_in_button = button("Sign in", "primary", height=80)
        self.to_register = button("New here? Create an account", "ghost")
        layout.addWidget(self.sign_in_button)
        layout.addWidget(self.to_register)
        self.sign_in_button.clicked.connect(self._submit_sign_in)
        self.password.returnPressed.connect(self._submit_sign_in)
        self.to_register.clicked.connect(lambda: self._show(1))
        return page

    def _register_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(label("Create your account", "cardTitle"))
        self.first_name = _field("First name")
        self.last_name = _field("Last name")
        self.new_email = _field("Email: name@example.com")
        self.new_password = _field("Password: at least 8 characters", secret=True)
        names = QHBoxLayout()
        names.addWidget(self.first_name)
        names.addWidget(self.last_name)
        layout.addLayout(names)
        layout.addWidget(self.new_email)
        layout.addWidget(self.new_password)
        layout.addStretch(1)
        self.register_button = button("Create account", "primary", height=80)
        self.to_sign_in = button("I already have an account", "ghost")
        layout.addWidget(self.register_button)
        layout.addWidget(self.to_sign_in)
        self.register_button.clicked.connect(self._submit_register)
        self.to_sign_in.clicked.connect(lambda: self._show(0))
        return page

    def _show(self, index: int) -> None:
        self.show_error("")
        self.pages.setCurrentIndex(index)

    def _submit_sign_in(self) -> None:
        if not self.email.text().strip() or not self.password.text():
            self.show_error("Enter your email and password.")
            return
        self.set_busy(True)
        self.signed_in.emit(self.email.text().strip(), self.password.text())

    def _submit_register(self) -> None:
        fields = (self.first_name, self.last_name, self.new_email, self.new_password)
        if not all(f.text().strip() for f in fields):
            self.show_error("Fill in every field to create an account.")
            return
        self.set_busy(True)
        self.register.emit(
            self.new_email.text().strip(),
            self.first_name.text().strip(),
            self.last_name.text().strip(),
            self.new_password.text(),
        )

    def set_busy(self, busy: bool) -> None:
        for widget in (self.sign_in_button, self.register_button, self.guest_button):
            widget.setEnabled(not busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.password.clear()
        self.new_password.clear()
        self.error.setText(message)
        self.error.setVisible(bool(message))
        if message:  # once laid out: scrolled into view if the cards no longer fit
            QTimer.singleShot(0, self._reveal_error)

    def _reveal_error(self) -> None:
        if self.error.isVisible():
            self.scroll_area.ensureWidgetVisible(self.error, 0, 16)

    def clear(self) -> None:
        for edit in self.findChildren(QLineEdit):
            edit.clear()
        self.show_error("")
        self.pages.setCurrentIndex(0)
        self.email.setFocus(Qt.FocusReason.OtherFocusReason)
