"""The UI's ports implemented over core: the only place UI calls meet storage and auth."""

from __future__ import annotations

from app.context import AppContext
from ui.ports import SessionInfo, StartupState


class AuthServices:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def startup(self) -> StartupState:
        self.ctx.database  # noqa: B018  (opens, backs up and migrates, off the UI thread)
        return StartupState(
            needs_first_admin=self.ctx.auth.needs_first_admin(),
            clinic_name=self.ctx.settings.clinic_name,
        )

    def create_first_admin(
        self, *, email: str, first_name: str, last_name: str, password: str
    ) -> None:
        self.ctx.auth.create_first_admin(
            email=email, first_name=first_name, last_name=last_name, password=password
        )

    def login(self, email: str, password: str) -> SessionInfo:
        signed = self.ctx.auth.login(email, password)
        return SessionInfo(email=signed.email, role=signed.role, full_name=signed.full_name)
