"""What the desktop screens need from the rest of the app, as protocols over plain typed data.

``app/desktop/services.py`` implements them over core. Every call may block (disk, database): the
screens make them from the background pools, never from the UI thread. Every call that reads or
changes patient data takes the :class:`SessionInfo` of the person signed in, and the service checks
that person's permission through ``core.auth`` before touching anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class StartupState:
    needs_first_admin: bool
    clinic_name: str
    idle_lock_seconds: int = 600
    theme: str = "light"


@dataclass(frozen=True)
class SessionInfo:
    """The person signed in. ``token`` is what every later call is checked against."""

    email: str
    role: str
    full_name: str
    user_id: str = ""
    token: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class AuthPort(Protocol):
    def startup(self) -> StartupState:
        """Open and migrate the database; say whether an admin must be created first."""
        ...

    def create_first_admin(
        self, *, email: str, first_name: str, last_name: str, password: str
    ) -> None: ...

    def login(self, email: str, password: str) -> SessionInfo:
        """Sign a clinician or an administrator in; any other account is refused, with a reason."""
        ...

    def unlock(self, session: SessionInfo, password: str) -> SessionInfo:
        """The same person again, after the idle lock: their password, a fresh session."""
        ...

    def sign_out(self, session: SessionInfo) -> None: ...
