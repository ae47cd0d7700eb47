"""Accounts on this device: list, create, change role, unlock, deactivate, reset password.

Administrators only (``manage_users``). Each change goes through ``core.auth.AuthService``, which
audits it with the administrator as actor. An administrator cannot deactivate or demote themselves
here, and the last active administrator cannot be removed, so the device never loses its admin.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.context import AppContext
from app.desktop.access import actor
from core.auth import Permission
from core.errors import ValidationError
from core.storage.models import User
from core.storage.repositories import users
from core.storage.repositories.validation import check_role, normalise_email
from ui.desktop.admin.ports import STAFF_ROLES, AccountRow, NewAccount
from ui.desktop.ports import SessionInfo


def account_row(user: User, now: datetime | None = None) -> AccountRow:
    moment = now or datetime.now(UTC)
    return AccountRow(
        user_id=str(user.user_id),
        email=user.email,
        name=user.full_name,
        role=user.role,
        active=user.is_active,
        locked=user.locked_until is not None and user.locked_until > moment,
        last_login=user.last_login,
    )


class AccountServices:
    """A part of ``DesktopServices`` (which sets ``ctx``)."""

    ctx: AppContext

    def list_accounts(self, session: SessionInfo) -> list[AccountRow]:
        """Staff and kiosk accounts (patients are managed on the Patients page)."""
        actor(self.ctx, session, Permission.MANAGE_USERS)
        query = (
            select(User)
            .where(User.role.in_(STAFF_ROLES))
            .order_by(User.last_name, User.first_name, User.email)
        )
        with self.ctx.database.read() as db:
            return [account_row(u) for u in db.scalars(query)]

    def create_account(self, session: SessionInfo, account: NewAccount) -> AccountRow:
        admin = actor(self.ctx, session, Permission.MANAGE_USERS)
        role = check_role(account.role)
        if role not in STAFF_ROLES:
            raise ValidationError("Patients are added on the Patients page, not as accounts here.")
        user_id = self.ctx.auth.register(
            email=account.email,
            first_name=account.first_name,
            last_name=account.last_name,
            role=role,
            password=account.password,
            actor_id=admin.user_id,
        )
        with self.ctx.database.read() as db:
            user = users.get(db, user_id)
            assert user is not None
            return account_row(user)

    def _target(self, email: str) -> User:
        with self.ctx.database.read() as db:
            user = users.require_by_email(db, email)
            if user.role not in STAFF_ROLES:
                raise ValidationError(
                    f"{user.email} is a patient: manage them on the Patients page."
                )
            db.expunge(user)
            return user

    def _guard_last_admin(self, target: User, *, admin_id: object, what: str) -> None:
        if target.user_id == admin_id:
            raise ValidationError(f"You cannot {what} your own account; ask another administrator.")
        if target.role != "admin":
            return
        with self.ctx.database.read() as db:
            admins = db.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == "admin", User.is_active.is_(True))
            )
        if int(admins or 0) <= 1:
            raise ValidationError("This is the last administrator: create another one first.")

    def set_account_role(self, session: SessionInfo, email: str, role: str) -> None:
        admin = actor(self.ctx, session, Permission.MANAGE_USERS)
        target = self._target(email)
        wanted = check_role(role)
        if wanted not in STAFF_ROLES:
            raise ValidationError("An account can be a clinician, an administrator or a kiosk.")
        if target.role == "admin" and wanted != "admin":
            self._guard_last_admin(target, admin_id=admin.user_id, what="demote")
        self.ctx.auth.set_role(target.email, wanted, actor_id=admin.user_id)

    def unlock_account(self, session: SessionInfo, email: str) -> None:
        admin = actor(self.ctx, session, Permission.MANAGE_USERS)
        self.ctx.auth.unlock(self._target(email).email, actor_id=admin.user_id)

    def deactivate_account(self, session: SessionInfo, email: str) -> None:
        admin = actor(self.ctx, session, Permission.MANAGE_USERS)
        target = self._target(email)
        self._guard_last_admin(target, admin_id=admin.user_id, what="deactivate")
        self.ctx.auth.deactivate(target.email, actor_id=admin.user_id)

    def reset_password(self, session: SessionInfo, email: str, password: str) -> None:
        admin = actor(self.ctx, session, Permission.MANAGE_USERS)
        target = self._target(normalise_email(email))
        self.ctx.auth.set_password(target.email, password, actor_id=admin.user_id)
