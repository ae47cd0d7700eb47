"""Kiosk test helpers: cameras that misbehave on purpose, services with test cameras, flow steps."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from sqlalchemy import func, select

from app.context import AppContext
from app.kiosk.services import KioskAppServices
from core.capture import (
    CameraDisconnectedError,
    CameraUnavailableError,
    DemoSource,
    Frame,
    FrameSource,
)
from core.storage.models import ConsentRecord, EmailMessage, ImageBlob, SkinAnalysisResult
from ui.kiosk.ports import ConsentChoice
from ui.kiosk.window import KioskWindow

PASSWORD = "correct horse battery"
TIMEOUT = 20_000


class EditedSource(FrameSource):
    """The demo face passed through ``edit`` (blur, darken...), switchable while running."""

    live = True

    def __init__(self, edit: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        self.demo = DemoSource()
        self.edit = edit

    def open(self) -> None:
        self.demo.open()

    def read(self) -> Frame:
        frame = self.demo.read()
        rgb = frame.rgb if self.edit is None else self.edit(frame.rgb)
        return Frame(np.ascontiguousarray(rgb, dtype=np.uint8), frame.timestamp, frame.index)

    def close(self) -> None:
        self.demo.close()


class FlakySource(FrameSource):
    """Missing (``open`` fails) or unplugged (``read`` fails) until ``healthy`` is set."""

    live = True

    def __init__(self, *, fail_open: bool) -> None:
        self.demo = DemoSource()
        self.fail_open = fail_open
        self.healthy = threading.Event()
        self.reads = 0

    def open(self) -> None:
        if self.fail_open and not self.healthy.is_set():
            raise CameraUnavailableError("No camera was found. Connect a webcam.")
        self.demo.open()

    def read(self) -> Frame:
        self.reads += 1
        if not self.healthy.is_set() and self.reads > 5:
            raise CameraDisconnectedError("The camera stopped sending pictures.")
        return self.demo.read()

    def close(self) -> None:
        self.demo.close()


def blurred(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(cv2.GaussianBlur(rgb, (0, 0), 8))


def darkened(rgb: np.ndarray) -> np.ndarray:
    return (rgb * 0.15).astype(np.uint8)


def black(rgb: np.ndarray) -> np.ndarray:
    return np.zeros_like(rgb)


class KioskTestServices(KioskAppServices):
    """The real services; camera specs ``test:NAME`` resolve to sources registered here, and the
    USB sticks are the folders in ``drives`` (a test cannot plug one in)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.cameras: dict[str, FrameSource] = {}
        self.gate: threading.Event | None = None
        self.drives: list[tuple[str, Path]] = []

    def removable_folders(self) -> list[tuple[str, Path]]:
        return list(self.drives)

    def open_camera(self, spec: str) -> Any:
        if spec.startswith("test:"):
            return self.cameras[spec[5:]]
        return super().open_camera(spec)

    def analyse(self, photo: Any, **kwargs: Any) -> Any:
        if self.gate is not None:  # lets a test cancel while the analysis is running
            kwargs["progress"]("Waiting for the test")
            self.gate.wait(10)
        return super().analyse(photo, **kwargs)


def go_to_capture(
    qtbot: Any, win: KioskWindow, *, choice: ConsentChoice | None = None, email: str = ""
) -> None:
    """Attract -> guest (or sign in with ``email``) -> consent answered -> capture."""
    win.attract.start_button.click()
    if email:
        win.sign_in.email.setText(email)
        win.sign_in.password.setText(PASSWORD)
        win.sign_in.sign_in_button.click()
    else:
        win.sign_in.guest_button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.consent_screen, timeout=TIMEOUT)
    choice = choice or ConsentChoice(granted=True, allow_storage=True)
    if not choice.granted:
        win.consent_screen.refuse.click()
    else:
        win.consent_screen.store.setChecked(choice.allow_storage)
        win.consent_screen.sync.setChecked(choice.allow_sync)
        win.consent_screen.agree.click()
    assert win.stack.currentWidget() is win.capture


def wait_for_results(qtbot: Any, win: KioskWindow) -> None:
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.results, timeout=TIMEOUT)


def count(ctx: AppContext, model: type) -> int:
    with ctx.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def stored_counts(ctx: AppContext) -> dict[str, int]:
    return {
        "analyses": count(ctx, SkinAnalysisResult),
        "images": count(ctx, ImageBlob),
        "emails": count(ctx, EmailMessage),
        "consents": count(ctx, ConsentRecord),
    }


def pump(qtbot: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        qtbot.wait(20)
