"""For the start-up benchmark (bench/bench_startup.py) and its test.

With ``SKINLAB_EXIT_AFTER_PAINT=1`` the app prints ``painted`` once its first window has been
painted (the whole window, children included), and exits at once; with
``SKINLAB_EXIT_AFTER_PAINT=modules`` the line also names the heavy libraries loaded by then, with
``=qt-classes`` the costly Python classes PySide6 had made by then (:data:`LAZY_QT`), with
``=geometry`` the window's size in Qt's pixels and its device pixel ratio (``1365x800@0.75``).

``SKINLAB_BENCH_BASELINE=pass`` or ``=window`` makes the app (the PyInstaller build too) do only
what a benchmark compares it with: print a line and exit, or show a bare PySide6 window. A build
has no ``python -c``; this is its own Python doing the same.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

ENV = "SKINLAB_EXIT_AFTER_PAINT"
BASELINE_ENV = "SKINLAB_BENCH_BASELINE"
HEAVY = (
    "numpy", "cv2", "dlib", "skimage", "scipy", "sqlalchemy", "sqlcipher3", "alembic", "pydantic",
    "pydantic_settings", "core.analysis", "core.storage", "app.context", "ui.kiosk.window",
    "ui.desktop.session_view", "ui.reports",
)  # fmt: skip
LAZY_QT = ("PySide6.QtCore.Qt", "PySide6.QtWidgets.QWizard")
"""Python classes PySide6 makes only when they are first touched, with all their enums, that a
first paint can do without: the ``Qt`` namespace (~130 enum classes, ~20 ms of CPU) and, as the
sign that every class of QtWidgets was made (a Python filter on every event does that), its
wizard."""


def heavy_modules_loaded() -> list[str]:
    return [name for name in HEAVY if name in sys.modules]


def qt_classes_made() -> list[str]:
    made = []
    for name in LAZY_QT:
        module, _, cls = name.rpartition(".")
        if cls in vars(sys.modules.get(module, sys)):
            made.append(name)
    return made


def install_if_asked() -> None:
    mode = os.environ.get(ENV)
    if mode not in ("1", "modules", "qt-classes", "geometry"):
        return
    # lazy: only a benchmark run asks for the probe; the app imports Qt when its window opens
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    def report(window: QWidget) -> None:
        extra = ""
        if mode == "modules":
            extra = " " + ",".join(heavy_modules_loaded())
        elif mode == "qt-classes":
            extra = " " + ",".join(qt_classes_made())
        elif mode == "geometry":
            extra = f" {window.width()}x{window.height()}@{window.devicePixelRatioF():g}"
        print(f"painted{extra}", flush=True)
        os._exit(0)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
                # after the paint, children included
                QTimer.singleShot(0, lambda: report(watched))
            return False

    probe = FirstPaint()
    show, full_screen = QWidget.show, QWidget.showFullScreen

    def watched(original: Callable[[QWidget], None]) -> Callable[[QWidget], None]:
        def run(self: QWidget) -> None:
            self.installEventFilter(probe)
            original(self)

        return run

    QWidget.show = watched(show)  # type: ignore[method-assign]
    QWidget.showFullScreen = watched(full_screen)  # type: ignore[method-assign]
    _KEEP.append(probe)


def baseline(kind: str) -> int:
    """What the start-up benchmark compares SkinLab with, run by this same Python."""
    if kind == "pass":
        print("x", flush=True)
        return 0
    install_if_asked()
    # lazy: the bare window is the baseline: Qt and nothing else
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication([])
    window = QLabel("SkinLab")
    window.resize(1280, 800)
    window.show()
    return int(app.exec())


_KEEP: list[object] = []  # the probe lives as long as the process
