"""Overlays: per-metric heat maps as arrays (for the kiosk and desktop to draw) and a PNG sheet.

Masks live on the canonical canvas (eyes level, 128 px apart); :func:`overlay_mask` can also return
them warped back onto the original photo so a display can blend them over what the person sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.errors import AnalysisError
from core.analysis.result import AnalysisResult, Visuals

Space = Literal["canvas", "image"]
COLOURS: Final = {
    "redness": (230, 40, 40),
    "pigmentation": (150, 80, 20),
    "wrinkles": (40, 90, 230),
    "roughness": (230, 150, 0),
    "pores": (200, 0, 200),
    "oiliness": (0, 200, 220),
    "dark_circles": (80, 40, 160),
    "acne": (255, 0, 90),
    "hydration": (0, 150, 255),
    "elasticity": (0, 170, 90),
}
REGION_COLOUR: Final = (60, 255, 60)


def _visuals(result: AnalysisResult) -> Visuals:
    if result.visuals is None:
        raise AnalysisError(
            "This result has no masks (it came from the cache): analyse with need_visuals=True."
        )
    return result.visuals


def overlay_mask(
    result: AnalysisResult, metric: str, *, space: Space = "canvas"
) -> NDArray[np.float32]:
    """The heat map (float32 in [0, 1]) of ``metric``, on the canvas or on the original photo."""
    visuals = _visuals(result)
    mask = visuals.heatmaps[metric]
    if space == "canvas":
        return mask.copy()
    width, height = visuals.image_size
    inverse = cv2.invertAffineTransform(visuals.canvas_to_image)
    return np.asarray(
        cv2.warpAffine(
            mask, inverse, (width, height), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        ),
        dtype=np.float32,
    )


def region_outlines(result: AnalysisResult) -> dict[str, NDArray[np.bool_]]:
    """Boolean outline masks of every region on the canonical canvas."""
    return {k: v.copy() for k, v in _visuals(result).outlines.items()}


def _panel(
    base: NDArray[np.uint8], mask: NDArray[np.float32], colour: tuple[int, int, int]
) -> NDArray[np.uint8]:
    alpha = (0.75 * mask)[:, :, None]
    tint = np.asarray(colour, np.float32)[None, None, :]
    blended = base.astype(np.float32) * (1 - alpha) + tint * alpha
    return np.asarray(np.clip(blended, 0, 255), dtype=np.uint8)


def _label(panel: NDArray[np.uint8], text: str) -> NDArray[np.uint8]:
    out = panel.copy()
    cv2.rectangle(out, (0, 0), (out.shape[1], 22), (0, 0, 0), -1)
    cv2.putText(out, text, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def render_overlay(
    result: AnalysisResult, *, metrics: tuple[str, ...] | None = None, columns: int = 4
) -> NDArray[np.uint8]:
    """An RGB contact sheet: the aligned face with its regions, then one heat-map panel per metric."""
    visuals = _visuals(result)
    base = visuals.canvas_rgb
    dimmed = np.where(visuals.skin[:, :, None], base, (base * 0.55).astype(np.uint8))
    outlined = base.copy()
    for mask in visuals.outlines.values():
        contours, _ = cv2.findContours(
            mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
        )
        cv2.drawContours(outlined, contours, -1, REGION_COLOUR, 1, cv2.LINE_AA)
    panels = [_label(outlined, f"regions  score {result.skin_score:.0f}")]
    for name in metrics or tuple(visuals.heatmaps):
        level = result.metrics.get(name, 0.0)
        panels.append(
            _label(
                _panel(dimmed, visuals.heatmaps[name], COLOURS.get(name, (255, 255, 0))),
                f"{name} {level:.0f}",
            )
        )
    blank = np.zeros_like(base)
    while len(panels) % columns:
        panels.append(blank)
    rows = [np.hstack(panels[i : i + columns]) for i in range(0, len(panels), columns)]
    return np.vstack(rows)


def write_overlay(result: AnalysisResult, path: Path | str) -> Path:
    """Write :func:`render_overlay` as a PNG; returns the path written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet = render_overlay(result)
    if not cv2.imwrite(str(target), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR)):
        raise AnalysisError(f"Could not write the overlay {target}")
    return target
