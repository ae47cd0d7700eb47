"""The two values the desktop window holds before anyone has signed in: the start-up state and
the signed-in person. Apart from :mod:`ui.desktop.ports` (which re-exports them) because the window
imports them before its first paint, and the ports' fifteen dataclasses and five protocols cost
that paint ~50 ms on a loaded machine (``app.first_paint``)."""

from __future__ import annotations

from dataclasses import dataclass


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
