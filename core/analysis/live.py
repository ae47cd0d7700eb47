"""Live guidance for the kiosk: the quality checks on every camera frame, at well over 60 fps.

Speed comes from reusing work between frames: once a face is found, the next frame is searched only
in a small crop around it, scaled so the face is about 110 px wide (just above the HOG detector's
80 px minimum); only when the face is lost does a search of the whole (downscaled) frame run again.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.face import DlibFaceDetector, default_detector
from core.analysis.face_model import Face, FaceDetector, primary_index
from core.analysis.quality import Check, QualityReport, assess_face
from core.vocabulary import instruction

SEARCH_LONG_SIDE: Final = 480
"""Full-frame search size: at 1280x720 it finds faces of about 215 px and more."""
TRACK_FACE_PX: Final = 110.0
TRACK_MARGIN: Final = 0.6


def no_face_report() -> QualityReport:
    return QualityReport(
        (Check("face_found", "fail", 0.0, "faces", instruction("look_at_camera")),)
    )


class LiveQuality:
    """Stateful per-camera quality checker; not shared between threads."""

    def __init__(self, *, detector: FaceDetector | None = None) -> None:
        self.detector: FaceDetector = detector or default_detector()
        self._last: Face | None = None

    def reset(self) -> None:
        self._last = None

    def assess(self, rgb: NDArray[np.uint8]) -> QualityReport:
        """Quality of one RGB frame, using the previous frame's face position when it has one."""
        face = self._track(rgb, self._last) if self._last is not None else None
        others = 0
        if face is None:
            faces = self.detector.detect(rgb, levels=(SEARCH_LONG_SIDE,))
            if faces:
                face = faces[primary_index(faces, rgb.shape[1], rgb.shape[0])]
                others = len(faces) - 1
        self._last = face
        if face is None:
            return no_face_report()
        return assess_face(rgb, face, other_faces=others)

    def _track(self, rgb: NDArray[np.uint8], last: Face) -> Face | None:
        left, top, right, bottom = last.box
        size = max(right - left, bottom - top)
        pad = TRACK_MARGIN * size
        x0, y0 = max(0, int(left - pad)), max(0, int(top - pad))
        x1, y1 = min(rgb.shape[1], int(right + pad)), min(rgb.shape[0], int(bottom + pad))
        if x1 - x0 < 16 or y1 - y0 < 16:
            return None
        factor = min(1.0, TRACK_FACE_PX / size)
        crop = rgb[y0:y1, x0:x1]
        small = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR)
        faces = self.detector.detect(np.ascontiguousarray(small), levels=(max(small.shape[:2]),))
        if not faces:
            return None
        best = faces[primary_index(faces, small.shape[1], small.shape[0])]
        return best.mapped(1.0 / factor, x0, y0)


def assess_frame(rgb: NDArray[np.uint8], *, tracker: LiveQuality | None = None) -> QualityReport:
    """Quality of a live RGB frame; pass one :class:`LiveQuality` per camera to enable tracking.

    Without ``tracker`` each call is independent (a full-frame search, still within a camera's frame
    time) and safe to call from several threads.
    """
    if tracker is not None:
        return tracker.assess(rgb)
    return LiveQuality().assess(rgb)


__all__ = ["DlibFaceDetector", "LiveQuality", "assess_frame", "no_face_report"]
