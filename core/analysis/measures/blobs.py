"""Shape statistics of connected components, to tell compact spots from elongated lines and folds."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.measures.base import Mask


@dataclass(frozen=True)
class Components:
    """Labels of the 8-connected components of a mask and, per label, area, elongation, length.

    ``elongation`` is the ratio of the principal axes' standard deviations (1 for a disc); ``length``
    is four times the major-axis standard deviation, i.e. the extent of a uniform line.
    """

    labels: NDArray[np.int32]
    area: NDArray[np.float64]
    elongation: NDArray[np.float64]
    length: NDArray[np.float64]

    def select(self, keep: NDArray[np.bool_]) -> Mask:
        keep = keep.copy()
        keep[0] = False
        return np.asarray(np.take(keep, self.labels), dtype=bool)


def _axes(
    labels: NDArray[np.int32], count: int, weights: NDArray[np.float64] | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per label: total weight, and the standard deviations along the principal axes (weighted
    second moments, plus 1/12 for the pixel's own extent)."""
    # the labelled pixels in row-major order, as np.nonzero(labels) gives them, but ~4x faster:
    # numpy's flat search over a boolean is vectorised, its 2-D search over int32 is not
    flat = np.flatnonzero(labels.astype(bool))
    ys, xs = np.divmod(flat, labels.shape[1])
    ids = labels.ravel()[flat]
    w = np.ones(ids.size) if weights is None else weights.ravel()[flat].astype(np.float64) + 1e-9
    total = np.bincount(ids, w, minlength=count).astype(np.float64)
    n = np.maximum(total, 1e-9)
    x, y = xs.astype(np.float64), ys.astype(np.float64)
    mx = np.bincount(ids, w * x, count) / n
    my = np.bincount(ids, w * y, count) / n
    vxx = np.bincount(ids, w * x**2, count) / n - mx**2 + 1 / 12
    vyy = np.bincount(ids, w * y**2, count) / n - my**2 + 1 / 12
    vxy = np.bincount(ids, w * x * y, count) / n - mx * my
    half_trace = (vxx + vyy) / 2
    root = np.sqrt(np.maximum(((vxx - vyy) / 2) ** 2 + vxy**2, 0.0))
    major = np.sqrt(np.maximum(half_trace + root, 1e-9))
    minor = np.sqrt(np.maximum(half_trace - root, 1e-9))
    return total, major, minor


def components(mask: Mask) -> Components:
    count, found = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    labels = np.asarray(found, dtype=np.int32)
    area, major, minor = _axes(labels, count, None)
    return Components(labels, area, major / minor, 4.0 * major)


def weighted_elongation(parts: Components, weights: NDArray[np.float32]) -> NDArray[np.float64]:
    """Each component's axis ratio with its pixels weighted (e.g. by how dark they are): the shape of
    a spot's core rather than of its outline, which wavers where pixels hover at a threshold."""
    _total, major, minor = _axes(parts.labels, parts.area.size, weights.astype(np.float64))
    return np.asarray(major / minor, dtype=np.float64)
