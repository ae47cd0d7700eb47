"""``skinlab device enroll|sign-in|sign-out`` and ``skinlab sync [--once] [--status]``."""

from __future__ import annotations

import argparse
import platform
import signal
import threading
from datetime import UTC, datetime
from typing import Any

from app.cli.io import read_secret
from app.context import AppContext
from core.sync.engine import SyncReport
from core.sync.service import SyncStatus, run_forever


def register(subparsers: Any) -> None:
    device = subparsers.add_parser("device", help="this device's link to a sync server")
    actions = device.add_subparsers(title="device commands", metavar="ACTION", required=True)
    enroll = actions.add_parser(
        "enroll", help="enroll with a one-time code from the server's admin"
    )
    enroll.add_argument(
        "--server", required=True, help="the sync server's URL, e.g. https://sync.clinic.org"
    )
    enroll.add_argument("--code", required=True, help="the one-time enrollment code")
    enroll.add_argument(
        "--name", default=platform.node() or "SkinLab device", help="a name for this device"
    )
    enroll.add_argument(
        "--force", action="store_true", help="enroll again, replacing the current server"
    )
    enroll.set_defaults(handler=_enroll)
    sign_in = actions.add_parser(
        "sign-in",
        help="prove to the server that you signed in here (password from stdin), so that "
        "administrator changes made on this device sync",
    )
    sign_in.add_argument("--user", required=True, help="your email (or account id)")
    sign_in.set_defaults(handler=_sign_in)
    sign_out = actions.add_parser("sign-out", help="forget the proof of your sign-in")
    sign_out.set_defaults(handler=_sign_out)

    sync = subparsers.add_parser("sync", help="synchronise with the clinic's server")
    sync.add_argument("--once", action="store_true", help="one pass, then exit")
    sync.add_argument("--status", action="store_true", help="print the sync status and exit")
    sync.add_argument(
        "--interval", type=float, default=60.0, help="seconds between passes (default 60)"
    )
    sync.set_defaults(handler=_sync)


def _enroll(args: argparse.Namespace, ctx: AppContext) -> int:
    enrolled = ctx.sync.enroll(args.server, args.code, device_name=args.name, force=args.force)
    print(
        f"enrolled as device {enrolled.device_id} of {enrolled.clinic_name} at {enrolled.server_url}"
    )
    return 0


def _sign_in(args: argparse.Namespace, ctx: AppContext) -> int:
    proof = ctx.sync.prove_sign_in(args.user, read_secret("Password: "))
    print(f"signed in online as {proof.user_id} until {_when(proof.expires_at)}")
    return 0


def _sign_out(args: argparse.Namespace, ctx: AppContext) -> int:
    ctx.sync.forget_sign_in()
    print("signed out: administrator changes wait for the next online sign-in")
    return 0


def _when(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).astimezone().isoformat(timespec="minutes")


def _describe(report: SyncReport) -> str:
    text = (
        f"pushed {report.pushed}, pulled {report.pulled}, "
        f"images up {report.images_up}, down {report.images_down}"
    )
    if report.waiting:
        text += f"; {report.waiting} wait for an administrator's online sign-in"
    return text + (f"; {len(report.rejected)} refused (see --status)" if report.rejected else "")


def format_status(status: SyncStatus) -> str:
    if not status.enrolled:
        return f"not enrolled; {status.pending_changes} changes wait for a server"
    lines = [
        f"server:          {status.server_url} ({status.clinic_name})",
        f"device role:     {status.role}",
        f"last success:    {status.last_success.isoformat(timespec='seconds') if status.last_success else 'never'}",
        f"pending changes: {status.pending_changes}",
        f"conflicts:       {status.conflicts}",
    ]
    if status.waiting_for_sign_in:
        lines.append(
            f"waiting:         {status.waiting_for_sign_in} changes wait for an administrator's "
            "online sign-in (skinlab device sign-in, or sign in on the desktop while online)"
        )
    if status.proof is not None:
        lines.append(
            f"signed in:       {status.proof.user_id} (online, until {_when(status.proof.expires_at)})"
        )
    elif status.proof_note:
        lines.append(f"sign-in proof:   none ({status.proof_note})")
    if status.last_error:
        lines.append(f"last error:      {status.last_error}")
    lines += [f"  set aside:     {line}" for line in status.recent_conflicts]
    return "\n".join(lines)


def _sync(args: argparse.Namespace, ctx: AppContext) -> int:
    if args.status:
        print(format_status(ctx.sync.status()))
        return 0
    if args.once:
        print(_describe(ctx.sync.sync_once()))
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def show(report: SyncReport | None, error: str) -> None:
        print(_describe(report) if report else f"sync failed: {error}", flush=True)

    try:
        run_forever(ctx.sync, stop, interval=args.interval, on_result=show)
    except KeyboardInterrupt:
        stop.set()
    return 0
