"""``skinlab --self-check``: prove an installation works, in a throw-away data directory.

Checks the resources, creates and migrates a database, analyses the bundled demo face and saves
it, renders the PDF report, and opens and closes the kiosk window, all offscreen. Prints one line
per step and exits 0, or 1 naming the step that failed. Used on the built app by ``.ci/run``.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


def run_self_check(out: Any = None) -> int:
    """Run every step; stop at the first failure. Returns the process exit status."""
    out = out or sys.stdout
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a check, not a show: no screen needed
    state: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="skinlab-self-check-") as scratch:
        steps: list[tuple[str, Callable[[], str]]] = [
            ("resources", _resources),
            ("create the database", lambda: _database(state, Path(scratch))),
            ("analyse the bundled face", lambda: _analyse(state)),
            ("render the PDF report", lambda: _report(state)),
            ("open and close the kiosk window", lambda: _kiosk(state)),
        ]
        try:
            for name, step in steps:
                started = time.perf_counter()
                try:
                    detail = step()
                except Exception as exc:
                    print(f"[FAILED] {name}: {type(exc).__name__}: {exc}", file=out, flush=True)
                    traceback.print_exc(file=sys.stderr)
                    print(f"self-check failed at: {name}", file=out, flush=True)
                    return 1
                took = time.perf_counter() - started
                print(
                    f"[ok] {name} ({took:.1f} s){': ' + detail if detail else ''}",
                    file=out,
                    flush=True,
                )
        finally:
            ctx = state.get("ctx")
            if ctx is not None:
                ctx.close()
    print("self-check passed", file=out, flush=True)
    return 0


def _resources() -> str:
    # lazy: each step imports what it checks, so a broken part fails its own step
    from core.resources import check_resources, resources_dir

    check_resources()
    return str(resources_dir())


def _database(state: dict[str, Any], scratch: Path) -> str:
    # lazy: each step imports what it checks, so a broken part fails its own step
    from app.context import AppContext
    from core.config import load_settings
    from core.storage.migrate import current_revision

    ctx = state["ctx"] = AppContext(load_settings(data_dir=scratch / "data", ignore_file=True))
    return f"schema {current_revision(ctx.database)}"


def _analyse(state: dict[str, Any]) -> str:
    # lazy: each step imports what it checks, so a broken part fails its own step
    from PySide6.QtWidgets import QApplication

    from app.kiosk.services import KioskAppServices
    from core.capture import open_source
    from ui.kiosk.ports import ConsentChoice

    state["app"] = QApplication.instance() or QApplication([sys.argv[0]])
    services = state["services"] = KioskAppServices(state["ctx"])
    camera = open_source("demo")
    camera.open()
    try:
        photo = camera.read().rgb
    finally:
        camera.close()
    # A patient (a guest's visit is never stored) who agreed to keep the results: saving is checked.
    patient = services.register(
        email="self-check@skinlab.invalid", first_name="Self", last_name="Check",
        password=secrets.token_urlsafe(16),
    )  # fmt: skip
    choice = ConsentChoice(granted=True, allow_storage=True)
    services.record_consent(patient, version="self-check", choice=choice)
    view = state["view"] = services.analyse(
        photo,
        patient=patient,
        consent=choice,
        progress=lambda _stage: None,
        cancel=threading.Event(),
    )
    if not view.saved:
        raise RuntimeError("the analysis was not saved")
    return f"score {view.result.score.shown} ({view.result.score.band})"


def _report(state: dict[str, Any]) -> str:
    pdf = state["services"].report_pdf(state["view"], None)
    if not pdf.startswith(b"%PDF") or len(pdf) < 10_000:
        raise RuntimeError(f"the report is not a PDF ({len(pdf)} bytes)")
    return f"{len(pdf) // 1024} KB"


def _kiosk(state: dict[str, Any]) -> str:
    # lazy: each step imports what it checks, so a broken part fails its own step
    from ui.background import Pools
    from ui.kiosk.window import KioskWindow

    app = state["app"]
    pools = Pools()
    window = KioskWindow(state["services"], pools, camera="demo")
    window.resize(1280, 800)
    window.show()
    window.start()
    deadline = time.monotonic() + 30
    while window.stack.currentWidget() is not window.attract or not window.isVisible():
        if time.monotonic() > deadline:
            raise RuntimeError("the kiosk window did not show its attract screen")
        app.processEvents()
        time.sleep(0.01)
    painted = window.grab()
    window.shut_down()
    window.feed.wait(5.0)
    if not pools.wait(20_000):
        raise RuntimeError("background work still running after the kiosk closed")
    return f"{painted.width()}x{painted.height()}"
