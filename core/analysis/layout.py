"""Where the regions of a face lie, in face units (1 = the distance between the eyes): plain
geometry from the eye centres and the nose base (average adult proportions), shared by the framing
check (is each region inside the photo?) and the region masks.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

REGION_NAMES: Final = (
    "forehead",
    "left_cheek",
    "right_cheek",
    "nose",
    "chin",
    "left_under_eye",
    "right_under_eye",
    "left_crows_feet",
    "right_crows_feet",
)
"""Sides are the subject's own: ``left_cheek`` is on the right of a (non-mirrored) photo."""
INSIDE_MIN: Final = 0.8
"""A region with less of its outline inside the photo than this is excluded as cut by the frame."""
T_ZONE: Final = ("forehead", "nose", "chin")
U_ZONE: Final = ("left_cheek", "right_cheek")
Polygon = NDArray[np.float64]


def region_polygons(nose_u: tuple[float, float]) -> dict[str, Polygon]:
    """Region outlines in face units for a face whose nose base lies at ``nose_u``."""
    nx, ny = nose_u
    d = float(np.clip(ny, 0.55, 1.05))
    k = d / 0.75
    polys: dict[str, list[tuple[float, float]]] = {
        "forehead": [
            (-0.72, -0.95),
            (0.72, -0.95),
            (0.72, -0.44),
            (0.16, -0.36),
            (-0.16, -0.36),
            (-0.72, -0.44),
        ],
        "nose": [(-0.12, 0.08), (0.12, 0.08), (0.19 + nx, d - 0.14), (-0.19 + nx, d - 0.14)],
        "chin": [
            (nx - 0.3, d + 0.62 * k),
            (nx + 0.3, d + 0.62 * k),
            (nx + 0.24, d + 0.9 * k),
            (nx - 0.24, d + 0.9 * k),
        ],
    }
    for name, sign in (("left", 1.0), ("right", -1.0)):

        def side(points: list[tuple[float, float]], s: float = sign) -> list[tuple[float, float]]:
            return [(s * u, v) for u, v in points]

        polys[f"{name}_cheek"] = [
            (u + (nx * 0.5 if v > 0.7 else 0.0), v)
            for u, v in side([(0.34, 0.5), (0.9, 0.5), (0.84, d + 0.28), (0.44, d + 0.18)])
        ]
        polys[f"{name}_under_eye"] = side([(0.27, 0.19), (0.76, 0.19), (0.7, 0.4), (0.31, 0.4)])
        polys[f"{name}_crows_feet"] = side([(0.8, -0.12), (1.0, -0.12), (1.0, 0.28), (0.8, 0.28)])
    return {name: np.asarray(polys[name], dtype=np.float64) for name in REGION_NAMES}
