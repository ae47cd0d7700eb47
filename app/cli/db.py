"""``skinlab db upgrade|check|backup``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.context import AppContext
from core.errors import NotFoundError, StorageError
from core.security.errors import DataKeyError
from core.storage import Database, HealthReport, check_db_health
from core.storage.migrate import backup_sqlite, upgrade


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="database maintenance")
    commands = parser.add_subparsers(title="db commands", metavar="ACTION", required=True)
    commands.add_parser("upgrade", help="back up, then migrate to the newest schema").set_defaults(
        handler=_upgrade
    )
    check = commands.add_parser("check", help="health and integrity check (changes nothing)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=_check)
    commands.add_parser("backup", help="copy the database into the backups folder").set_defaults(
        handler=_backup
    )


def _upgrade(args: argparse.Namespace, ctx: AppContext) -> int:
    db = ctx.open_database_unmigrated()
    try:
        revision = upgrade(db, backup_dir=ctx.paths.backups)
    finally:
        db.dispose()
    print(f"database at schema {revision}")
    return 0


def _require_existing(db: Database) -> None:
    path = db.sqlite_path
    if path is not None and not path.exists():
        db.dispose()
        raise NotFoundError(
            f"There is no database at {path} yet; it is created when SkinLab first starts"
        )


def _check(args: argparse.Namespace, ctx: AppContext) -> int:
    try:
        db = ctx.open_database_unmigrated()
    except DataKeyError as exc:  # an unreadable data directory is an unhealthy one
        path = ctx.paths.database
        if not path.exists():
            raise NotFoundError(f"There is no database at {path} yet") from exc
        report = HealthReport(False, "unhealthy", str(path), 0.0, problems=[exc.message])
    else:
        _require_existing(db)
        try:
            report = check_db_health(db)
        finally:
            db.dispose()
    if args.json:
        print(json.dumps(report.as_dict()))
    else:
        print(
            f"{report.status}: {report.database} (schema {report.revision}, {report.latency_ms:.1f} ms)"
        )
        for problem in report.problems:
            print(f"  - {problem}")
    return 0 if report.ok else 1


def _backup(args: argparse.Namespace, ctx: AppContext) -> int:
    db = ctx.open_database_unmigrated()
    _require_existing(db)
    try:
        db.probe()
        target = backup_sqlite(db, ctx.paths.backups, label="manual")
    finally:
        db.dispose()
    if target is None:
        raise StorageError(
            "Only a local SQLite database can be backed up here; use the server's tools"
        )
    print(target)
    return 0
