"""Hydration and elasticity: *estimates* from visual proxies, never measurements.

No RGB photo measures water content or mechanical elasticity. These levels combine measured visual
proxies with documented weights (dry skin looks rough and dull; less elastic skin shows more lines and
deeper folds) and are always flagged ``estimate`` so the UI and reports label them as such.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.measures.base import MeasureResult, saturating_level
from core.analysis.measures.context import MeasureContext

HYDRATION_WEIGHTS: Final = {"roughness": 0.7, "dullness": 0.3}
ELASTICITY_WEIGHTS: Final = {"wrinkles": 0.75, "fold_depth": 0.25}
GLOW_HALF: Final = 6.0
"""Soft-sheen area (%) that reads as a radiance level of 50."""
FOLD_HALF: Final = 10.0
"""Nasolabial fold darkening (% Weber contrast below the skin either side) that reads as level 50."""
FOLD_CENTRE_U: Final = (0.40, 0.15)
"""Centre of each side's search (face units from the nose base: out to the side, down)."""
FOLD_ACROSS_U: Final = 0.2
"""How far (face units, ~13 mm) either side of that centre the fold line is looked for."""
FOLD_ALONG_U: Final = 0.2
"""Half the length (face units, ~13 mm) of the stretch of fold a line's darkness is averaged on."""
FOLD_ANGLES_DEG: Final = (10.0, 20.0, 30.0, 40.0)
"""Tilts of the fold line from the vertical (its lower end further out), as nose and mouth allow."""
FOLD_STEP_U: Final = 0.01
"""Spacing (face units, ~0.6 mm) of the profile across the fold."""
FOLD_ALONG_SAMPLES: Final = 13
FOLD_SIDE_U: Final = 0.05
"""Distance (face units, ~3 mm) from the fold line to the skin either side it is compared with."""
FOLD_SMOOTH: Final = 1.5
"""Smoothing of the profile across the fold (Gaussian sigma, in profile steps: ~1 mm)."""
FOLD_LEAST: Final = 0.2
"""Share of a line's points that must be skin for its profile point to be read at all."""
FOLD_SEEN: Final = 0.5
"""Share of a side's search area that must be skin for that side to count fully; a side less
visible (under a beard or a moustache) counts in proportion, so it fades out instead of dropping out."""


def _glow_level(ctx: MeasureContext) -> float:
    """Radiance: share of skin with a gentle sheen (slightly brighter than its surroundings)."""
    sheen = np.clip((ctx.contrast - 0.01) / 0.03, 0.0, 1.0) * (
        1.0 - np.clip(ctx.specular, 0.0, 1.0)
    )
    where = ctx.skin_inner
    pct = 100.0 * float(sheen[where].mean()) if where.any() else 0.0
    return saturating_level(pct, GLOW_HALF)


