"""Regions: forehead, cheeks, nose, chin, under-eyes and crow's-feet areas, each masked to skin.

Polygons are laid out in face units from the eye centres and the nose base (average adult facial
proportions), then intersected with a skin mask that is relative to the person's own skin colour,
so hair, brows, eyes, lips, glasses, beard and background drop out for every skin tone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.frame import SET_AT_IOD, FaceFrame, area_px, disc, ellipse
from core.analysis.glasses import glasses_seen
from core.analysis.layout import INSIDE_MIN, REGION_NAMES, T_ZONE, U_ZONE, Polygon, region_polygons
from core.analysis.mask_cover import MASK_REASON, MASK_REGIONS, mouth_ellipse
from core.analysis.normalise import Canvas, NormalisedFace
from core.analysis.once import computed_once

__all__ = [
    "CUT_REASON",
    "GLASSES_REASON",
    "INSIDE_MIN",
    "MASK_REASON",
    "REGION_NAMES",
    "T_ZONE",
    "U_ZONE",
    "Polygon",
    "Regions",
    "build_regions",
    "feature_mask",
    "rasterise",
    "region_polygons",
    "skin_mask",
]

VISIBLE_MIN: Final = 0.25
"""A region with less of its outline showing skin than this is excluded as hidden: what is left
lies between strands of hair, frames or fingers, where no measure can be trusted."""
CUT_REASON: Final = "cut off by the edge of the photo"
HIDDEN_REASON: Final = {
    "forehead": "hidden by hair or a hat",
    "left_cheek": "hidden by hair, a beard, a hand or a mask",
    "right_cheek": "hidden by hair, a beard, a hand or a mask",
    "nose": "hidden by glasses, a hand or a mask",
    "chin": "hidden by a beard, a hand or a mask",
    "left_under_eye": "hidden by glasses or hair",
    "right_under_eye": "hidden by glasses or hair",
    "left_crows_feet": "hidden by hair or glasses",
    "right_crows_feet": "hidden by hair or glasses",
}
"""Why a region shows too little skin, named by what usually covers that part of a face."""
GLASSES_REGIONS: Final = (
    "left_under_eye",
    "right_under_eye",
    "left_crows_feet",
    "right_crows_feet",
)
GLASSES_REASON: Final = "hidden by glasses"
COLOUR_SIGMA_U: Final = 0.02
"""Smoothing (face units, ~1.3 mm) of the colour a pixel is judged skin by: small spots stay in."""
OPEN_U: Final = 2 / SET_AT_IOD
"""Radius (face units, ~1 mm) of the opening that drops specks and threads of skin."""
MIN_CORE_U2: Final = 50 / SET_AT_IOD**2
"""The least reference skin (square face units, ~12 mm²) the person's skin colour is taken from;
with less, the whole canvas is the reference."""


def rasterise(polygon: Polygon, frame: FaceFrame) -> NDArray[np.bool_]:
    """A boolean mask of ``polygon`` (face units) on ``frame``'s canvas."""
    w, h = frame.size
    pts = np.column_stack(
        [frame.origin[0] + polygon[:, 0] * frame.iod, frame.origin[1] + polygon[:, 1] * frame.iod]
    )
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], 1, lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


def feature_mask(frame: FaceFrame, nose_u: tuple[float, float]) -> NDArray[np.bool_]:
    """Eyes, mouth and nostrils: never skin, whatever their colour."""
    nx, ny = nose_u
    d = float(np.clip(ny, 0.55, 1.05))
    mask = ellipse(frame, (-0.5, 0.0), (0.25, 0.13)) | ellipse(frame, (0.5, 0.0), (0.25, 0.13))
    mask |= mouth_ellipse(frame, nose_u)
    mask |= ellipse(frame, (nx - 0.1, d - 0.04), (0.07, 0.05))
    mask |= ellipse(frame, (nx + 0.1, d - 0.04), (0.07, 0.05))
    return mask


