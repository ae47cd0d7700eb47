"""The ``skinlab`` command. No arguments starts the GUI; each sub-command lives in its own module
with ``register(subparsers)`` and a ``handle(args, ctx) -> int``."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from core.errors import SkinLabError
from core.resources import check_resources

log = logging.getLogger(__name__)
SIGPIPE_EXIT = 128 + signal.SIGPIPE
"""The exit status of a command whose reader went away, as shells report one killed by SIGPIPE."""

# Every command: the module that registers it, and its line in ``skinlab --help``. Only the module
# of the command being run is imported, so ``--version`` and ``--help`` load no heavy library.
COMMANDS: dict[str, tuple[str, str]] = {
    "users": ("app.cli.users", "manage accounts"),
    "auth": ("app.cli.auth", "access tokens"),
    "db": ("app.cli.db", "database maintenance"),
    "doctor": ("app.cli.doctor", "check the database, cache, camera and versions"),
    "kiosk": ("app.cli.kiosk", "kiosk set-up"),
    "analyze": ("app.cli.analyze", "analyse face photos (skin measures, quality, advice)"),
    "report": ("app.cli.report", "write the PDF report of a saved analysis"),
    "screenshots": ("app.cli.screenshots", "render every screen to PNG files"),
    "serve": ("app.cli.server", "run the sync server (migrates its database)"),
    "server": ("app.cli.server", "administer the sync server"),
    "device": ("app.cli.sync", "this device's link to a sync server"),
    "sync": ("app.cli.sync", "synchronise with the clinic's server"),
    "audit": ("app.cli.audit", "the audit log"),
    "patient": ("app.cli.patient", "erase, export, withdraw consent"),
}
COMMAND_MODULES = tuple(dict.fromkeys(module for module, _ in COMMANDS.values()))
_TAKES_VALUE = {"--data-dir", "--camera"}


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error on one line and exits with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _first_word(argv: Sequence[str]) -> str | None:
    """The first word on the command line that is neither an option nor an option's value."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _TAKES_VALUE:
            skip = True
        elif not word.startswith("-") or word == "--":
            return word
    return None


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The command named on the command line, if it names one."""
    word = _first_word(argv)
    return word if word in COMMANDS else None


def _window_start(argv: Sequence[str]) -> bool:
    """Options only, no help asked: a window starts, and needs no command parsers (building them
    costs a window's first paint ~15 ms)."""
    return _first_word(argv) is None and not {"-h", "--help"} & set(argv)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the module of the command in ``argv`` is imported (all of them when
    ``argv`` is None). The others are listed by name and help line."""
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
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check this installation in a temporary data directory, then exit",
    )
    if argv is not None and _window_start(argv):
        return parser
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    chosen = _chosen_command(argv) if argv is not None else None
    wanted = set(COMMAND_MODULES) if argv is None else {COMMANDS[chosen][0]} if chosen else set()
    for name, (module_name, summary) in COMMANDS.items():
        if module_name not in wanted:
            subparsers.add_parser(name, help=summary, add_help=False)
    for module_name in COMMAND_MODULES:
        if module_name not in wanted:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.getLogger().addHandler(
        logging.NullHandler()
    )  # no stray stderr before the log file opens
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.self_check:
        # lazy: only this option needs the self-check (and everything it checks)
        from app.selfcheck import run_self_check

        return run_self_check()
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            return _run_window(args)
        # lazy: SQLAlchemy, pydantic and the rest load here, never for --version or --help
        from app.context import AppContext

        ctx = AppContext.from_args(args.data_dir)
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
    except BrokenPipeError:
        return _reader_gone()


def _reader_gone() -> int:
    """The program reading our output stopped (``skinlab analyze ... | head -1``): stop quietly, as
    a shell command does, with no traceback when Python flushes standard output at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return SIGPIPE_EXIT


def _run_window(args: argparse.Namespace) -> int:
    """The kiosk or the desktop. Each paints its first screen from Qt and the style sheet, then
    loads the settings, the storage and the engine behind it (``app.first_paint``)."""
    check_resources()  # a missing style sheet or rule file stops here, named, not as a blank screen
    # lazy: only windows are probed, and only when a benchmark asks
    from app.paint_probe import install_if_asked

    install_if_asked()
    if args.kiosk:
        # lazy: Qt and the kiosk screens load only when the kiosk starts
        from app.kiosk.app import run_kiosk

        return run_kiosk(args.data_dir, camera=args.camera, fullscreen=not args.windowed)
    # lazy: Qt and the desktop screens load only when the desktop starts
    from app.desktop.gui import run_desktop

    return run_desktop(args.data_dir)
