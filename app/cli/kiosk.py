"""``skinlab kiosk set-pin``: the staff PIN for the kiosk's settings screen (stored hashed).
``skinlab kiosk unlock-code``: a new 24-digit staff unlock code, printed once (stored hashed), that
opens the settings screen even while wrong PINs keep it locked."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.io import read_secret
from app.context import AppContext
from app.kiosk.config import KioskConfigStore
from core.audit import actions
from core.storage.repositories import audit


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("kiosk", help="kiosk set-up")
    commands = parser.add_subparsers(title="kiosk commands", metavar="ACTION", required=True)
    pin = commands.add_parser("set-pin", help="set the staff PIN (6-12 digits, read from stdin)")
    pin.set_defaults(handler=_set_pin)
    code = commands.add_parser(
        "unlock-code",
        help="make a new staff unlock code (opens the staff screen while the PIN is locked)",
    )
    code.set_defaults(handler=_unlock_code)


def _set_pin(args: argparse.Namespace, ctx: AppContext) -> int:
    ctx.paths  # noqa: B018  (the data directory must exist and be writable)
    KioskConfigStore(ctx.settings).set_pin(read_secret("Staff PIN: ", confirm=True))
    print("The kiosk's staff PIN is set.")
    return 0


def _unlock_code(args: argparse.Namespace, ctx: AppContext) -> int:
    ctx.paths  # noqa: B018  (the data directory must exist and be writable)
    code = KioskConfigStore(ctx.settings).new_unlock_code()
    with ctx.database.write() as session:
        audit.record(session, actions.KIOSK_UNLOCK_CODE_SET, target_type="kiosk")
    grouped = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
    print(
        "The kiosk's staff unlock code (shown once; any earlier code no longer works):\n"
        f"    {grouped}\n"
        "Type its digits on the staff PIN pad to open the staff screen even while wrong PINs "
        "keep it locked.\nKeep it where staff can find it and visitors cannot (not on the kiosk)."
    )
    return 0
