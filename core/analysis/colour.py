"""Is there colour to measure? Greyscale and infrared photos have none; a strongly tinted light
leaves too little of the skin's own colour to judge redness, blemishes or tone.

A warm light (a tungsten or candle-coloured lamp the camera did not correct) moves skin along its own
hue, so the skin cannot show it: the light around the face and the whites of the eyes can. Both must
agree, because either alone is often warm in a correct photo (a wooden wall; eye whites seen
through lashes and lid skin).

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

from core.analysis.frame import LUMA, eye_areas
from core.analysis.needs import TINTED_LIGHT, Declined
from core.analysis.normalise import Canvas, linear_light
from core.analysis.pixels import channel_max, channel_min, pixels_at
from core.analysis.skin_hue import HUE_CHROMA_MIN, SKIN_HUE

GREY_SPREAD: Final = 3.0
"""Mean (max - min) of R, G, B on the skin, in 8-bit levels, below which a photo has no colour."""
NO_COLOUR: Final = Declined("no_colour", "the photo has no colour (greyscale or infrared)")
"""A grey photo, or a grey frame with a faint cast (:data:`FAINT_CHROMA`)."""
FAINT_CHROMA: Final = 1.5
"""From this chroma up to :data:`~core.analysis.skin_hue.HUE_CHROMA_MIN`, a skin whose hue is not
a skin hue is a grey frame with a cast, as an infrared webcam gives (green 3-7 % low: chroma
2.0-5.0, hue -35 degrees), not skin: every one of 312 real faces (faces-age and the shared photos)
reads a chroma of 5.9 or more, and those under 8 read hues of 12-47 degrees; the darkest Monk
swatch is about 3 at 63 degrees. Below it, the grey test (:data:`GREY_SPREAD`) decides."""
RATIO_SPREAD: Final = 0.025
"""Interquartile range of log(red / blue) across the skin's pixels from which a faint, off-hue
skin is real colour under a coloured (cold) light, not a grey frame with a cast. A light
multiplies each channel by a constant, which shifts the log ratios without narrowing them; a grey
frame has one ratio everywhere. Infrared-like frames (grey, 0-10 % purple, JPEG) read 0.000-0.010;
108 real faces (a third of faces-age and the shared photos) 0.047 and more, and a shared face
under a cold light (blue x1.3, red x0.72) 0.063."""


WARM_LIGHT: Final = 0.8
"""log(red / blue) of the light around the face, in linear light, from which the light may be
warm. Correct photos of the shared faces read -0.3 to 1.0 (1.0: a warm-coloured wall); the same
photos under a simulated uncorrected tungsten lamp (8-bit red x1.0, green x0.9, blue x0.62)
read 0.8 to 2.0."""
WARM_EYES: Final = 1.2
"""log(red / blue) of the eye whites (the least red quarter of the brightest pixels of the eyes,
linear light) from which the light is warm when the light around the face is too. Correct photos:
the shared faces 0.1 to 1.0; faces-age 0.7 in the median and 1.2 at the 95th percentile (its
uncontrolled light included; 2 to 5 faces of 78 per group at 1.2 or more, the four groups alike);
under the simulated tungsten lamp: 1.0 to 1.8 on the shared faces, 1.22 at faces-age's 5th
percentile."""


def eye_white_warmth(canvas: Canvas) -> float | None:
    """log(red / blue) of the eye whites on ``canvas`` in linear light, or None when the eyes are
    not on it: the least red quarter of the brightest 30 % of each eye's area, so that lid skin
    and lashes in the area weigh little."""
    frame = canvas.frame
    eyes = eye_areas(frame) & canvas.inside
    if eyes.sum() < 10:
        return None
    pixels = pixels_at(canvas.rgb, eyes)
    luma = pixels.astype(np.float32) @ LUMA
    bright = pixels[(luma >= np.percentile(luma, 70))]
    bright = bright[(channel_max(bright) < 250) & (channel_min(bright) > 5)]
    if len(bright) < 5:
        return None
    linear = linear_light(bright)
    red_blue = np.log(np.maximum(linear[:, 0], 1e-4) / np.maximum(linear[:, 2], 1e-4))
    return float(np.percentile(red_blue, 25))


def ratio_spread(pixels: NDArray[np.uint8]) -> float:
    """Interquartile range of log(red / blue) over ``pixels`` (N x 3 RGB) that are neither dark
    nor clipped, 0.0 when too few are (see :data:`RATIO_SPREAD`)."""
    usable = pixels[(channel_min(pixels) >= 16) & (channel_max(pixels) < 250)]
    if len(usable) < 20:
        return 0.0
    ratio = np.log(usable[:, 0].astype(np.float32) / usable[:, 2].astype(np.float32))
    low, high = np.percentile(ratio, [25, 75])
    return float(high - low)


def colour_problem(
    canvas: Canvas, skin: NDArray[np.bool_], light_warmth: float | None = None
) -> Declined | None:
    """Why colour cannot be measured on this face, or None when it can. ``light_warmth`` is the
    light's warmth around the face (:class:`core.analysis.normalise.Light`), None when unknown."""
    if not skin.any():
        return None
    rgb, lab = canvas.rgb, canvas.lab
    pixels = pixels_at(rgb, skin)
    spread = float((channel_max(pixels).astype(np.int16) - channel_min(pixels)).mean())
    if spread < GREY_SPREAD:
        return NO_COLOUR
    a, b = (float(np.median(lab[:, :, c][skin])) for c in (1, 2))
    hue, chroma = math.degrees(math.atan2(b, a)), math.hypot(a, b)
    if chroma >= FAINT_CHROMA and not SKIN_HUE[0] <= hue <= SKIN_HUE[1]:
        if chroma < HUE_CHROMA_MIN and ratio_spread(pixels) < RATIO_SPREAD:
            return NO_COLOUR
        return Declined(TINTED_LIGHT, "the light is too strongly coloured: use neutral white light")
    if light_warmth is not None and light_warmth >= WARM_LIGHT:
        eyes = eye_white_warmth(canvas)
        if eyes is not None and eyes >= WARM_EYES:
            return Declined(TINTED_LIGHT, "the light is too warm (orange): use neutral white light")
    return None
