"""The hue skin has under white light: one fact that the colour check, the choice between faces
and the search around skin for a small face all use."""

from __future__ import annotations

from typing import Final

SKIN_HUE: Final = (0.0, 115.0)
"""CIELAB hue angle (degrees) of skin under white light: 20-80 on the shared and faces-age photos
of every group (1st to 95th percentile), 77 for a photo under warm tungsten light. Outside it the
light, not the skin, sets the colour. The estimated light colour from the background is not used:
a coloured wall reads as a cast of 0.6 on a correctly exposed portrait. Lightest synthetic Monk
tones reach 99."""
HUE_CHROMA_MIN: Final = 6.0
"""Below this chroma (darkest skin, deep shadow) hue is noise: the tint test is not made."""
