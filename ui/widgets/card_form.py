"""A centred card with a title, labelled fields, an error line and one main button."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.basics import centred, label, named


class CardForm(QWidget):
    def __init__(
        self, *, title: str, subtitle: str, action: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.card = named(QFrame(), "card")
        self.card.setFixedWidth(440)
        centred(QVBoxLayout(self), self.card)
        self.card_layout = layout = QVBoxLayout(self.card)
        layout.setContentsMargins(36, 32, 36, 32)
        layout.setSpacing(14)
        brand = label("SkinLab", "brand")
        self.title = label(title, "title")
        self.subtitle = label(subtitle, "subtitle")
        self.title.setWordWrap(True)
        self.subtitle.setWordWrap(True)
        layout.addWidget(brand)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.form.setVerticalSpacing(6)
        layout.addLayout(self.form)
        self.error = label("", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.button = named(QPushButton(action), "primary")
        self.button.setDefault(True)
        self.button.setMinimumHeight(44)
        layout.addWidget(self.button)
        self._action = action

    def add_field(self, label: str, *, secret: bool = False, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setMinimumHeight(38)
        edit.setPlaceholderText(placeholder)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.returnPressed.connect(self.button.click)
        self.form.addRow(label, edit)
        return edit

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def set_busy(self, busy: bool, text: str = "Please wait…") -> None:
        self.button.setEnabled(not busy)
        self.button.setText(text if busy else self._action)
        for edit in self.findChildren(QLineEdit):
            edit.setEnabled(not busy)
