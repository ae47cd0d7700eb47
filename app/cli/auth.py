"""``skinlab auth token|whoami`` for scripting."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.io import read_token
from app.context import AppContext


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("auth", help="access tokens")
    commands = parser.add_subparsers(title="auth commands", metavar="ACTION", required=True)
    token = commands.add_parser("token", help="print an access token for an account")
    token.add_argument("--email", required=True)
    token.set_defaults(handler=_token)
    whoami = commands.add_parser("whoami", help="read a token on stdin; print its email and role")
    whoami.set_defaults(handler=_whoami)


def _token(args: argparse.Namespace, ctx: AppContext) -> int:
    print(ctx.auth.issue_token(args.email))
    return 0


def _whoami(args: argparse.Namespace, ctx: AppContext) -> int:
    user = ctx.auth.get_current_user(read_token())
    print(f"{user.email} {user.role}")
    return 0
