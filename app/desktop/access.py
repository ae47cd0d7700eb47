"""Who may do what on the desktop: every service call starts here, through ``core.auth``.

The session's token is checked (signature, expiry) and the account is read again from the database
on every call, so a deactivated account or a changed role takes effect at once, not at next sign-in.
"""

from __future__ import annotations

import uuid

from app.context import AppContext
from core.auth import Permission, is_allowed, require
from core.errors import PermissionDeniedError
from core.storage.models import User
from ui.desktop.ports import SessionInfo

# The desktop is the workstation of people who follow many patients: whoever may list them.
DESKTOP_PERMISSION = Permission.LIST_PATIENTS
REFUSED = {
    "patient": "This is a patient account. The SkinLab desktop is for clinicians and "
    "administrators; patients see their results at the kiosk.",
    "kiosk": "This is a kiosk account. It can only run a kiosk (skinlab --kiosk); sign in here "
    "with a clinician or administrator account.",
}


def may_use_desktop(user: User) -> bool:
    return is_allowed(user, DESKTOP_PERMISSION)


def refusal(user: User) -> PermissionDeniedError:
    message = REFUSED.get(
        user.role, "This account may not open the SkinLab desktop; ask an administrator."
    )
    return PermissionDeniedError(message, code="desktop_refused")


def actor(
    ctx: AppContext,
    session: SessionInfo,
    permission: Permission,
    *,
    owner_id: uuid.UUID | None = None,
) -> User:
    """The signed-in account, once its token and ``permission`` are checked; raises otherwise."""
    user = ctx.auth.get_current_user(session.token)
    if not may_use_desktop(user):
        raise refusal(user)
    require(user, permission, owner_id=owner_id)
    return user
