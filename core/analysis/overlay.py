"""Overlays: per-metric heat maps, and the one way they are drawn on a photo everywhere (the
kiosk's layers, the report's pictures, ``skinlab analyze --overlay``'s sheet).

Masks live on the canonical canvas (eyes level, ``CANON_IOD`` px apart); :func:`overlay_mask` can also return
them warped back onto the original photo so a display can blend them over what the person sees.
A mask becomes an RGBA layer (:func:`rgba_layer`: the measure's colour, ``OVERLAY_ALPHA`` at full
strength) and a layer is laid on a photo by :func:`blend`; PNGs come from ``core.imaging``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.errors import AnalysisError
from core.analysis.frame import SET_AT_IOD
from core.analysis.normalise import CANON_BOX
from core.analysis.result import AnalysisResult, Visuals
from core.imaging import encode_png
from core.vocabulary import measure

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
OVERLAY_ALPHA: Final = 0.7
SOFT_EDGE_U: Final = 1.5 / SET_AT_IOD
"""Blur (face units, ~0.7 mm) that softens the edges of the combined heat map on the canvas."""
"""Opacity of a heat map where it is strongest, wherever one is drawn."""
Colour = tuple[int, int, int]


def rgba_layer(mask: NDArray[np.float32], colour: Colour) -> NDArray[np.uint8]:
    """A heat map (float in [0, 1]) as an RGBA layer in one colour, ``OVERLAY_ALPHA`` at 1."""
    height, width = mask.shape[:2]
    layer = np.zeros((height, width, 4), np.uint8)
    layer[:, :, :3] = colour
    layer[:, :, 3] = np.clip(np.clip(mask, 0.0, 1.0) * OVERLAY_ALPHA * 255.0, 0, 255).astype(
        np.uint8
    )
    return layer


def blend(base: NDArray[np.uint8], layer: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """``layer`` (RGBA, the size of ``base``) laid over the RGB ``base``."""
    alpha = layer[:, :, 3:4].astype(np.float32) / 255.0
    mixed = base.astype(np.float32) * (1 - alpha) + layer[:, :, :3].astype(np.float32) * alpha
    return np.asarray(np.clip(mixed, 0, 255), dtype=np.uint8)


def tint(base: NDArray[np.uint8], mask: NDArray[np.float32], colour: Colour) -> NDArray[np.uint8]:
    return blend(base, rgba_layer(mask, colour))


def strongest_tint(
    base: NDArray[np.uint8], masks: Mapping[str, NDArray[np.float32]]
) -> NDArray[np.uint8]:
    """Each pixel of the canonical canvas ``base`` tinted with the colour of its strongest measure
    (soft edges: a small blur, fixed in face units)."""
    names = list(masks)
    if not names:
        return base.copy()
    sigma = SOFT_EDGE_U * base.shape[1] / CANON_BOX[2]
    stack = np.stack([cv2.GaussianBlur(masks[n], (0, 0), sigma) for n in names])
    palette = np.asarray([COLOURS[n] for n in names], np.uint8)
    layer = rgba_layer(np.clip(stack.max(axis=0) * 1.2, 0.0, 1.0), (0, 0, 0))
    layer[:, :, :3] = palette[stack.argmax(axis=0)]
    return blend(base, layer)


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
                tint(dimmed, visuals.heatmaps[name], COLOURS[name]),
                f"{measure(name).clinical_label} {level:.0f}",
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
    png = encode_png(render_overlay(result))
    try:
        target.write_bytes(png)
    except OSError as exc:
        raise AnalysisError(f"Could not write the overlay {target}: {exc.strerror or exc}") from exc
    return target
