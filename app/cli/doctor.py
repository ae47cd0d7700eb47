"""``skinlab doctor``: is this installation healthy? Database, cache, camera, versions."""

from __future__ import annotations

import argparse
import platform
from importlib import metadata
from typing import Any

from app import __version__
from app.context import AppContext
from core.errors import SkinLabError
from core.storage import check_db_health

PACKAGES = (
    "SQLAlchemy",
    "alembic",
    "opencv-python-headless",
    "dlib-bin",
    "PySide6",
    "libpass",
    "PyJWT",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("doctor", help="check the database, cache, camera and versions")
    parser.add_argument("--no-camera", action="store_true", help="skip the camera probe")
    parser.set_defaults(handler=handle)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _camera() -> tuple[bool, str]:
    # lazy: OpenCV loads only when the doctor looks for a camera
    import cv2

    cv2.utils.logging.setLogLevel(
        cv2.utils.logging.LOG_LEVEL_ERROR
    )  # errors only: a missing webcam is an expected answer, not a warning
    capture = cv2.VideoCapture(0)
    try:
        if not capture.isOpened():
            return False, "no webcam found (the kiosk offers the demo camera and photo import)"
        ok, frame = capture.read()
        if not ok or frame is None:
            return False, "a webcam is present but returned no picture (busy in another app?)"
        return True, f"webcam 0 gives {frame.shape[1]}x{frame.shape[0]} frames"
    finally:
        capture.release()


def handle(args: argparse.Namespace, ctx: AppContext) -> int:
    problems = 0

    def line(ok: bool, what: str, text: str) -> None:
        nonlocal problems
        problems += 0 if ok else 1
        print(f"[{'ok' if ok else '!!'}] {what:<9} {text}")

    print(f"skinlab {__version__} on Python {platform.python_version()} ({platform.platform()})")
    try:
        report = check_db_health(ctx.database)
        detail = f"{report.database}, schema {report.revision}, {report.latency_ms:.1f} ms"
        line(report.ok, "database", detail + "".join(f"; {p}" for p in report.problems))
    except SkinLabError as exc:
        line(False, "database", exc.message)
    cache = ctx.cache
    probe_ok = cache.set("doctor:probe", {"ok": True}, ttl_seconds=60) and cache.get(
        "doctor:probe"
    ) == {"ok": True}
    line(probe_ok, "cache", f"{cache.directory}, {cache.volume() / 1e6:.1f} MB used")
    if args.no_camera:
        print("[--] camera    skipped")
    else:
        camera_ok, text = _camera()
        print(f"[{'ok' if camera_ok else '--'}] camera    {text}")
    print("versions: " + ", ".join(f"{p} {_version(p)}" for p in PACKAGES))
    return 0 if problems == 0 else 1
