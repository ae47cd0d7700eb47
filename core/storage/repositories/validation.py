"""Checks on user-entered fields, shared by the CLI, the UI and the sync server."""

from __future__ import annotations

import re

from core.errors import ValidationError
from core.storage.models import ROLES, SKIN_TYPES

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def normalise_email(email: str) -> str:
    """Lower-case and trim an email address, or raise if it is not one."""
    value = (email or "").strip().lower()
    if not value or len(value) > 320 or not _EMAIL.match(value) or ".." in value:
        raise ValidationError(f"{email!r} is not a valid email address (expected name@example.org)")
    return value


def check_role(role: str) -> str:
    value = (role or "").strip().lower()
    if value not in ROLES:
        raise ValidationError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    return value


def check_name(value: str, *, field: str) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationError(f"The {field} must not be empty")
    if len(name) > 100:
        raise ValidationError(f"The {field} is longer than 100 characters")
    return name


def check_age(age: int | None) -> int | None:
    if age is not None and not 0 <= age <= 150:
        raise ValidationError(f"Age {age} is out of range (0-150)")
    return age


def check_skin_type(skin_type: str | None) -> str | None:
    if skin_type is None:
        return None
    value = skin_type.strip().lower()
    if value not in SKIN_TYPES:
        raise ValidationError(
            f"Unknown skin type {skin_type!r}; choose one of: {', '.join(SKIN_TYPES)}"
        )
    return value
