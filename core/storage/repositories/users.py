"""Users: create, find, list, change role, deactivate, erase."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from core.errors import ConflictError, NotFoundError
from core.storage.images import delete_unused_images
from core.storage.models import User
from core.storage.repositories.validation import (
    check_age,
    check_name,
    check_role,
    check_skin_type,
    normalise_email,
)

# Built once: constructing a select() costs more than running this indexed lookup.
_BY_EMAIL = select(User).where(User.email == bindparam("email"))
_BY_EMAIL_FOR_UPDATE = _BY_EMAIL.with_for_update()


def get_by_email(session: Session, email: str, *, for_update: bool = False) -> User | None:
    query = _BY_EMAIL_FOR_UPDATE if for_update else _BY_EMAIL
    return session.scalar(query, {"email": normalise_email(email)})


def require_by_email(session: Session, email: str) -> User:
    user = get_by_email(session, email)
    if user is None:
        raise NotFoundError(f"No account with the email {email.strip().lower()}")
    return user


def get(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def create(
    session: Session,
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str = "patient",
    hashed_password: str | None = None,
    age: int | None = None,
    skin_type: str | None = None,
    preferences: dict[str, Any] | None = None,
) -> User:
    """Add a user after validating every field; a taken email is a :class:`ConflictError`."""
    address = normalise_email(email)
    user = User(
        email=address,
        first_name=check_name(first_name, field="first name"),
        last_name=check_name(last_name, field="last name"),
        role=check_role(role),
        hashed_password=hashed_password,
        age=check_age(age),
        skin_type=check_skin_type(skin_type),
        preferences=dict(preferences or {}),
    )
    if session.scalar(select(User.user_id).where(User.email == address)) is not None:
        raise ConflictError(f"An account with the email {address} already exists")
    session.add(user)
    session.flush()
    return user


def list_users(session: Session, *, role: str | None = None, limit: int = 1000) -> Sequence[User]:
    query = select(User).order_by(User.last_name, User.first_name, User.email).limit(limit)
    if role is not None:
        query = query.where(User.role == check_role(role))
    return session.scalars(query).all()


def count(session: Session, *, role: str | None = None) -> int:
    query = select(func.count()).select_from(User)
    if role is not None:
        query = query.where(User.role == check_role(role))
    return int(session.scalar(query) or 0)


def set_role(session: Session, user: User, role: str) -> User:
    user.role = check_role(role)
    return user


def erase(session: Session, user: User) -> set[str]:
    """Delete a person and everything about them (analyses, consents, notes, and the photos no one
    else's result uses): each row leaves a tombstone, so the erasure reaches every device."""
    photos = {d for a in user.analyses for d in (a.image_sha256, a.thumbnail_sha256) if d}
    session.delete(user)
    session.flush()
    return delete_unused_images(session, photos)  # the caller deletes these files after commit
