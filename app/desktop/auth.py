"""The desktop's sign-in port (``ui.desktop.ports.AuthPort``) over core: start-up, first run,
sign-in for clinicians and administrators only, unlock after the idle lock, sign-out, and the
sync server's proof of an online sign-in (asked for after sign-in, forgotten at sign-out)."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime

from app.context import AppContext
from app.desktop.access import may_use_desktop, refusal
from core.auth import SignedIn
from core.errors import PermissionDeniedError
from core.storage.repositories import audit, users
from core.sync import grants
from core.sync import state as sync_state
from ui.desktop.ports import SessionInfo, StartupState


def _session(signed: SignedIn) -> SessionInfo:
    return SessionInfo(
        email=signed.email,
        role=signed.role,
        full_name=signed.full_name,
        user_id=str(signed.user_id),
        token=signed.token,
    )


class AuthServices:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._signed_in: str | None = None
        self._signed_in_lock = threading.Lock()

    def startup(self) -> StartupState:
        self.ctx.database  # noqa: B018  (opens, backs up and migrates, off the UI thread)
        self.ctx.sync.forget_sign_in()  # no one is signed in yet: a proof left by a crash goes
        settings = self.ctx.settings
        return StartupState(
            needs_first_admin=self.ctx.auth.needs_first_admin(),
            clinic_name=settings.clinic_name,
            idle_lock_seconds=settings.desktop_idle_lock_minutes * 60,
            theme=settings.desktop_theme,
        )

    def create_first_admin(
        self, *, email: str, first_name: str, last_name: str, password: str
    ) -> None:
        self.ctx.auth.create_first_admin(
            email=email, first_name=first_name, last_name=last_name, password=password
        )

    def login(self, email: str, password: str) -> SessionInfo:
        """The password first (so a refusal reveals nothing to a wrong guess), then the role."""
        signed = self.ctx.auth.login(email, password)
        with self.ctx.database.write() as session:
            user = users.get(session, signed.user_id)
            if user is None or not may_use_desktop(user):
                audit.record(
                    session,
                    "desktop_refused",
                    actor_id=signed.user_id,
                    target_type="user",
                    target_id=signed.user_id,
                    details={"role": signed.role},
                )
                refused = refusal(user) if user else PermissionDeniedError("The account is gone.")
            else:
                refused = None
        if refused is not None:
            raise refused
        with self._signed_in_lock:
            self._signed_in = str(signed.user_id)
        return _session(signed)

    def unlock(self, session: SessionInfo, password: str) -> SessionInfo:
        return self.login(session.email, password)

    def prove_online(self, session: SessionInfo, password: str) -> str:
        """Ask the sync server for a proof of this sign-in (a network call: never on the UI
        thread), so that the administrator changes made here sync; the status line's text, empty
        when the device syncs with no server or is a kiosk."""
        enrolled = sync_state.enrollment(self.ctx.database)
        if enrolled is None or enrolled.role == "kiosk":
            return ""
        answer = self.ctx.sync.request_grant(session.user_id, password)
        with self._signed_in_lock:  # kept only for the person still signed in, never over another's
            if self._signed_in != session.user_id:  # signed out while the server answered
                return ""
            proof = grants.store(self.ctx.database, answer)
        until = datetime.fromtimestamp(proof.expires_at).strftime("%H:%M")
        return f"Signed in online: changes that need your sign-in sync until {until}."

    def forget_session(self) -> None:
        """No one is signed in here any more: the proof of their online sign-in goes with them (at
        sign-out, and when the window has closed, whatever the sign-out task managed)."""
        with self._signed_in_lock:
            self._signed_in = None
            self.ctx.sync.forget_sign_in()

    def sign_out(self, session: SessionInfo) -> None:
        self.forget_session()
        user_id = uuid.UUID(session.user_id)
        with self.ctx.database.write() as db_session:
            audit.record(
                db_session, "logout", actor_id=user_id, target_type="user", target_id=user_id
            )
