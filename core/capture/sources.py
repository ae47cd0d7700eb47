"""The ``FrameSource`` interface and its four implementations."""

from __future__ import annotations

import abc
import os
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from core.errors import MissingResourceError, SkinLabError
from core.resources import require_resource

RGB = NDArray[np.uint8]
# OpenCV's own switch for its FFmpeg video reader ("0" turns it off).
FFMPEG_PRIORITY = "OPENCV_VIDEOIO_PRIORITY_FFMPEG"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}


def _rgb(bgr: object) -> RGB:
    return np.asarray(cv2.cvtColor(np.asarray(bgr), cv2.COLOR_BGR2RGB), dtype=np.uint8)


class CameraError(SkinLabError):
    code = "camera_error"


class CameraUnavailableError(CameraError):
    code = "camera_unavailable"


class CameraBusyError(CameraError):
    code = "camera_busy"


class CameraDisconnectedError(CameraError):
    code = "camera_disconnected"


@dataclass(frozen=True)
class Frame:
    rgb: RGB
    timestamp: float
    index: int


class FrameSource(abc.ABC):
    """Yields RGB frames. ``read`` raises a :class:`CameraError` with a message for a person."""

    name: str = "source"
    live: bool = True

    @abc.abstractmethod
    def open(self) -> None: ...

    @abc.abstractmethod
    def read(self) -> Frame: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> FrameSource:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _OpenCvSource(FrameSource):
    """What webcams and video files share: an OpenCV ``VideoCapture`` opened on first read."""

    def __init__(self) -> None:
        self._capture: cv2.VideoCapture | None = None
        self._count = 0

    def _opened(self) -> cv2.VideoCapture:
        if self._capture is None:
            self.open()
        assert self._capture is not None
        return self._capture

    def _frame(self, bgr: object) -> Frame:
        self._count += 1
        return Frame(_rgb(bgr), time.monotonic(), self._count)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class WebcamSource(_OpenCvSource):
    live = True

    def __init__(self, index: int = 0, *, width: int = 1280, height: int = 720) -> None:
        super().__init__()
        self.index = index
        self.name = f"webcam {index}"
        self.size = (width, height)

    def open(self) -> None:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        capture = cv2.VideoCapture(self.index)
        if not capture.isOpened():
            capture.release()
            raise CameraUnavailableError(
                "No camera was found. Connect a webcam, or use the demo camera or a photo."
            )
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
        ok, _ = capture.read()
        if not ok:
            capture.release()
            raise CameraBusyError(
                "The camera is present but gives no picture; another program may be using it."
            )
        self._capture = capture

    def read(self) -> Frame:
        ok, bgr = self._opened().read()
        if not ok or bgr is None:
            self.close()
            raise CameraDisconnectedError(
                "The camera stopped sending pictures. Check its cable; SkinLab will reconnect."
            )
        return self._frame(bgr)


def _formats() -> str:
    """What a person can do about a video that will not play, when OpenCV's FFmpeg reader is off
    (the built app ships without FFmpeg; packaging/rth_opencv_video.py)."""
    if os.environ.get(FFMPEG_PRIORITY) != "0":
        return ""
    return (
        " This installation plays Motion-JPEG AVI files only; convert the video, e.g. with"
        " `ffmpeg -i video.mp4 -c:v mjpeg -q:v 3 video.avi`."
    )


class VideoFileSource(_OpenCvSource):
    live = False

    def __init__(self, path: Path, *, loop: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self.name = f"video {self.path.name}"
        self.loop = loop

    def open(self) -> None:
        if not self.path.is_file():
            raise CameraUnavailableError(f"The video file {self.path} does not exist.")
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            raise CameraUnavailableError(
                f"The video file {self.path} cannot be played.{_formats()}"
            )
        self._capture = capture

    def read(self) -> Frame:
        capture = self._opened()
        ok, bgr = capture.read()
        if not ok and self.loop:
            capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, bgr = capture.read()
        if not ok or bgr is None:
            raise CameraDisconnectedError(f"The video {self.path.name} has no more frames.")
        return self._frame(bgr)


class FolderSource(FrameSource):
    """Cycles through the photos in a folder (sorted by name), one per ``read``."""

    live = False

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.name = f"folder {self.folder.name}"
        self._files: list[Path] = []
        self._count = 0

    def open(self) -> None:
        if not self.folder.is_dir():
            raise CameraUnavailableError(f"The folder {self.folder} does not exist.")
        self._files = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise CameraUnavailableError(f"The folder {self.folder} holds no photos.")

    def read(self) -> Frame:
        if not self._files:
            self.open()
        path = self._files[self._count % len(self._files)]
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise CameraDisconnectedError(f"The photo {path.name} cannot be read.")
        self._count += 1
        return Frame(_rgb(bgr), time.monotonic(), self._count)

    def close(self) -> None:
        self._files = []


DEMO_FACE = ("demo", "astronaut.png")
"""NASA's portrait of Eileen Collins (public domain), as scikit-image ships it: 512 x 512 RGB."""


def demo_face() -> RGB:
    """The demo camera's face, from SkinLab's resources (a missing file is a typed error)."""
    path = require_resource(*DEMO_FACE)
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise MissingResourceError(f"SkinLab cannot read its demo face {path}")
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)


