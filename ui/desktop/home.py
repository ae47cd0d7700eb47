"""After sign-in: who is signed in, and a way out. The patient screens grow from here."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ui.ports import SessionInfo


class HomePage(QWidget):
    sign_out = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome = QLabel("", objectName="title")
        self.detail = QLabel("", objectName="subtitle")
        button = QPushButton("Sign out", objectName="secondary")
        button.setMinimumHeight(40)
        button.clicked.connect(self.sign_out.emit)
        for widget in (self.welcome, self.detail):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignCenter)

    def show_session(self, session: SessionInfo) -> None:
        self.welcome.setText(f"Welcome, {session.full_name}")
        self.detail.setText(f"Signed in as {session.email} · {session.role}")

    def clear(self) -> None:
        self.welcome.clear()
        self.detail.clear()
