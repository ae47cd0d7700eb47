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
        return np.asarray(keep[self.labels], dtype=bool)


def components(mask: Mask) -> Components:
    count, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    ys, xs = np.nonzero(labels)
    ids = labels[ys, xs]
    area = np.bincount(ids, minlength=count).astype(np.float64)
    n = np.maximum(area, 1.0)
    mx = np.bincount(ids, xs, count) / n
    my = np.bincount(ids, ys, count) / n
    vxx = np.bincount(ids, xs.astype(np.float64) ** 2, count) / n - mx**2 + 1 / 12
    vyy = np.bincount(ids, ys.astype(np.float64) ** 2, count) / n - my**2 + 1 / 12
    vxy = np.bincount(ids, xs.astype(np.float64) * ys, count) / n - mx * my
    half_trace = (vxx + vyy) / 2
    root = np.sqrt(np.maximum(((vxx - vyy) / 2) ** 2 + vxy**2, 0.0))
    major = np.sqrt(np.maximum(half_trace + root, 1e-9))
    minor = np.sqrt(np.maximum(half_trace - root, 1e-9))
    return Components(labels.astype(np.int32), area, major / minor, 4.0 * major)
