"""A photo framed too low, as the demo, the screenshots and the benchmarks show it: the same face
with the bottom of the frame through the chin, so that two visits measured different skin."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def without_chin(face: NDArray[np.uint8], box: Sequence[float]) -> NDArray[np.uint8]:
    """``face`` with the bottom of the frame through the chin (``box``: the face box, from the
    engine's result), as a capture framed too low gives it: the engine then leaves the chin out."""
    top, bottom = box[1], box[3]
    return np.ascontiguousarray(face[: int(bottom - 0.12 * (bottom - top))])
