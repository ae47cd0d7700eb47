"""Line maps: a multi-scale Hessian ridge filter and the dark lines it traces, as array functions.

The wrinkle measure counts these lines; the context keeps them so that the texture, pore and spot
measures can leave them out. Scales are fixed in face units (about 0.7 and 1.2 mm at the canonical
128 px between the eyes), never in image pixels.

References
----------
Sato, Y. et al. (1998). Three-dimensional multi-scale line filter for segmentation and visualization
of curvilinear structures in medical images. Medical Image Analysis 2(2), 143-168.
Frangi, A. F. et al. (1998). Multiscale vessel enhancement filtering. MICCAI, 130-137.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from core.analysis.measures.base import Image, Mask
from core.analysis.measures.blobs import components
from core.analysis.pixels import hypot32

SCALES_U: Final = (0.016, 0.024)
MASK_THRESHOLD: Final = 0.006
"""Lines are traced down to this weaker strength so that they stay connected (and long enough to
count) when a photo is slightly softer; only strength above the wrinkle measure's ``THRESHOLD`` adds
length."""
MIN_LENGTH_U: Final = 0.06
MIN_ELONGATION: Final = 2.5
"""Major/minor axis ratio below which a dark component is a spot, not a line."""
WRINKLE_REGIONS: Final = (
    "forehead",
    "left_under_eye",
    "right_under_eye",
    "left_crows_feet",
    "right_crows_feet",
    "left_cheek",
    "right_cheek",
)
"""Where lines are traced and counted as wrinkles."""


def ridge_strength(contrast: Image, sigmas: tuple[float, ...]) -> Image:
    """Scale-normalised valley strength ``s² (λ1 - |λ2|) - s |∇|``, best over the scales.

    λ1 >= λ2 are the Hessian eigenvalues; λ1 - |λ2| favours lines over blobs, and subtracting the
    scale-normalised gradient removes the response a Hessian filter also gives beside a step edge
    (a shadow border, the rim of a darker patch), which is not a line.
    """
    best = np.zeros_like(contrast)
    for s in sigmas:
        g = cv2.GaussianBlur(contrast, (0, 0), s)
        dxx = cv2.Sobel(g, cv2.CV_32F, 2, 0, ksize=3, scale=0.25)
        dyy = cv2.Sobel(g, cv2.CV_32F, 0, 2, ksize=3, scale=0.25)
        dxy = cv2.Sobel(g, cv2.CV_32F, 1, 1, ksize=3, scale=0.25)
        gradient = hypot32(
            cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3, scale=0.125),
            cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3, scale=0.125),
        )
        # the eigenvalues in place: the same float32 operations, a third of the memory traffic
        root = np.subtract(dxx, dyy)
        root /= 2
        np.square(root, out=root)
        root += np.square(dxy, out=dxy)
        np.sqrt(root, out=root)
        half_trace = np.add(dxx, dyy, out=dxx)
        half_trace /= 2
        lam2 = np.abs(np.subtract(half_trace, root, out=dyy), out=dyy)
        lam1 = np.add(half_trace, root, out=half_trace)
        lam1 -= lam2
        lam1 *= np.float32(s * s)
        gradient *= np.float32(s)
        lam1 -= gradient
        np.maximum(best, lam1, out=best)
    return best


def face_ridges(contrast: Image, iod: float) -> Image:
    """:func:`ridge_strength` at the wrinkle scales for a face ``iod`` pixels between the eyes."""
    return ridge_strength(contrast, tuple(s * iod for s in SCALES_U))


def line_mask(*, ridges: Image, contrast: Image, where: Mask, iod: float) -> Mask:
    """Long, thin, darker-than-surroundings valleys of ``ridges`` inside ``where``."""
    lines = where & (ridges > MASK_THRESHOLD) & (contrast < 0)
    parts = components(lines)
    return parts.select((parts.length >= MIN_LENGTH_U * iod) & (parts.elongation >= MIN_ELONGATION))


def line_like_mask(*, lines: Mask, ridges: Image, contrast: Image) -> Mask:
    """Every dark valley the ridge filter traces, counted as a wrinkle or not (too short, too
    faint)."""
    return np.asarray(lines | ((ridges > MASK_THRESHOLD) & (contrast < 0)), dtype=bool)
