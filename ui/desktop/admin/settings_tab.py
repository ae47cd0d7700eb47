"""This device's settings: clinic name and logo, idle times, the kiosk's camera, how long data is
kept. Saved to the desktop's own settings file; they apply from the next start of SkinLab."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.desktop.admin.messages import Say
from ui.desktop.admin.ports import AdminPort, DeviceSettings
from ui.desktop.context_types import PageContextLike
from ui.widgets.basics import label, named

CAMERAS = ("auto", "demo", "webcam:0", "webcam:1")


class SettingsTab(QWidget):
    def __init__(self, ctx: PageContextLike, say: Say) -> None:
        super().__init__()
        self.ctx = ctx
        self.services: AdminPort = ctx.services
        self.say = say
        self.clinic = QLineEdit()
        self.logo = QLineEdit()
        self.logo.setPlaceholderText("No logo")
        self.browse = named(QPushButton("Choose…"), "secondary")
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(self.browse)
        self.idle = QSpinBox()
        self.idle.setRange(1, 24 * 60)
        self.idle.setSuffix(" min")
        self.kiosk_idle = QSpinBox()
        self.kiosk_idle.setRange(20, 3600)
        self.kiosk_idle.setSuffix(" s")
        self.camera = QComboBox()
        self.camera.setEditable(True)
        self.camera.addItems(list(CAMERAS))
        self.keep_forever = QCheckBox("Keep until a patient is erased")
        self.retention = QSpinBox()
        self.retention.setRange(1, 36500)
        self.retention.setSuffix(" days")
        retention_row = QHBoxLayout()
        retention_row.addWidget(self.retention)
        retention_row.addWidget(self.keep_forever)
        retention_row.addStretch(1)
        self.save = named(QPushButton("Save settings"), "primary")
        form = QFormLayout()
        form.addRow("Clinic name", self.clinic)
        form.addRow("Clinic logo", logo_row)
        form.addRow("Desktop locks after", self.idle)
        form.addRow("Kiosk resets after", self.kiosk_idle)
        form.addRow("Kiosk camera", self.camera)
        form.addRow("Keep analyses and photos", retention_row)
        note = label(
            "Saved in desktop.json in the data folder (the kiosk's camera and idle time in "
            "kiosk.json, which the kiosk reads). settings.toml and SKINLAB_* variables stay as "
            "IT set them; these choices are laid over them from the next start of SkinLab.",
            "muted",
            wrap=True,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.save)
        layout.addStretch(1)
        self.keep_forever.toggled.connect(lambda on: self.retention.setEnabled(not on))
        self.browse.clicked.connect(self._choose_logo)
        self.save.clicked.connect(self._save)

    def load(self) -> None:
        session = self.ctx.session
        self.ctx.runner.db(lambda: self.services.device_settings(session), self._show, self._failed)

    def _show(self, settings: DeviceSettings) -> None:
        self.clinic.setText(settings.clinic_name)
        self.logo.setText(settings.clinic_logo)
        self.idle.setValue(settings.idle_lock_minutes)
        self.kiosk_idle.setValue(settings.kiosk_idle_seconds)
        self.camera.setCurrentText(settings.camera)
        self.keep_forever.setChecked(settings.retention_days is None)
        self.retention.setValue(settings.retention_days or 365)

    def values(self) -> DeviceSettings:
        return DeviceSettings(
            clinic_name=self.clinic.text(),
            clinic_logo=self.logo.text(),
            idle_lock_minutes=self.idle.value(),
            kiosk_idle_seconds=self.kiosk_idle.value(),
            camera=self.camera.currentText(),
            retention_days=None if self.keep_forever.isChecked() else self.retention.value(),
        )

    def _choose_logo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Clinic logo", "", "Images (*.png *.jpg *.jpeg *.svg)"
        )
        if name:
            self.logo.setText(name)

    def _save(self) -> None:
        wanted = self.values()
        session = self.ctx.session

        def saved(settings: DeviceSettings) -> None:
            self._show(settings)
            self.say("Settings saved. They apply from the next start of SkinLab.", False)

        self.ctx.runner.db(
            lambda: self.services.save_device_settings(session, wanted), saved, self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        self.say(getattr(exc, "message", f"Something went wrong ({type(exc).__name__})."), True)
