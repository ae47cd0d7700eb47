"""Is there colour to measure? Greyscale and infrared photos have none; a strongly tinted light
leaves too little of the skin's own colour to judge redness, blemishes or tone.

The test is on the skin itself, not on thresholds of lightness or chroma, which would single out
the very lightest and darkest skin (both are low in chroma): a greyscale or infrared photo has equal
red, green and blue on the skin, whatever its tone, while the darkest Monk swatch still differs by
nine 8-bit levels between red and blue.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
from numpy.typing import NDArray

from core.analysis.needs import Declined
from core.analysis.pixels import channel_max, channel_min, pixels_at
from core.analysis.skin_hue import HUE_CHROMA_MIN, SKIN_HUE

GREY_SPREAD: Final = 3.0
"""Mean (max - min) of R, G, B on the skin, in 8-bit levels, below which a photo has no colour."""


def colour_problem(
    rgb: NDArray[np.uint8], lab: NDArray[np.float32], skin: NDArray[np.bool_]
) -> Declined | None:
    """Why colour cannot be measured on this face, or None when it can."""
    if not skin.any():
        return None
    pixels = pixels_at(rgb, skin)
    spread = float((channel_max(pixels).astype(np.int16) - channel_min(pixels)).mean())
    if spread < GREY_SPREAD:
        return Declined("no_colour", "the photo has no colour (greyscale or infrared)")
    a, b = (float(np.median(lab[:, :, c][skin])) for c in (1, 2))
    hue = math.degrees(math.atan2(b, a))
    if math.hypot(a, b) >= HUE_CHROMA_MIN and not SKIN_HUE[0] <= hue <= SKIN_HUE[1]:
        return Declined(
            "tinted_light", "the light is too strongly coloured: use neutral white light"
        )
    return None