def _fold_grid() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Face-unit offsets from the nose base of every point read: (side, tilt, along, across)."""
    across = np.arange(-FOLD_ACROSS_U, FOLD_ACROSS_U + 1e-9, FOLD_STEP_U)
    along = np.linspace(-FOLD_ALONG_U, FOLD_ALONG_U, FOLD_ALONG_SAMPLES)
    tilt = np.deg2rad(np.asarray(FOLD_ANGLES_DEG))[None, :, None, None]
    side = np.array([-1.0, 1.0])[:, None, None, None]
    t, s = along[None, None, :, None], across[None, None, None, :]
    du = side * (FOLD_CENTRE_U[0] + s * np.cos(tilt) + t * np.sin(tilt))
    dv = FOLD_CENTRE_U[1] - s * np.sin(tilt) + t * np.cos(tilt)
    return du, np.broadcast_to(dv, du.shape)


FOLD_GRID: Final = _fold_grid()


def _smooth_rows(values: NDArray[np.float32], sigma: float) -> NDArray[np.float32]:
    """Each row convolved with a Gaussian of ``sigma`` samples, zero beyond its ends."""
    half = max(1, round(2 * sigma))
    taps = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    taps /= taps.sum()
    padded = np.pad(values, ((0, 0), (half, half)))
    width = values.shape[1]
    return np.asarray(
        sum(w * padded[:, k : k + width] for k, w in enumerate(taps)), dtype=np.float32
    )


def _fold_level(ctx: MeasureContext) -> float:
    """Depth of the nasolabial folds: how much darker the darkest fold line is than the skin on
    either side of it.

    Each side's fold is looked for, not assumed: straight lines at four tilts and every position
    across a band from beside the nose wing to beyond the mouth corner (face units from the nose
    base), each line's contrast averaged along it over the skin only, the profile across smoothed;
    the deepest valley counts. A square at a fixed spot read the fold on one photo and the cheek or
    the lip beside it on a retake whose landmarks had moved a millimetre. A side counts by how much
    of its band is skin (:data:`FOLD_SEEN`), and a line only where a fifth of it is skin, so a few
    pixels at a beard's edge never set the term."""
    frame = ctx.face.canon.frame
    nx, ny = ctx.regions.nose_u
    du, dv = FOLD_GRID
    sides, tilts, along, across = du.shape
    map_x = (frame.origin[0] + (nx + du) * frame.iod).astype(np.float32).reshape(-1, across)
    map_y = (frame.origin[1] + (ny + dv) * frame.iod).astype(np.float32).reshape(-1, across)
    contrast = cv2.remap(ctx.contrast, map_x, map_y, cv2.INTER_LINEAR, borderValue=0.0)
    skin = cv2.remap(
        ctx.regions.skin.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR, borderValue=0.0
    )
    weight = skin.reshape(sides * tilts, along, across).sum(axis=1)
    total = (contrast * skin).reshape(sides * tilts, along, across).sum(axis=1)
    read = (weight >= FOLD_LEAST * along).astype(np.float32)
    profile = _smooth_rows(total / np.maximum(weight, 1e-6) * read, FOLD_SMOOTH)
    profile /= np.maximum(_smooth_rows(read, FOLD_SMOOTH), 1e-6)
    k = max(1, round(FOLD_SIDE_U / FOLD_STEP_U))
    valley = np.minimum(profile[:, 2 * k :], profile[:, : -2 * k]) - profile[:, k:-k]
    valid = (read[:, 2 * k :] * read[:, : -2 * k] * read[:, k:-k]) > 0
    deepest = np.where(valid, valley, 0.0).max(axis=1).reshape(sides, tilts).max(axis=1)
    deficits = 100.0 * np.maximum(deepest, 0.0)
    shares = skin.reshape(sides, tilts, along * across).mean(axis=2).max(axis=1)
    seen = np.minimum(1.0, shares / FOLD_SEEN)
    depth = float(np.dot(deficits, seen)) / max(1.0, float(seen.sum()))
    return saturating_level(depth, FOLD_HALF)


def estimate_hydration(ctx: MeasureContext, roughness: MeasureResult) -> MeasureResult:
    dullness = 100.0 - _glow_level(ctx)
    dryness = (
        HYDRATION_WEIGHTS["roughness"] * roughness.level + HYDRATION_WEIGHTS["dullness"] * dullness
    )
    level = float(np.clip(100.0 - dryness, 0.0, 100.0))
    regions = {k: float(np.clip(100.0 - v, 0.0, 100.0)) for k, v in roughness.regions.items()}
    return MeasureResult(
        "hydration",
        level,
        level,
        "estimate_0_100",
        regions,
        1.0 - roughness.mask,
        {"dullness": dullness, "roughness": roughness.level},
        estimate=True,
    )


def estimate_elasticity(ctx: MeasureContext, wrinkles: MeasureResult) -> MeasureResult:
    fold = _fold_level(ctx)
    loss = ELASTICITY_WEIGHTS["wrinkles"] * wrinkles.level + ELASTICITY_WEIGHTS["fold_depth"] * fold
    level = float(np.clip(100.0 - loss, 0.0, 100.0))
    regions = {k: float(np.clip(100.0 - v, 0.0, 100.0)) for k, v in wrinkles.regions.items()}
    return MeasureResult(
        "elasticity",
        level,
        level,
        "estimate_0_100",
        regions,
        wrinkles.mask,
        {"fold_depth": fold, "wrinkles": wrinkles.level},
        estimate=True,
    )
