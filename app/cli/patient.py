"""``skinlab patient erase|export|withdraw-consent|purge-expired``: a patient's data rights.

The command acts as the device's owner (:data:`core.privacy.actor.DEVICE_OWNER`): whoever can run
it already holds the data directory and its key. Erasing an account (``erase``, ``withdraw-consent
--choice erase-all``) on a device that syncs is made in the name of an administrator signed in
online here (:mod:`app.cli.authority`), as the server accepts it only from one.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.authority import add_admin_option, admin_actor
from app.context import AppContext
from core.privacy.actor import DEVICE_OWNER
from core.privacy.erasure import CHOICES, erase_patient, withdraw_consent
from core.privacy.export import export_patient
from core.retention import apply_retention, check_retention_days


def _who(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--email")
    group.add_argument("--id", dest="user_id")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("patient", help="erase, export, withdraw consent")
    commands = parser.add_subparsers(title="patient commands", metavar="ACTION", required=True)
    erase = commands.add_parser("erase", help="erase a patient here and, through sync, everywhere")
    _who(erase)
    add_admin_option(erase)
    erase.set_defaults(handler=_erase)
    export = commands.add_parser("export", help="everything about a patient (JSON + photos)")
    _who(export)
    export.add_argument("--out", type=Path, required=True, help="a new folder")
    export.set_defaults(handler=_export)
    withdraw = commands.add_parser("withdraw-consent", help="stop sync, erase as the patient chose")
    _who(withdraw)
    withdraw.add_argument("--choice", required=True, choices=CHOICES)
    add_admin_option(withdraw)
    withdraw.set_defaults(handler=_withdraw)
    purge = commands.add_parser("purge-expired", help="apply the retention period now")
    purge.add_argument("--days", type=int, help="default: the retention_days setting")
    purge.set_defaults(handler=_purge)


def _erase(args: argparse.Namespace, ctx: AppContext) -> int:
    report = erase_patient(
        ctx.database,
        ctx.images,
        actor=admin_actor(ctx, admin=args.admin),
        email=args.email,
        user_id=args.user_id,
        erasure_log=ctx.erasure_log,
        cache=ctx.cache,
    )
    print(
        f"erased patient {report.user_id}: {report.analyses} analyses, {report.images} images, "
        f"{report.emails} emails (other devices follow at their next sync)"
    )
    return 0


def _export(args: argparse.Namespace, ctx: AppContext) -> int:
    folder = export_patient(
        ctx.database,
        ctx.images,
        actor=DEVICE_OWNER,
        out_dir=args.out,
        email=args.email,
        user_id=args.user_id,
    )
    print(folder)
    return 0


def _withdraw(args: argparse.Namespace, ctx: AppContext) -> int:
    # Only erasing the account needs an administrator; the rest a workstation may do.
    actor = admin_actor(ctx, admin=args.admin) if args.choice == "erase-all" else DEVICE_OWNER
    withdraw_consent(
        ctx.database,
        ctx.images,
        actor=actor,
        choice=args.choice,
        email=args.email,
        user_id=args.user_id,
        erasure_log=ctx.erasure_log,
        cache=ctx.cache,
    )
    print(f"consent withdrawn ({args.choice})")
    return 0


def _purge(args: argparse.Namespace, ctx: AppContext) -> int:
    days = args.days if args.days is not None else ctx.settings.retention_days
    if days is None:
        print("no retention period is set (retention_days); nothing to do")
        return 0
    report = apply_retention(ctx.database, ctx.images, days=check_retention_days(days))
    print(f"deleted {report.analyses} analyses, {report.emails} emails, {report.images} images")
    return 0