class DemoSource(FrameSource):
    """A bundled face (:func:`demo_face`) on a 16:9 canvas, drifting slightly, with sensor noise.

    Lets the whole kiosk flow run on a machine with no camera, deterministically for a given seed.
    """

    live = True

    def __init__(
        self,
        *,
        width: int = 1280,
        height: int = 720,
        seed: int = 7,
        still: bool = False,
        zoom: float = 2.2,
    ) -> None:
        self.name = "demo camera"
        self.zoom = zoom
        self.size = (width, height)
        self.still = still
        self._rng = np.random.default_rng(seed)
        self._base: RGB | None = None
        self._noise: list[tuple[RGB, RGB]] = []
        self._count = 0

    def open(self) -> None:
        face = demo_face()
        width, height = self.size
        # Her face is centred near (220, 121) in the 512 px photo: place it at the kiosk's face
        # outline (centre, a little above the middle), about as large as a person 60 cm away.
        scale = self.zoom * height / 720
        place = np.array(
            [[scale, 0, width / 2 - scale * 220], [0, scale, height * 0.42 - scale * 121]],
            dtype=np.float32,
        )
        canvas = np.asarray(
            cv2.warpAffine(
                face, place, (width, height), flags=cv2.INTER_CUBIC, borderValue=(52, 58, 64)
            ),
            dtype=np.uint8,
        )
        self._base = canvas
        # Sensor noise, precomputed: drawing 2.7 M normal samples per frame would cost ~30 ms.
        self._noise = []
        for _ in range(6):
            sample = self._rng.normal(0, 2.0, canvas.shape)
            up = np.clip(sample, 0, 255).astype(np.uint8)
            down = np.clip(-sample, 0, 255).astype(np.uint8)
            self._noise.append((up, down))

    def read(self) -> Frame:
        if self._base is None:
            self.open()
        assert self._base is not None
        self._count += 1
        if self.still:
            return Frame(self._base.copy(), time.monotonic(), self._count)
        phase = self._count / 30.0
        dx, dy = 6.0 * np.sin(phase * 1.3), 4.0 * np.sin(phase * 0.9)
        shift = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
        moved = np.asarray(
            cv2.warpAffine(self._base, shift, self.size, borderMode=cv2.BORDER_REPLICATE)
        )
        up, down = self._noise[self._count % len(self._noise)]
        frame = np.asarray(cv2.subtract(cv2.add(moved, up), down), dtype=np.uint8)
        return Frame(frame, time.monotonic(), self._count)

    def close(self) -> None:
        self._base = None


def open_source(spec: str) -> FrameSource:
    """``demo``, ``webcam[:N]``, ``file:PATH`` (a video), ``folder:PATH``; ``auto`` tries the webcam
    and falls back to the demo camera."""
    kind, _, arg = spec.partition(":")
    kind = kind.strip().lower()
    if kind == "demo":
        return DemoSource()
    if kind == "webcam":
        try:
            return WebcamSource(int(arg or 0))
        except ValueError as exc:
            raise CameraUnavailableError(f"'{spec}': the webcam number must be an integer") from exc
    if kind == "file" and arg:
        return VideoFileSource(Path(arg))
    if kind == "folder" and arg:
        return FolderSource(Path(arg))
    if kind == "auto":
        webcam = WebcamSource(0)
        try:
            webcam.open()
        except CameraError:
            return DemoSource()
        return webcam
    raise CameraUnavailableError(
        f"Unknown camera '{spec}': use demo, webcam[:N], file:PATH, folder:PATH or auto"
    )
