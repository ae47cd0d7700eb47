"""A retake's perturbations of a photo, as a real re-capture brings them: rescaled, re-encoded,
brightened or darkened, shifted and rotated a few degrees (the repeatability tests' variants)."""

from __future__ import annotations

import cv2
import numpy as np

RETAKE_TOLERANCE = 3.0
"""Points a measure may move between a photo and its retake (the leading clinic system's published
one-week retest spread is 2-6 %)."""


def rescale(rgb: np.ndarray, factor: float) -> np.ndarray:
    method = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=method)


def jpeg(rgb: np.ndarray, quality: int) -> bytes:
    ok, data = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def brighten(rgb: np.ndarray, factor: float) -> np.ndarray:
    return np.clip(rgb.astype(np.float32) * factor + 0.5, 0, 255).astype(np.uint8)


def warp(rgb: np.ndarray, *, angle: float = 0.0, dx: float = 0.0, dy: float = 0.0) -> np.ndarray:
    h, w = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    matrix[:, 2] += (dx, dy)
    return cv2.warpAffine(
        rgb, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )
