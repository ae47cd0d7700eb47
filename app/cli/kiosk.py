"""``skinlab kiosk set-pin``: the staff PIN for the kiosk's settings screen (stored hashed)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.io import read_secret
from app.context import AppContext
from app.kiosk.config import KioskConfigStore


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("kiosk", help="kiosk set-up")
    commands = parser.add_subparsers(title="kiosk commands", metavar="ACTION", required=True)
    pin = commands.add_parser("set-pin", help="set the staff PIN (6-12 digits, read from stdin)")
    pin.set_defaults(handler=_set_pin)


def _set_pin(args: argparse.Namespace, ctx: AppContext) -> int:
    ctx.paths  # noqa: B018  (the data directory must exist and be writable)
    KioskConfigStore(ctx.settings).set_pin(read_secret("Staff PIN: ", confirm=True))
    print("The kiosk's staff PIN is set.")
    return 0
