"""``skinlab serve`` and ``skinlab server enroll-code|revoke|devices``: run and administer the sync
server. The work is done by :mod:`server.cli_support`; this module only parses and prints."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from app.cli.io import print_table
from app.context import AppContext
from core.errors import ValidationError
from core.sync.protocol import DEVICE_ROLES

URL_ENV = "SKINLAB_SERVER_DATABASE_URL"


def _database_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get(URL_ENV),
        help=f"postgresql://user:pass@host/db (or set {URL_ENV}, which keeps the password "
        "out of the process list)",
    )


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="run the sync server (migrates its database)")
    _database_url_option(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--blob-dir", type=Path, help="where images go (default: data dir)")
    serve.add_argument(
        "--docs", action="store_true", help="serve /docs and /openapi.json (off by default)"
    )
    serve.add_argument(
        "--rate", type=float, default=100.0, help="requests per second per device (default 100)"
    )
    serve.add_argument(
        "--burst",
        type=int,
        default=1000,
        help="requests a device may send at once (default 1000)",
    )
    serve.add_argument(
        "--enroll-per-minute", type=int, default=30, help="enrollments per minute (default 30)"
    )
    serve.add_argument(
        "--grant-per-minute",
        type=int,
        default=10,
        help="password checks for proofs of sign-in per device per minute (default 10)",
    )
    serve.add_argument(
        "--grant-per-account-per-minute",
        type=int,
        default=30,
        help="password checks for proofs of sign-in per account, all devices, per minute "
        "(default 30)",
    )
    serve.set_defaults(handler=_serve)

    parser = subparsers.add_parser("server", help="administer the sync server")
    commands = parser.add_subparsers(title="server commands", metavar="ACTION", required=True)
    code = commands.add_parser("enroll-code", help="print a one-time device enrollment code")
    _database_url_option(code)
    code.add_argument("--clinic", required=True, help="the clinic (created if new)")
    code.add_argument(
        "--role",
        required=True,
        choices=DEVICE_ROLES,
        help="what the device may do: kiosk (walk-up station: creates patients and analyses, "
        "changes only its own rows, receives no staff data), workstation (staff's desktop), "
        "admin (a full copy; with an administrator signed in online, changes roles, passwords, "
        "deletes users)",
    )
    code.add_argument("--ttl-hours", type=float, default=24.0, help="validity (default 24)")
    code.set_defaults(handler=_enroll_code)

    role = commands.add_parser("set-role", help="change an enrolled device's role")
    _database_url_option(role)
    role.add_argument("device", metavar="DEVICE", help="the device id (see 'server devices')")
    role.add_argument("role", choices=DEVICE_ROLES)
    role.set_defaults(handler=_set_role)

    admin = commands.add_parser(
        "create-admin", help="create a clinic's administrator account (devices pull it)"
    )
    _database_url_option(admin)
    admin.add_argument("--clinic", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--first-name", required=True)
    admin.add_argument("--last-name", required=True)
    admin.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of asking for it",
    )
    admin.set_defaults(handler=_create_admin)

    revoke = commands.add_parser("revoke", help="refuse every later request of a device")
    _database_url_option(revoke)
    revoke.add_argument("device", metavar="DEVICE", help="the device id (see 'server devices')")
    revoke.set_defaults(handler=_revoke)

    quota = commands.add_parser("set-quota", help="how many GB of images a clinic may hold")
    _database_url_option(quota)
    quota.add_argument("--clinic", required=True)
    size = quota.add_mutually_exclusive_group(required=True)
    size.add_argument("--gb", type=float, help="the clinic's quota in gigabytes")
    size.add_argument("--default", action="store_true", help="back to the server's default")
    quota.set_defaults(handler=_set_quota)

    verify = commands.add_parser(
        "audit-verify", help="check every audit chain of a clinic's log (exit 1 when broken)"
    )
    _database_url_option(verify)
    verify.add_argument("--clinic", required=True)
    verify.set_defaults(handler=_audit_verify)

    devices = commands.add_parser("devices", help="list enrolled devices")
    _database_url_option(devices)
    devices.add_argument("--clinic", help="only this clinic's devices")
    devices.add_argument("--json", action="store_true")
    devices.set_defaults(handler=_devices)


def _url(args: argparse.Namespace) -> str:
    if not args.database_url:
        raise ValidationError(f"Give --database-url or set {URL_ENV}")
    return str(args.database_url)


def _serve(args: argparse.Namespace, ctx: AppContext) -> int:
    # lazy: the server package (FastAPI, uvicorn) loads only for server commands
    from server.cli_support import serve

    if not 0 < args.port < 65536:
        raise ValidationError("--port must be 1-65535")
    blob_dir = args.blob_dir or ctx.settings.data_dir / "server-blobs"
    serve(
        _url(args),
        host=args.host,
        port=args.port,
        blob_dir=blob_dir,
        expose_docs=args.docs,
        rate_per_s=args.rate,
        rate_burst=args.burst,
        enroll_per_minute=args.enroll_per_minute,
        grant_per_minute=args.grant_per_minute,
        grant_account_per_minute=args.grant_per_account_per_minute,
    )
    return 0


def _set_quota(args: argparse.Namespace, ctx: AppContext) -> int:
    # lazy: the server package (FastAPI, uvicorn) loads only for server commands
    from server.cli_support import set_clinic_quota

    set_clinic_quota(_url(args), args.clinic, gigabytes=None if args.default else args.gb)
    print(
        f"quota of {' '.join(args.clinic.split())}: {'default' if args.default else f'{args.gb:g} GB'}"
    )
    return 0


def _enroll_code(args: argparse.Namespace, ctx: AppContext) -> int:
    # lazy: the server package (FastAPI, uvicorn) loads only for server commands
    from server.cli_support import create_enroll_code

    code = create_enroll_code(_url(args), args.clinic, role=args.role, ttl_hours=args.ttl_hours)
    print(code)
    print(
        f"One-time code for a {args.role} of {' '.join(args.clinic.split())}, valid "
        f"{args.ttl_hours:g} h: skinlab device enroll --server URL --code CODE",
        file=sys.stderr,
    )
    return 0


def _set_role(args: argparse.Namespace, ctx: AppContext) -> int:
    # lazy: the server package (FastAPI, uvicorn) loads only for server commands
    from server.cli_support import set_device_role

    set_device_role(_url(args), args.device, args.role)
    print(f"device {args.device} is now a {args.role}")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password for the administrator: ")
    if getpass.getpass("Again: ") != first:
        raise ValidationError("The two passwords differ")
    return first


def _create_admin(args: argparse.Namespace, ctx: AppContext) -> int:
    # lazy: the server package (FastAPI, uvicorn) loads only for server commands
    from server.cli_support import create_clinic_admin

    user_id = create_clinic_admin(
        _url(args),
        args.clinic,
        email=args.email,
        first_name=args.first_name,
        last_name=args.last_name,
        password=_read_password(args),
    )
    print(
        f"administrator {args.email.strip().lower()} created ({user_id}); it reaches the "
        "clinic's workstations and admin devices at their next sync"
    )
    return 0


def _revoke(args: argparse.Namespace, ctx: AppContext) -> int:
    # lazy: the server package (FastAPI, uvicorn) loads only for server commands
    from server.cli_support import revoke_device

    revoke_device(_url(args), args.device)
    print(f"device {args.device} revoked")
    return 0


def _audit_verify(args: argparse.Namespace, ctx: AppContext) -> int:
    # lazy: the server package (FastAPI, uvicorn) loads only for server commands
    from server.cli_support import verify_clinic_audit

    report = verify_clinic_audit(_url(args), args.clinic)
    for device, count in sorted(report.events.items()):
        print(f"chain {device}: {count} events")
    if report.unchained:
        print(f"{report.unchained} events from before the chain (not judged)")
    for problem in report.problems:
        print(f"BROKEN {problem.kind}: {problem.message}")
    print("ok" if report.ok else f"{len(report.problems)} problems")
    return 0 if report.ok else 1


def _when(value: Any) -> str:
    return value.isoformat(timespec="seconds") if value is not None else ""


def _devices(args: argparse.Namespace, ctx: AppContext) -> int:
    # lazy: the server package (FastAPI, uvicorn) loads only for server commands
    from server.cli_support import list_devices

    devices = list_devices(_url(args), clinic=args.clinic)
    if args.json:
        rows = [
            {
                "device_id": d.device_id,
                "clinic": d.clinic,
                "name": d.name,
                "role": d.role,
                "enrolled_at": _when(d.enrolled_at),
                "last_seen_at": _when(d.last_seen_at) or None,
                "revoked_at": _when(d.revoked_at) or None,
            }
            for d in devices
        ]
        print(json.dumps(rows, indent=2))
        return 0
    print_table(
        ("device", "clinic", "name", "role", "enrolled", "last seen", "revoked"),
        [
            (
                d.device_id,
                d.clinic,
                d.name,
                d.role,
                _when(d.enrolled_at),
                _when(d.last_seen_at),
                _when(d.revoked_at),
            )
            for d in devices
        ],
    )
    return 0
