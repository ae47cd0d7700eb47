"""Staff only, behind a PIN: camera, idle time, clinic name and logo, the PIN, sync status, exit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.kiosk.ports import MAX_PIN_DIGITS, UNLOCK_CODE_DIGITS, KioskConfig, SyncView
from ui.kiosk.widgets import Header, button, card, label

PIN_TITLE = "Enter the staff PIN"
CAMERAS = (
    ("Automatic (webcam, else demo)", "auto"),
    ("Webcam 1", "webcam:0"),
    ("Webcam 2", "webcam:1"),
    ("Demo face (no camera)", "demo"),
)


class Stepper(QWidget):
    """A number between big minus and plus buttons: a spin box's arrows are too small to touch."""

    def __init__(self, *, low: int, high: int, step: int, suffix: str) -> None:
        super().__init__()
        self.low, self.high, self.step, self.suffix = low, high, step, suffix
        self._value = low
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        minus, plus = button("\u2212", "key"), button("+", "key")
        for widget in (minus, plus):
            widget.setFixedWidth(72)
        self.text = label("", "stepperValue", wrap=False)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        minus.clicked.connect(lambda: self.setValue(self._value - self.step))
        plus.clicked.connect(lambda: self.setValue(self._value + self.step))
        row.addWidget(minus)
        row.addWidget(self.text, 1)
        row.addWidget(plus)
        self.setValue(low)

    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:
        self._value = max(self.low, min(self.high, int(value)))
        self.text.setText(f"{self._value} {self.suffix}")


class PinScreen(QWidget):
    entered = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = Header("Staff settings")
        self.back = button("Cancel", "ghost")
        self.header.add_action(self.back)
        outer.addWidget(self.header)
        body = QVBoxLayout()
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addLayout(body, 1)
        frame, layout = card("dialog")
        frame.setFixedWidth(460)
        self.title = label(PIN_TITLE, "cardTitle")
        layout.addWidget(self.title)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setReadOnly(True)
        self.pin.setObjectName("pinField")
        self.pin.setMinimumHeight(64)
        layout.addWidget(self.pin)
        self.error = label("", "error")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        pad = QGridLayout()
        pad.setSpacing(10)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        for index, key in enumerate(keys):
            widget = button(key, "primary" if key == "OK" else "key", height=72)
            widget.clicked.connect(lambda _=False, k=key: self._key(k))
            pad.addWidget(widget, index // 3, index % 3)
        layout.addLayout(pad)
        body.addWidget(frame)
        self.back.clicked.connect(self.cancelled)

    def _key(self, key: str) -> None:
        if key == "⌫":
            self.pin.setText(self.pin.text()[:-1])
        elif key == "OK":
            self.entered.emit(self.pin.text())
            self.pin.clear()
        elif len(self.pin.text()) < UNLOCK_CODE_DIGITS:  # a PIN, or the longer unlock code
            self.pin.setText(self.pin.text() + key)
        self._count()

    def _count(self) -> None:
        """Past a PIN's length the dots no longer fit: say how much of the unlock code is typed."""
        typed = len(self.pin.text())
        if typed > MAX_PIN_DIGITS:
            self.title.setText(f"Unlock code: {typed}/{UNLOCK_CODE_DIGITS}")
        else:
            self.title.setText(PIN_TITLE)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def clear(self) -> None:
        self.pin.clear()
        self._count()
        self.show_error("")


class AdminScreen(QWidget):
    save = Signal(dict)
    done = Signal()
    exit_app = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = Header("Staff settings")
        self.exit_button = button("Exit", "danger")
        self.done_button = button("Done", "secondary")
        self.save_button = button("Save", "primary")
        self.header.add_action(self.exit_button)
        self.header.add_action(self.done_button)
        self.header.add_action(self.save_button)
        outer.addWidget(self.header)
        row = QHBoxLayout()
        row.setContentsMargins(48, 24, 48, 24)
        row.setSpacing(28)
        outer.addLayout(row, 1)

        frame, layout = card()
        layout.addWidget(label("Kiosk", "cardTitle"))
        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.setHorizontalSpacing(20)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.camera = QComboBox()
        self.camera.setEditable(True)
        for name, spec in CAMERAS:
            self.camera.addItem(name, spec)
        self.camera.setMinimumHeight(56)
        self.idle = Stepper(low=20, high=3600, step=10, suffix="s")
        self.clinic = QLineEdit()
        self.logo = QLineEdit()
        self.logo.setPlaceholderText("/path/to/logo.png (optional)")
        for widget in (self.clinic, self.logo):
            widget.setMinimumHeight(56)
        form.addRow("Camera", self.camera)
        form.addRow("Start over after", self.idle)
        form.addRow("Clinic name", self.clinic)
        form.addRow("Clinic logo", self.logo)
        layout.addLayout(form)
        layout.addWidget(
            label(
                "Camera: pick one, or type file:PATH (video) or folder:PATH (photos). "
                "Guest visits are never kept: they are forgotten when each visit ends.",
                "fine",
            )
        )
        layout.addStretch(1)
        self.status = label("", "status")
        layout.addWidget(self.status)
        row.addWidget(frame, 3)

        sync_frame, sync = card()
        sync.addWidget(label("Sync", "cardTitle"))
        self.sync_headline = label("", "fact")
        self.sync_details = label("", "cardText")
        sync.addWidget(self.sync_headline)
        sync.addWidget(self.sync_details)
        sync.addStretch(1)
        row.addWidget(sync_frame, 2)

        self.save_button.clicked.connect(self._save)
        self.done_button.clicked.connect(self.done)
        self.exit_button.clicked.connect(self.exit_app)

    def show_config(self, config: KioskConfig) -> None:
        index = self.camera.findData(config.camera)
        if index >= 0:
            self.camera.setCurrentIndex(index)
        else:
            self.camera.setEditText(config.camera)
        self.idle.setValue(config.idle_seconds)
        self.clinic.setText(config.clinic_name)
        self.logo.setText(str(config.logo_path) if config.logo_path else "")

    def show_sync(self, view: SyncView) -> None:
        self.sync_headline.setText(view.headline)
        self.sync_details.setText("\n".join(view.details))

    def camera_spec(self) -> str:
        text = self.camera.currentText().strip()
        index = self.camera.findText(text)
        return str(self.camera.itemData(index)) if index >= 0 else text

    def _save(self) -> None:
        logo = self.logo.text().strip()
        self.save.emit(
            {
                "camera": self.camera_spec(),
                "idle_seconds": self.idle.value(),
                "clinic_name": self.clinic.text(),
                "logo_path": Path(logo) if logo else None,
            }
        )
