"""This device and its sync server: enrolled or not, the server, pending changes, the last sync
and its error, conflicts set aside; and why the clinic's other devices are not listed here."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QPushButton, QVBoxLayout, QWidget

from ui.desktop.admin.messages import Say
from ui.desktop.admin.ports import AdminPort, DeviceStatus
from ui.desktop.context_types import PageContextLike
from ui.widgets.basics import label, named

FIELDS = (
    ("enrolled", "Sync"),
    ("server", "Server"),
    ("clinic", "Clinic on the server"),
    ("device", "This device"),
    ("pending", "Changes waiting to be sent"),
    ("last", "Last successful sync"),
    ("error", "Last error"),
    ("conflicts", "Changes set aside"),
    ("online", "Online sign-in"),
    ("waiting", "Waiting for an administrator's online sign-in"),
)


class DevicesTab(QWidget):
    def __init__(self, ctx: PageContextLike, say: Say) -> None:
        super().__init__()
        self.ctx = ctx
        self.services: AdminPort = ctx.services
        self.say = say
        self.values = {key: label("…", wrap=True) for key, _ in FIELDS}
        form = QFormLayout()
        for key, title in FIELDS:
            form.addRow(title, self.values[key])
        self.note = label("", "muted", wrap=True)
        self.refresh = named(QPushButton("Refresh"), "secondary")
        layout = QVBoxLayout(self)
        layout.addWidget(label("This device", "sectionTitle"))
        layout.addLayout(form)
        layout.addWidget(label("The clinic's devices", "sectionTitle"))
        layout.addWidget(self.note)
        layout.addWidget(self.refresh)
        layout.addStretch(1)
        self.refresh.clicked.connect(self.load)

    def load(self) -> None:
        session = self.ctx.session
        self.ctx.runner.db(lambda: self.services.device_status(session), self._show, self._failed)

    def _show(self, status: DeviceStatus) -> None:
        when = status.last_success
        texts = {
            "enrolled": "Enrolled"
            if status.enrolled
            else "Not enrolled: this device works alone "
            "(skinlab device enroll --server URL --code CODE connects it)",
            "server": status.server_url or "—",
            "clinic": status.clinic_name or "—",
            "device": status.device_id or "—",
            "pending": str(status.pending_changes),
            "last": f"{when.astimezone():%d %b %Y %H:%M}" if when else "Never",
            "error": status.last_error or "None",
            "conflicts": str(status.conflicts)
            + ("".join(f"\n{c}" for c in status.recent_conflicts)),
            "online": status.online_sign_in or "None",
            "waiting": str(status.waiting_for_sign_in),
        }
        for key, text in texts.items():
            self.values[key].setText(text)
        self.note.setText(status.devices_note)

    def _failed(self, exc: BaseException) -> None:
        self.say(getattr(exc, "message", f"Something went wrong ({type(exc).__name__})."), True)