def skin_mask(
    canvas: Canvas,
    shapes: dict[str, NDArray[np.bool_]],
    features: NDArray[np.bool_],
    *,
    covered: tuple[str, ...] = (),
) -> NDArray[np.bool_]:
    """Pixels whose smoothed colour is plausible skin *for this person*.

    The reference is the median colour of the cheeks, nose and under-eyes (rarely covered by hair);
    a pixel is rejected when it is much darker than that, or darker and strongly textured (hair,
    brows, beard, deep shadow); much lighter *and* more colourful or textured (fair hair over darker
    skin -- a highlight is lighter but less colourful, so shine stays in); grey and not brighter
    (grey hair, white backgrounds, glasses frames; only for skin that is not itself near-neutral);
    or of a clearly different hue where hue means something (coloured backgrounds, clothes).
    Smoothing first keeps small spots, pores and lines inside the mask. ``shapes`` are the region
    polygons rasterised on the canvas, ``features`` its :func:`feature_mask` (both computed once,
    by :func:`build_regions`). ``covered`` regions (under a mask) are left out of the reference.
    """
    frame = canvas.frame
    sigma = COLOUR_SIGMA_U * frame.iod
    lab = cv2.GaussianBlur(canvas.lab, (0, 0), sigma)
    lightness, a, b = cv2.split(lab)
    mean = cv2.GaussianBlur(canvas.lab[:, :, 0], (0, 0), 1.5 * sigma)
    local_sd = np.sqrt(
        np.maximum(cv2.GaussianBlur(canvas.lab[:, :, 0] ** 2, (0, 0), 1.5 * sigma) - mean**2, 0.0)
    )
    core = np.zeros(canvas.inside.shape, bool)
    for name in ("left_cheek", "right_cheek", "nose", "left_under_eye", "right_under_eye"):
        if name not in covered:
            core |= shapes[name]
    core &= canvas.inside & ~features
    if np.count_nonzero(core) < area_px(MIN_CORE_U2, frame.iod):
        core = canvas.inside
    if not core.any():
        return np.zeros(canvas.inside.shape, bool)
    ref_l, ref_a, ref_b = (float(np.median(channel[core])) for channel in (lightness, a, b))
    spread = max(1.4826 * float(np.median(np.abs(lightness[core] - ref_l))), 1.0)
    texture = max(float(np.median(local_sd[core])), 0.5)
    ref_chroma = max(float(np.hypot(ref_a, ref_b)), 4.0)
    chroma = cv2.magnitude(a, b)
    # angle between (a, b) and the reference hue, without a second arctan or complex numbers
    hue_gap = np.abs(cv2.phase(a * ref_a + b * ref_b, b * ref_a - a * ref_b))
    hue_gap = np.minimum(hue_gap, 2 * np.pi - hue_gap)
    too_dark = lightness < ref_l - max(2.5 * spread, 0.22 * ref_l)
    dark_textured = (lightness < ref_l - max(1.5 * spread, 0.1 * ref_l)) & (
        local_sd > 2.5 * texture
    )
    lighter = lightness > ref_l + max(2.5 * spread, 0.15 * ref_l + 3.0)
    light_hair = lighter & (chroma > 1.5 * ref_chroma + 4.0)
    light_textured = lighter & (local_sd > 2.5 * texture) & (chroma > ref_chroma)
    grey = (chroma < 0.35 * ref_chroma) & (lightness < ref_l + 2 * spread) & (ref_chroma >= 8.0)
    off_hue = (hue_gap > np.radians(50)) & (chroma > max(0.35 * ref_chroma, 6.0))
    not_skin = too_dark | dark_textured | light_hair | light_textured | grey | off_hue
    skin = canvas.inside & ~not_skin & ~features
    opened = cv2.morphologyEx(skin.astype(np.uint8), cv2.MORPH_OPEN, disc(OPEN_U, frame.iod))
    count, labels = cv2.connectedComponents(opened, connectivity=4)
    if count <= 1:
        return np.asarray(opened, dtype=bool)
    touching = np.unique(labels[core & (opened > 0)])
    keep = np.zeros(count, bool)
    keep[touching[touching > 0]] = True
    return np.asarray(np.take(keep, np.asarray(labels, np.int32)), dtype=np.bool_)


