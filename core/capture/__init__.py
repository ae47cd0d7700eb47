"""Frame sources for guided capture: a webcam, a video file, a folder of photos, or a demo face.

OpenCV's ``VideoCapture`` is the webcam backend rather than QtMultimedia: it hands frames over as
numpy arrays (what the analysis engine takes) without a per-frame conversion, the same code reads
webcams and video files, it needs no PulseAudio/PipeWire libraries, and it stays testable without Qt.
"""

from core.capture.sources import (
    CameraBusyError,
    CameraDisconnectedError,
    CameraError,
    CameraUnavailableError,
    DemoSource,
    FolderSource,
    Frame,
    FrameSource,
    VideoFileSource,
    WebcamSource,
    open_source,
)

__all__ = [
    "CameraBusyError",
    "CameraDisconnectedError",
    "CameraError",
    "CameraUnavailableError",
    "DemoSource",
    "FolderSource",
    "Frame",
    "FrameSource",
    "VideoFileSource",
    "WebcamSource",
    "open_source",
]
