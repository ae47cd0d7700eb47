"""``skinlab users add|list|unlock|set-role|deactivate``.

Creating a staff account, changing a role and deactivating need an administrator's authority
(:mod:`app.cli.authority`); unlocking clears this device's own lock-out count, which never syncs.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.authority import add_admin_option, admin_actor
from app.cli.io import print_table, read_secret
from app.context import AppContext
from core.storage.models import ROLES
from core.storage.repositories import users
from core.storage.repositories.validation import check_name, check_role, normalise_email


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("users", help="manage accounts")
    commands = parser.add_subparsers(title="users commands", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="create an account (password read from stdin)")
    add.add_argument("--email", required=True)
    add.add_argument("--first-name", required=True)
    add.add_argument("--last-name", required=True)
    add.add_argument("--role", required=True, help="one of: " + ", ".join(ROLES))
    add.add_argument("--no-password", action="store_true", help="a patient record with no sign-in")
    add_admin_option(add)
    add.set_defaults(handler=_add)

    listing = commands.add_parser("list", help="list accounts")
    listing.add_argument("--role", help="only this role")
    listing.set_defaults(handler=_list)

    unlock = commands.add_parser("unlock", help="clear a lock-out on this device")
    unlock.add_argument("--email", required=True)
    unlock.set_defaults(handler=_unlock)
    deactivate = commands.add_parser("deactivate", help="stop an account from signing in")
    deactivate.add_argument("--email", required=True)
    add_admin_option(deactivate)
    deactivate.set_defaults(handler=_deactivate)

    set_role = commands.add_parser("set-role", help="change an account's role")
    set_role.add_argument("--email", required=True)
    set_role.add_argument("--role", required=True, help="one of: " + ", ".join(ROLES))
    add_admin_option(set_role)
    set_role.set_defaults(handler=_set_role)


def _add(args: argparse.Namespace, ctx: AppContext) -> int:
    # Check every field before asking for a password, so a typo costs no typing.
    normalise_email(args.email)
    role = check_role(args.role)
    check_name(args.first_name, field="first name")
    check_name(args.last_name, field="last name")
    actor = admin_actor(ctx, admin=args.admin) if role != "patient" else None
    password = (
        None if args.no_password else read_secret("Password for the new account: ", confirm=True)
    )
    ctx.auth.register(
        email=args.email,
        first_name=args.first_name,
        last_name=args.last_name,
        role=args.role,
        password=password,
        actor_id=actor.user_id if actor else None,
    )
    print(f"created {args.email.strip().lower()} ({args.role.strip().lower()})")
    return 0


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    with ctx.database.read() as session:
        rows = [
            (
                u.email,
                u.full_name,
                u.role,
                "active" if u.is_active else "inactive",
                u.locked_until.isoformat(timespec="minutes") if u.locked_until else "",
            )
            for u in users.list_users(session, role=args.role)
        ]
    print_table(("email", "name", "role", "status", "locked until"), rows)
    return 0


def _unlock(args: argparse.Namespace, ctx: AppContext) -> int:
    ctx.auth.unlock(args.email)
    print(f"unlocked {args.email.strip().lower()}")
    return 0


def _deactivate(args: argparse.Namespace, ctx: AppContext) -> int:
    normalise_email(args.email)
    actor = admin_actor(ctx, admin=args.admin)
    ctx.auth.deactivate(args.email, actor_id=actor.user_id)
    print(f"deactivated {args.email.strip().lower()}")
    return 0


def _set_role(args: argparse.Namespace, ctx: AppContext) -> int:
    normalise_email(args.email)
    check_role(args.role)  # a typo costs no sign-in
    actor = admin_actor(ctx, admin=args.admin)
    ctx.auth.set_role(args.email, args.role, actor_id=actor.user_id)
    print(f"{args.email.strip().lower()} is now {args.role.strip().lower()}")
    return 0
