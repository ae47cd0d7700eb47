"""Face coordinates: every region and filter is defined in units of the interocular distance (IOD).

A :class:`FaceFrame` maps *face units* (origin at the midpoint between the eyes, x towards the
image-right eye, y downwards, 1 unit = 1 IOD) to the pixels of a canonical canvas. Defining geometry
this way is what makes the measures independent of how large the face was in the photo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.face_model import Face, Point

IOD_MM = 63.0
"""Average adult interpupillary distance, used only to express densities per cm²."""
SET_AT_IOD = 128.0
"""The canvas (px between the eyes) on which the sizes first written in pixels were set: such a
size is kept as ``pixels / SET_AT_IOD`` face units, so it means the same on any canvas."""


def radius_px(u: float, iod: float) -> int:
    """``u`` face units as a whole number of pixels on a canvas of ``iod`` px between the eyes, at
    least one (a kernel of radius 0 does nothing)."""
    return max(1, round(u * iod))


def disc(u: float, iod: float) -> NDArray[np.uint8]:
    """An elliptic structuring element of radius ``u`` face units (:func:`radius_px`)."""
    r = radius_px(u, iod)
    return np.asarray(cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))


def area_px(u2: float, iod: float) -> float:
    """An area of ``u2`` square face units in pixels of a canvas of ``iod`` px between the eyes."""
    return u2 * iod * iod


@dataclass(frozen=True)
class FaceFrame:
    """A canvas of ``size`` pixels in which one face unit is ``iod`` pixels.

    ``origin`` is where the eye midpoint lies on the canvas; ``image_matrix`` maps image pixels to
    canvas pixels (a 2x3 similarity transform).
    """

    iod: float
    origin: Point
    size: tuple[int, int]
    image_matrix: NDArray[np.float64]

    @property
    def scale(self) -> float:
        """Canvas pixels per image pixel."""
        return float(math.hypot(self.image_matrix[0, 0], self.image_matrix[1, 0]))

    @property
    def px_per_cm(self) -> float:
        return self.iod / (IOD_MM / 10.0)

    def to_canvas(self, u: float, v: float) -> Point:
        """Canvas pixel of a point given in face units."""
        return (self.origin[0] + u * self.iod, self.origin[1] + v * self.iod)

    def image_to_canvas(self, point: Point) -> Point:
        m = self.image_matrix
        x, y = point
        return (m[0, 0] * x + m[0, 1] * y + m[0, 2], m[1, 0] * x + m[1, 1] * y + m[1, 2])

    def canvas_to_image_matrix(self) -> NDArray[np.float64]:
        return np.asarray(cv2.invertAffineTransform(self.image_matrix), dtype=np.float64)

    def to_units(self, point: Point) -> Point:
        """Face units of an image point."""
        x, y = self.image_to_canvas(point)
        return ((x - self.origin[0]) / self.iod, (y - self.origin[1]) / self.iod)


def face_frame(
    face: Face, *, iod: float, left_u: float, top_u: float, width_u: float, height_u: float
) -> FaceFrame:
    """The canvas covering ``[left_u, left_u + width_u] x [top_u, top_u + height_u]`` face units."""
    (lx, ly), (rx, ry) = face.eye_image_left, face.eye_image_right
    image_iod = max(math.hypot(rx - lx, ry - ly), 1e-6)
    scale = iod / image_iod
    angle = math.atan2(ry - ly, rx - lx)
    cos, sin = math.cos(-angle) * scale, math.sin(-angle) * scale
    mid_x, mid_y = (lx + rx) / 2, (ly + ry) / 2
    origin = (-left_u * iod, -top_u * iod)
    matrix = np.array(
        [
            [cos, -sin, origin[0] - (cos * mid_x - sin * mid_y)],
            [sin, cos, origin[1] - (sin * mid_x + cos * mid_y)],
        ],
        dtype=np.float64,
    )
    size = (round(width_u * iod), round(height_u * iod))
    return FaceFrame(iod, origin, size, matrix)


def warp_to_frame(
    rgb: NDArray[np.uint8], frame: FaceFrame
) -> tuple[NDArray[np.uint8], NDArray[np.bool_]]:
    """Resample ``rgb`` onto the canvas; also return which canvas pixels lie inside the image.

    Strong reductions are done in two steps (area-averaging resize of the needed crop, then a
    small warp) so that the canvas is not aliased.
    """
    matrix = frame.image_matrix.copy()
    source = rgb
    inverse = frame.canvas_to_image_matrix()
    w, h = frame.size
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], dtype=np.float64) @ inverse.T
    pad = 4.0 / max(frame.scale, 1e-6)
    x0 = max(0, math.floor(corners[:, 0].min() - pad))
    y0 = max(0, math.floor(corners[:, 1].min() - pad))
    x1 = min(rgb.shape[1], math.ceil(corners[:, 0].max() + pad))
    y1 = min(rgb.shape[0], math.ceil(corners[:, 1].max() + pad))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return np.zeros((h, w, 3), np.uint8), np.zeros((h, w), bool)
    source = rgb[y0:y1, x0:x1]
    matrix[:, 2] += matrix[:, 0] * x0 + matrix[:, 1] * y0
    if frame.scale < 0.7:
        factor = frame.scale
        size = (max(2, round(source.shape[1] * factor)), max(2, round(source.shape[0] * factor)))
        sx, sy = size[0] / source.shape[1], size[1] / source.shape[0]
        source = np.asarray(cv2.resize(source, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
        matrix[:, 0] /= sx
        matrix[:, 1] /= sy
    canvas = cv2.warpAffine(
        source, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    ones = np.full(source.shape[:2], 255, np.uint8)
    inside = cv2.warpAffine(ones, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    return np.asarray(canvas, dtype=np.uint8), np.asarray(inside > 0, dtype=bool)


def ellipse(
    frame: FaceFrame, centre: tuple[float, float], axes: tuple[float, float]
) -> NDArray[np.bool_]:
    """A filled ellipse on ``frame``'s canvas, its centre and half-axes in face units (at least
    one pixel each)."""
    mask = np.zeros((frame.size[1], frame.size[0]), np.uint8)
    cx, cy = frame.to_canvas(*centre)
    half_axes = (max(1, round(axes[0] * frame.iod)), max(1, round(axes[1] * frame.iod)))
    cv2.ellipse(mask, (round(cx), round(cy)), half_axes, 0, 0, 360, 1, -1)
    return mask.astype(bool)


LUMA: Final = np.array([0.299, 0.587, 0.114], np.float32)
"""Rec. 601 weights of 8-bit R, G, B for a grey level."""


def eye_areas(frame: FaceFrame) -> NDArray[np.bool_]:
    """Both eyes' areas on ``frame``'s canvas: the eye whites, the iris and some lid."""
    return ellipse(frame, (-0.5, 0.0), (0.22, 0.1)) | ellipse(frame, (0.5, 0.0), (0.22, 0.1))
