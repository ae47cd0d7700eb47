"""The ``skinlab`` command. No arguments starts the GUI; each sub-command lives in its own module
with ``register(subparsers)`` and a ``handle(args, ctx) -> int``."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from app.context import AppContext
from core.errors import SkinLabError
from core.resources import check_resources

log = logging.getLogger(__name__)

COMMAND_MODULES = (
    "app.cli.users",
    "app.cli.auth",
    "app.cli.db",
    "app.cli.doctor",
    "app.cli.kiosk",
    "app.cli.analyze",
    "app.cli.report",
    "app.cli.screenshots",
    "app.cli.server",
    "app.cli.sync",
    "app.cli.audit",
    "app.cli.patient",
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error on one line and exits with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="skinlab", description="SkinLab: facial skin analysis for clinics.")
    parser.add_argument("--version", action="version", version=f"skinlab {__version__}")
    parser.add_argument("--data-dir", type=Path, help="where the database, images and logs live")
    parser.add_argument(
        "--kiosk", action="store_true", help="start the walk-up kiosk (full screen)"
    )
    parser.add_argument(
        "--camera",
        metavar="SPEC",
        help="kiosk camera: demo, webcam[:N], file:VIDEO, folder:PHOTOS or auto (default: the staff setting)",
    )
    parser.add_argument(
        "--windowed", action="store_true", help="run the kiosk in a window (for trying it out)"
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.getLogger().addHandler(
        logging.NullHandler()
    )  # no stray stderr before the log file opens
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        ctx = AppContext.from_args(args.data_dir)
        if handler is None:
            return _run_window(ctx, args)
        try:
            return int(handler(args, ctx))
        finally:
            ctx.close()
    except SkinLabError as exc:
        log.error("%s: %s", exc.code, exc.message)
        print(f"skinlab: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("skinlab: interrupted", file=sys.stderr)
        return 130


def _run_window(ctx: AppContext, args: argparse.Namespace) -> int:
    """The kiosk or the desktop; Qt and the screens are imported only when a window starts."""
    check_resources()  # a missing style sheet or rule file stops here, named, not as a blank screen
    if args.kiosk:
        # lazy: Qt and the kiosk screens load only when the kiosk starts
        from app.kiosk.app import run_kiosk

        return run_kiosk(ctx, camera=args.camera, fullscreen=not args.windowed)
    # lazy: Qt and the desktop screens load only when the desktop starts
    from app.desktop.gui import run_desktop

    return run_desktop(ctx)
