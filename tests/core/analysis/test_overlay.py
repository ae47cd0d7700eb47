"""The one overlay renderer (layer and blend) that the kiosk, the report and the CLI's sheet use."""

from __future__ import annotations

import numpy as np
import pytest

from core.analysis import METRIC_NAMES
from core.analysis.overlay import (
    COLOURS,
    OVERLAY_ALPHA,
    blend,
    rgba_layer,
    strongest_tint,
    tint,
)


def test_every_measure_has_a_heat_map_colour() -> None:
    assert set(METRIC_NAMES) <= set(COLOURS)
    assert len({COLOURS[m] for m in METRIC_NAMES}) == len(METRIC_NAMES)  # told apart by colour


def test_a_layer_is_the_colour_at_overlay_alpha_where_the_mask_is_full() -> None:
    mask = np.array([[0.0, 0.5, 1.0, 3.0]], np.float32)
    layer = rgba_layer(mask, (200, 10, 20))
    assert layer.shape == (1, 4, 4) and (layer[0, :, :3] == (200, 10, 20)).all()
    full = int(OVERLAY_ALPHA * 255)
    assert list(layer[0, :, 3]) == [0, int(0.5 * OVERLAY_ALPHA * 255), full, full]
    base = np.full((1, 4, 3), 100, np.uint8)
    mixed = blend(base, layer)
    assert (mixed[0, 0] == 100).all()  # no mask: the photo untouched
    assert mixed[0, 2, 0] == pytest.approx(100 + OVERLAY_ALPHA * 100, abs=1)
    assert (tint(base, mask, (200, 10, 20)) == mixed).all()


def test_the_overall_picture_takes_the_strongest_measure_per_pixel() -> None:
    base = np.full((40, 40, 3), 128, np.uint8)
    left = np.zeros((40, 40), np.float32)
    left[:, :15] = 1.0
    right = np.zeros((40, 40), np.float32)
    right[:, 25:] = 0.8
    out = strongest_tint(base, {"redness": left, "wrinkles": right})
    assert out[20, 5, 0] > out[20, 5, 2]  # redness is red
    assert out[20, 35, 2] > out[20, 35, 0]  # wrinkles are blue
    assert (out[20, 20] == 128).all()
    assert (strongest_tint(base, {}) == base).all()
