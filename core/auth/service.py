"""Sign-in with lock-out, account management and ``get_current_user``, over one Database."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from core.auth.passwords import burn_equal_time, hash_password, verify_password
from core.auth.tokens import TokenSettings, create_access_token, decode_access_token
from core.errors import (
    AccountLockedError,
    InactiveUserError,
    InvalidCredentialsError,
    InvalidTokenError,
    PermissionDeniedError,
    SkinLabError,
    ValidationError,
)
from core.storage.changes import acting_as
from core.storage.database import Database
from core.storage.models import User
from core.storage.repositories import audit, users
from core.storage.repositories.validation import normalise_email
from core.sync import state as sync_state
from core.sync.errors import AdminFromServerError

WRONG_CREDENTIALS = "Wrong email or password."


class RoleNotAllowedError(PermissionDeniedError):
    """The right password, but an account whose role may not sign in at this place."""

    code = "role_not_allowed"


@dataclass(frozen=True)
class LockoutPolicy:
    threshold: int = 5
    duration: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class SignedIn:
    user_id: uuid.UUID
    email: str
    role: str
    full_name: str
    token: str


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _locked_message(policy: LockoutPolicy, until: datetime, now: datetime) -> str:
    return (
        f"This account is locked after {policy.threshold} failed sign-in attempts. "
        f"Try again in {_minutes_left(until, now)} minutes, or ask an administrator to unlock it."
    )


class AuthService:
    def __init__(self, db: Database, tokens: TokenSettings, policy: LockoutPolicy) -> None:
        self.db = db
        self.tokens = tokens
        self.policy = policy

    def login(
        self,
        email: str,
        password: str,
        *,
        now: datetime | None = None,
        roles: frozenset[str] | None = None,
    ) -> SignedIn:
        """Check a password; count failures and lock the account at the threshold.

        ``roles``: the roles that may sign in here (the kiosk's patient sign-in: patients only).
        An account with another role is refused with :class:`RoleNotAllowedError` even with the
        right password, and the refusal is audited (``login_failed``, reason ``role_not_allowed``).
        """
        moment = now or datetime.now(UTC)
        try:
            address = normalise_email(email)
        except ValidationError:
            burn_equal_time(password)
            raise InvalidCredentialsError(WRONG_CREDENTIALS) from None
        failure: SkinLabError | None = None
        signed: SignedIn | None = None
        with self.db.write() as session:
            # Lock the row (PostgreSQL; SQLite's IMMEDIATE write already serialises) so parallel
            # guesses cannot each read the same failure count and slip past the lock-out.
            user = users.get_by_email(session, address, for_update=True)
            if user is None:
                burn_equal_time(password)
                audit.record(session, "login_failed", details={"reason": "unknown_email"})
                failure = InvalidCredentialsError(WRONG_CREDENTIALS)
            elif user.locked_until is not None and user.locked_until > moment:
                burn_equal_time(password)
                failure = AccountLockedError(
                    _locked_message(self.policy, user.locked_until, moment)
                )
            else:
                failure, signed = self._check(session, user, password, moment, roles)
        if failure is not None:
            raise failure
        assert signed is not None
        return signed

    def _check(
        self,
        session: Session,
        user: User,
        password: str,
        moment: datetime,
        roles: frozenset[str] | None,
    ) -> tuple[SkinLabError | None, SignedIn | None]:
        ok, new_hash = verify_password(password, user.hashed_password)
        if not ok:
            return self._record_failure(session, user, moment), None
        if not user.is_active:
            return InactiveUserError("This account is deactivated; ask an administrator."), None
        if roles is not None and user.role not in roles:
            audit.record(
                session,
                "login_failed",
                target_type="user",
                target_id=user.user_id,
                details={"reason": "role_not_allowed", "role": user.role},
            )
            return RoleNotAllowedError("This account cannot sign in here."), None
        user.failed_login_count = 0
        user.locked_until = None
        user.last_login = moment
        if new_hash:
            user.hashed_password = new_hash
        audit.record(
            session, "login", actor_id=user.user_id, target_type="user", target_id=user.user_id
        )
        token = create_access_token(self.tokens, user_id=user.user_id, role=user.role, now=moment)
        return None, SignedIn(
            user_id=user.user_id,
            email=user.email,
            role=user.role,
            full_name=user.full_name,
            token=token,
        )

    def _record_failure(self, session: Session, user: User, moment: datetime) -> SkinLabError:
        user.failed_login_count += 1
        audit.record(session, "login_failed", target_type="user", target_id=user.user_id)
        if user.failed_login_count >= self.policy.threshold:
            user.locked_until = moment + self.policy.duration
            user.failed_login_count = 0
            audit.record(session, "account_locked", target_type="user", target_id=user.user_id)
            return AccountLockedError(_locked_message(self.policy, user.locked_until, moment))
        return InvalidCredentialsError(WRONG_CREDENTIALS)

    def unlock(self, email: str, *, actor_id: uuid.UUID | None = None) -> None:
        with acting_as(actor_id), self.db.write() as session:
            user = users.require_by_email(session, email)
            user.failed_login_count = 0
            user.locked_until = None
            audit.record(
                session,
                "account_unlocked",
                actor_id=actor_id,
                target_type="user",
                target_id=user.user_id,
            )

    def register(
        self,
        *,
        email: str,
        first_name: str,
        last_name: str,
        role: str,
        password: str | None,
        actor_id: uuid.UUID | None = None,
        **profile: Any,
    ) -> uuid.UUID:
        """Create an account (password optional for patients who never sign in themselves)."""
        hashed = hash_password(password) if password is not None else None
        with acting_as(actor_id), self.db.write() as session:
            user = users.create(
                session,
                email=email,
                first_name=first_name,
                last_name=last_name,
                role=role,
                hashed_password=hashed,
                **profile,
            )
            audit.record(
                session,
                "user_created",
                actor_id=actor_id,
                target_type="user",
                target_id=user.user_id,
                details={"role": user.role},
            )
            return user.user_id

    def create_first_admin(
        self, *, email: str, first_name: str, last_name: str, password: str
    ) -> uuid.UUID:
        """The first-run account. Refused once any admin exists, and on an enrolled device."""
        enrolled = sync_state.enrollment(self.db)
        if enrolled is not None:
            raise AdminFromServerError(
                f"This device is enrolled with the clinic's sync server ({enrolled.clinic_name}): "
                "its administrator comes from the server, not from this screen. Let the device "
                "sync, then sign in with the administrator account made on the server "
                "('skinlab server create-admin')."
            )
        with self.db.read() as session:
            if users.count(session, role="admin"):
                raise ValidationError("An administrator account already exists; sign in instead.")
        return self.register(
            email=email, first_name=first_name, last_name=last_name, role="admin", password=password
        )

    def needs_first_admin(self) -> bool:
        with self.db.read() as session:
            return users.count(session, role="admin") == 0

    def set_password(self, email: str, password: str, *, actor_id: uuid.UUID | None = None) -> None:
        hashed = hash_password(password)
        with acting_as(actor_id), self.db.write() as session:
            user = users.require_by_email(session, email)
            user.hashed_password = hashed
            audit.record(
                session,
                "password_set",
                actor_id=actor_id,
                target_type="user",
                target_id=user.user_id,
            )

    def set_role(self, email: str, role: str, *, actor_id: uuid.UUID | None = None) -> None:
        with acting_as(actor_id), self.db.write() as session:
            user = users.require_by_email(session, email)
            old = user.role
            users.set_role(session, user, role)
            audit.record(
                session,
                "role_changed",
                actor_id=actor_id,
                target_type="user",
                target_id=user.user_id,
                details={"from": old, "to": user.role},
            )

    def deactivate(self, email: str, *, actor_id: uuid.UUID | None = None) -> None:
        with acting_as(actor_id), self.db.write() as session:
            user = users.require_by_email(session, email)
            user.is_active = False
            audit.record(
                session,
                "user_deactivated",
                actor_id=actor_id,
                target_type="user",
                target_id=user.user_id,
            )

    def issue_token(self, email: str) -> str:
        """A token for scripting (``skinlab auth token``): the local operator already holds the database."""
        with self.db.read() as session:
            user = users.require_by_email(session, email)
            if not user.is_active:
                raise InactiveUserError(f"The account {user.email} is deactivated")
            return create_access_token(self.tokens, user_id=user.user_id, role=user.role)

    def get_current_user(self, token: str) -> User:
        """The seed's ``get_current_user``: the active account a valid token names."""
        claims = decode_access_token(self.tokens, token)
        with self.db.read() as session:
            user = users.get(session, claims.subject)
            if user is None:
                raise InvalidTokenError("The token names an account that no longer exists")
            if not user.is_active:
                raise InactiveUserError("This account is deactivated; ask an administrator.")
            session.expunge(user)
            return user
