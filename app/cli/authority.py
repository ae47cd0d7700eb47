"""Administrator authority at the command line: on a device that syncs, a change that needs it
(docs/sync.md, "Roles") is made in the name of an administrator signed in online here, at the
moment it is made; nothing is ever sent later in whoever's name the device then holds.

On a device with no sync server (standalone) nothing leaves the device, and whoever runs the
command holds the data directory and its key: the change is made as the device's owner.
"""

from __future__ import annotations

import argparse
import uuid

from app.cli.io import read_secret
from app.context import AppContext
from core.errors import PermissionDeniedError
from core.privacy.actor import DEVICE_OWNER, Actor
from core.storage.repositories import users
from core.sync import grants
from core.sync import state as sync_state


class AdminSignInRequiredError(PermissionDeniedError):
    code = "admin_sign_in_required"


HOW = (
    "run 'skinlab device sign-in --user ADMIN_EMAIL' on this device first, or add "
    "'--admin ADMIN_EMAIL' to this command (the password is read from the terminal or stdin)"
)


def add_admin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--admin",
        metavar="EMAIL",
        help="on a device that syncs: an administrator who signs in online for this change "
        "(password from the terminal or the first line of stdin)",
    )


def admin_actor(ctx: AppContext, *, admin: str | None) -> Actor:
    """Who makes an administrator's change here: the device's owner on a standalone device,
    else the administrator whose current proof of an online sign-in this device holds (asked
    for now with ``admin``'s password when given). Raises with what to do otherwise."""
    enrolled = sync_state.enrollment(ctx.database)
    if enrolled is None:
        return DEVICE_OWNER
    if enrolled.role == "kiosk":
        raise AdminSignInRequiredError(
            "This device is a kiosk: administrator changes are made on a workstation or an "
            "administrator's device."
        )
    grant = (
        ctx.sync.prove_sign_in(admin, read_secret(f"Password for {admin}: "))
        if admin is not None
        else grants.current(ctx.database)
    )
    if grant is None:
        raise AdminSignInRequiredError(
            "This change needs an administrator signed in online on this device, so that the "
            f"server accepts it in their name: {HOW}."
        )
    user_id = uuid.UUID(grant.user_id)
    with ctx.database.read() as session:
        user = users.get(session, user_id)
        known = user is not None and user.is_active and user.role == "admin"
        who = user.email if user is not None else grant.user_id
    if not known:
        raise AdminSignInRequiredError(
            f"The online sign-in on this device is {who}'s, who is not an active administrator "
            f"on this device (sync first if they just became one): {HOW}."
        )
    return Actor(role="admin", user_id=user_id)
