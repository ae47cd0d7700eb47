"""``skinlab device enroll`` and ``skinlab sync [--once] [--status]``."""

from __future__ import annotations

import argparse
import platform
import signal
import threading
from typing import Any

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


def _describe(report: SyncReport) -> str:
    text = (
        f"pushed {report.pushed}, pulled {report.pulled}, "
        f"images up {report.images_up}, down {report.images_down}"
    )
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
