"""``skinlab audit verify|list``: check the tamper-evident audit log, show its newest events."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.cli.io import print_table
from app.context import AppContext
from core.storage.repositories import audit
from core.storage.repositories.audit import verify_database


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="the audit log")
    commands = parser.add_subparsers(title="audit commands", metavar="ACTION", required=True)
    verify = commands.add_parser(
        "verify", help="check every device's hash chain (exit 1 when a row was edited or removed)"
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_verify)
    listing = commands.add_parser("list", help="the newest events")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--action", help="only this action (e.g. login_failed)")
    listing.set_defaults(handler=_list)


def _verify(args: argparse.Namespace, ctx: AppContext) -> int:
    report = verify_database(ctx.database)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "events": report.events,
                    "unchained": report.unchained,
                    "problems": [
                        {
                            "device_id": p.device_id,
                            "chain_seq": p.chain_seq,
                            "kind": p.kind,
                            "message": p.message,
                            "event_id": p.event_id,
                        }
                        for p in report.problems
                    ],
                }
            )
        )
        return 0 if report.ok else 1
    total = sum(report.events.values())
    verdict = "intact" if report.ok else "TAMPERED"
    print(f"audit log {verdict}: {total} chained events from {len(report.events)} device(s)")
    if report.unchained:
        print(f"  {report.unchained} older events from before the chain are not checked")
    for problem in report.problems:
        print(f"  - device {problem.device_id}: {problem.message} ({problem.kind})")
    return 0 if report.ok else 1


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    with ctx.database.read() as session:
        rows = [
            (
                e.occurred_at.isoformat(timespec="seconds"),
                e.device_id or "",
                e.chain_seq or "",
                e.action,
                e.actor_id or "",
                f"{e.target_type or ''} {e.target_id or ''}".strip(),
            )
            for e in audit.recent(session, limit=args.limit, action=args.action)
        ]
    print_table(("when (UTC)", "device", "seq", "action", "who", "target"), rows)
    return 0