@dataclass(frozen=True)
class Regions:
    """Skin masks per region on the canonical canvas, plus the outline coverage actually skin."""

    frame: FaceFrame
    polygons: dict[str, Polygon]
    outlines: dict[str, NDArray[np.bool_]]
    masks: dict[str, NDArray[np.bool_]]
    skin: NDArray[np.bool_]
    nose_u: tuple[float, float]
    excluded: dict[str, str]
    """Regions left out of every measure, with the reason a person can read."""
    visible: dict[str, float]
    """Share of each region's outline that is skin, before exclusion."""

    @computed_once
    def pixel_counts(self) -> dict[str, int]:
        """Skin pixels of each region's mask (counted once: the gate asks for them per measure)."""
        return {name: int(np.count_nonzero(mask)) for name, mask in self.masks.items()}

    def skin_fraction(self, name: str) -> float:
        area = int(self.outlines[name].sum())
        return float(self.masks[name].sum()) / area if area else 0.0

    def union(self, names: tuple[str, ...] = REGION_NAMES) -> NDArray[np.bool_]:
        out = np.zeros(self.skin.shape, bool)
        for name in names:
            out |= self.masks[name]
        return out

    def without(self, left_out: Mapping[str, str]) -> Regions:
        """These regions with ``left_out`` (region -> reason) excluded as well: a like-for-like
        reading of two photos leaves out of both every region only one of them measured. Regions
        already excluded keep their own reason."""
        excluded = {**self.excluded}
        for name, reason in left_out.items():
            if name not in self.outlines:
                raise ValueError(f"There is no face region called {name!r}.")
            excluded.setdefault(name, reason)
        masks, skin = _excluding(self.outlines, self.masks, self.skin, excluded)
        return replace(self, masks=masks, skin=skin, excluded=excluded)

    def on_canvas(self, canvas: Canvas, names: tuple[str, ...]) -> dict[str, NDArray[np.bool_]]:
        """The region masks moved onto another canvas of the same face (e.g. the detail one)."""
        dst = canvas.frame
        scale = dst.iod / self.frame.iod
        matrix = np.array(
            [
                [scale, 0.0, dst.origin[0] - self.frame.origin[0] * scale],
                [0.0, scale, dst.origin[1] - self.frame.origin[1] * scale],
            ]
        )
        skin = cv2.warpAffine(self.skin.astype(np.uint8), matrix, dst.size, flags=cv2.INTER_NEAREST)
        return {n: rasterise(self.polygons[n], dst) & (skin > 0) & canvas.inside for n in names}


def build_regions(
    face: NormalisedFace, *, eyes_hidden: bool = False, mouth_hidden: bool = False
) -> Regions:
    """The regions of ``face``; ``eyes_hidden`` (dark lenses seen by the quality check) leaves
    out the regions behind glasses even when no frame is seen; ``mouth_hidden`` (a mask, seen by
    the quality check) the regions under the mask, and takes the skin colour from above it."""
    canvas = face.canon
    polygons = region_polygons(face.nose_u)
    features = feature_mask(canvas.frame, face.nose_u)
    shapes = {n: rasterise(p, canvas.frame) for n, p in polygons.items()}
    under_mask = MASK_REGIONS if mouth_hidden else ()
    skin = skin_mask(canvas, shapes, features, covered=under_mask)
    outlines = {n: shape & ~features for n, shape in shapes.items()}
    masks = {n: o & skin for n, o in outlines.items()}
    visible: dict[str, float] = {}
    excluded: dict[str, str] = {}
    glasses = eyes_hidden or glasses_seen(canvas.lightness, canvas.frame)
    behind_glasses = GLASSES_REGIONS if glasses else ()
    for name, outline in outlines.items():
        area = max(int(np.count_nonzero(outline)), 1)
        visible[name] = int(np.count_nonzero(masks[name])) / area
        if int(np.count_nonzero(outline & canvas.inside)) / area < INSIDE_MIN:
            excluded[name] = CUT_REASON
        elif name in behind_glasses:
            excluded[name] = GLASSES_REASON
        elif name in under_mask:
            excluded[name] = MASK_REASON
        elif visible[name] < VISIBLE_MIN:
            excluded[name] = HIDDEN_REASON[name]
    masks, skin = _excluding(outlines, masks, skin, excluded)
    return Regions(canvas.frame, polygons, outlines, masks, skin, face.nose_u, excluded, visible)


def _excluding(
    outlines: Mapping[str, NDArray[np.bool_]],
    masks: Mapping[str, NDArray[np.bool_]],
    skin: NDArray[np.bool_],
    excluded: Mapping[str, str],
) -> tuple[dict[str, NDArray[np.bool_]], NDArray[np.bool_]]:
    """The region masks and the skin with the ``excluded`` regions taken out (where an excluded
    region overlaps a kept one, the overlap stays skin)."""
    kept = np.zeros_like(skin)
    for name, outline in outlines.items():
        if name not in excluded:
            kept |= outline
    out = dict(masks)
    skin = skin.copy()
    for name in excluded:
        out[name] = np.zeros_like(masks[name])
        skin &= ~(outlines[name] & ~kept)
    return out, skin
