"""The kiosk's layers and the report's pictures are drawn by the same layer-and-blend
(``core.analysis.overlay``) and written by the same PNG writer, so a heat map looks the same
wherever it is drawn."""

from __future__ import annotations

import cv2
import numpy as np

from app.kiosk.images import overlay_layers, report_overlays
from app.reports import OVERALL, build_overlays
from core.analysis import AnalysisResult, overlay_mask
from core.analysis.overlay import COLOURS, blend, tint


def _decode(png: bytes) -> np.ndarray:
    bgr = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert bgr is not None
    return np.ascontiguousarray(bgr[:, :, ::-1])


def test_report_and_kiosk_draw_with_the_same_blend(portrait_result: AnalysisResult) -> None:
    """The report's picture of a measure is exactly the shared tint of its mask on the face."""
    visuals = portrait_result.visuals
    assert visuals is not None
    pngs = build_overlays(portrait_result)
    assert OVERALL in pngs and set(pngs) - {OVERALL} == set(visuals.heatmaps)
    mask = overlay_mask(portrait_result, "redness") * visuals.skin.astype(np.float32)
    expected = tint(visuals.canvas_rgb, mask, COLOURS["redness"])
    assert (_decode(pngs["redness"]) == expected).all()
    photo = np.full((300, 240, 3), 90, np.uint8)  # a displayed crop, smaller than a page needs
    layers = overlay_layers(portrait_result, photo)
    assert set(layers) == set(visuals.heatmaps)
    kiosk = report_overlays(photo, layers)
    assert (_decode(kiosk["redness"]) == blend(photo, layers["redness"])).all()
