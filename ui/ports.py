"""What the UI needs from the rest of the app, as protocols: app/ provides the implementations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class StartupState:
    needs_first_admin: bool
    clinic_name: str


@dataclass(frozen=True)
class SessionInfo:
    email: str
    role: str
    full_name: str


class AuthPort(Protocol):
    def startup(self) -> StartupState:
        """Open and migrate the database; say whether an admin must be created first."""
        ...

    def create_first_admin(
        self, *, email: str, first_name: str, last_name: str, password: str
    ) -> None: ...

    def login(self, email: str, password: str) -> SessionInfo: ...
