"""What happens when SkinLab itself fails: the traceback goes to the data directory's log, the
person sees one short sentence, and the window carries on (the kiosk from its attract screen)."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger("skinlab.faults")

SORRY = "Sorry, something went wrong. Please start again."


def install_fault_handler(recover: Callable[[str], object]) -> None:
    """Log every unhandled exception with its traceback, then call ``recover(SORRY)``.

    Qt calls ``sys.excepthook`` for an exception raised in a slot or an event handler; background
    threads use ``threading.excepthook``. Without this, PySide6 prints to a console nobody reads.
    """

    def on_exception(
        kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.critical("Unhandled exception", exc_info=(kind, exc, tb))
        try:
            recover(SORRY)
        except Exception:  # recovering must never raise into Qt's event loop
            log.critical("Could not recover from the unhandled exception", exc_info=True)

    def on_thread_exception(args: threading.ExceptHookArgs) -> None:
        log.critical(
            "Unhandled exception in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
        )

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception
