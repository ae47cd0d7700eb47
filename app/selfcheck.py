"""``skinlab --self-check``: prove an installation works, in a throw-away data directory.

Checks the resources and Qt's ICU data, creates and migrates a database, analyses the bundled demo
face and saves it, checks OpenCV's matrix maths and video reading (the build replaces OpenCV's
OpenBLAS and FFmpeg: packaging/opencv_libs.py), renders the PDF report, opens the kiosk window, types an email address on its
on-screen keyboard, and closes it, all offscreen. Prints one line per step and exits 0, or 1 naming
the step that failed. Used on the built app by ``.ci/run``.
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
            ("Qt's text data (ICU)", _text_data),
            ("create the database", lambda: _database(state, Path(scratch))),
            ("analyse the bundled face", lambda: _analyse(state)),
            ("OpenCV's matrix maths (BLAS, LAPACK)", _matrix_maths),
            ("play a video file", lambda: _video_file(Path(scratch))),
            ("render the PDF report", lambda: _report(state)),
            ("open the kiosk window", lambda: _open_kiosk(state)),
            ("type on the on-screen keyboard", lambda: _keyboard(state)),
            ("close the kiosk window", lambda: _close_kiosk(state)),
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
            if "window" in state:  # a step failed with the window open
                _close_kiosk(state)
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


def _text_data() -> str:
    """Qt's ICU finds its data: English collation orders words as a person would (the build ships
    ICU's data cut down to root and English: packaging/icu_data.py). Without the data Qt falls back
    to comparing code points, which puts "B" before "a" and "zoe" before "Émile"."""
    # lazy: each step imports what it checks, so a broken part fails its own step
    from PySide6.QtCore import QCollator, QLocale

    collator = QCollator(QLocale("en_US"))
    words = ["zoe", "B", "Émile", "a"]
    ordered = sorted(words, key=collator.sortKey)
    if ordered != ["a", "B", "Émile", "zoe"]:
        raise RuntimeError(f"ICU's English collation is missing: it ordered {ordered}")
    return " < ".join(ordered)


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


def _matrix_maths() -> str:
    """OpenCV's LU, Cholesky, QR, SVD and matrix product on matrices large enough for it to call
    BLAS and LAPACK (in the build, numpy's OpenBLAS through a shim), compared with numpy's."""
    import cv2  # lazy: each step imports what it checks, so a broken part fails its own step
    import numpy as np

    rng = np.random.default_rng(12)
    a, b = rng.standard_normal((150, 150)), rng.standard_normal((150, 2))
    spd = a @ a.T + 150 * np.eye(150)
    tall, rhs = rng.standard_normal((140, 40)), rng.standard_normal((140, 2))
    single = rng.standard_normal((120, 130)).astype(np.float32)
    checks = {
        "LU": (cv2.solve(a, b, flags=cv2.DECOMP_LU)[1], np.linalg.solve(a, b)),
        "Cholesky": (cv2.solve(spd, b, flags=cv2.DECOMP_CHOLESKY)[1], np.linalg.solve(spd, b)),
        "QR": (cv2.solve(tall, rhs, flags=cv2.DECOMP_QR)[1], np.linalg.lstsq(tall, rhs)[0]),
        "SVD": (cv2.SVDecomp(tall)[0].ravel(), np.linalg.svd(tall, compute_uv=False)),
        "product": (
            cv2.gemm(single, single.T, 1.0, np.zeros((120, 120), np.float32), 0.0),
            single @ single.T,
        ),
    }
    for name, (got, want) in checks.items():
        if np.abs(got - want).max() > 1e-5 * np.abs(want).max():  # float32 products: rounding
            raise RuntimeError(f"OpenCV's {name} differs from numpy's")
    return ", ".join(checks)


def _video_file(scratch: Path) -> str:
    """A Motion-JPEG AVI plays through the video-file camera (OpenCV's own reader in the build,
    FFmpeg from source); a file it cannot play is a typed error, never a stopped process."""
    import cv2  # lazy: each step imports what it checks, so a broken part fails its own step
    import numpy as np

    from core.capture import CameraUnavailableError, VideoFileSource

    clip = scratch / "clip.avi"
    # Errors only: OpenCV warns each time a writer backend it tries first turns the file down.
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"MJPG"), 10, (64, 48))
    for value in (20, 120, 220):
        writer.write(np.full((48, 64, 3), value, np.uint8))
    writer.release()
    with VideoFileSource(clip, loop=False) as source:
        levels = [int(source.read().rgb.mean()) for _ in range(3)]
    if not levels[0] < levels[1] < levels[2]:
        raise RuntimeError(f"the video's frames came back as levels {levels}")
    other = scratch / "clip.mp4"
    other.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    try:
        VideoFileSource(other).open()
    except CameraUnavailableError:
        return f"{len(levels)} frames; a broken MP4 gives a typed error"
    raise RuntimeError("a broken MP4 file opened as a video")


def _report(state: dict[str, Any]) -> str:
    pdf = state["services"].report_pdf(state["view"], None)
    if not pdf.startswith(b"%PDF") or len(pdf) < 10_000:
        raise RuntimeError(f"the report is not a PDF ({len(pdf)} bytes)")
    return f"{len(pdf) // 1024} KB"


def _open_kiosk(state: dict[str, Any]) -> str:
    # lazy: each step imports what it checks, so a broken part fails its own step
    from ui.background import Pools
    from ui.kiosk.window import KioskWindow

    app = state["app"]
    state["pools"] = Pools()
    window = state["window"] = KioskWindow(state["services"], state["pools"], camera="demo")
    window.resize(1280, 800)
    window.show()
    window.start()
    _wait(app, lambda: window.stack.currentWidget() is window.attract and window.isVisible())
    painted = window.grab()
    return f"{painted.width()}x{painted.height()}"


def _keyboard(state: dict[str, Any]) -> str:
    """A visitor touches the email field and types it on the kiosk's own keyboard."""
    app, window = state["app"], state["window"]
    window.begin_visit()
    field = window.sign_in.email
    _wait(app, field.isVisible)
    _touch(field)
    keyboard = window.keyboard
    if not keyboard.isVisible() or keyboard.target is not field:
        raise RuntimeError("touching the email field did not show the on-screen keyboard")
    typed = "self-check@skinlab.invalid"
    for key in typed:
        _touch(keyboard.buttons[key])
    if field.text() != typed:
        raise RuntimeError(f"the keys typed {field.text()!r}, not {typed!r}")
    picture = keyboard.grab().toImage()
    colours = {picture.pixel(x, picture.height() // 3) for x in range(0, picture.width(), 4)}
    if len(colours) < 3:
        raise RuntimeError("the on-screen keyboard painted no keys")
    window.reset()
    if keyboard.isVisible():
        raise RuntimeError("the on-screen keyboard stayed up after the kiosk's reset")
    return f"{len(typed)} keys typed, {keyboard.width()}x{keyboard.height()}"


def _close_kiosk(state: dict[str, Any]) -> str:
    window, pools = state.pop("window"), state["pools"]
    window.shut_down()
    window.feed.wait(5.0)
    if not pools.wait(20_000):
        raise RuntimeError("background work still running after the kiosk closed")
    return ""


def _touch(widget: Any) -> None:
    """A finger's press and release in the widget (Qt turns a touch into these)."""
    # lazy: each step imports what it checks, so a broken part fails its own step
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    local = QPointF(min(20, widget.width() // 2), widget.height() / 2)
    where = QPointF(widget.mapToGlobal(local.toPoint()))
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        left = Qt.MouseButton.LeftButton
        held = left if kind == QEvent.Type.MouseButtonPress else Qt.MouseButton.NoButton
        event = QMouseEvent(kind, local, where, left, held, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, event)


def _wait(app: Any, ready: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError("the kiosk window did not get there in time")
        app.processEvents()
        time.sleep(0.01)
