"""What every measure returns, and the one mapping from a physical value to a 0-100 level."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.float32]
"""A float image on the canonical canvas."""
Mask = NDArray[np.bool_]
"""A boolean mask on the canonical canvas."""


def saturating_level(value: float, half: float) -> float:
    """``100 v² / (v² + half²)``: 0 at none, 20 at half/2, 50 at ``half``, 80 at 2 x half.

    One documented constant per measure (``half``) replaces any hidden lookup table; the curve never
    clips, so a stronger finding always reads higher, and it starts flat, so a single faint spot or
    a little noise on clear skin moves the level by a fraction of a point, not by ten.
    """
    v = max(0.0, float(value))
    return 100.0 * v * v / (v * v + half * half) if half > 0 else 0.0


@dataclass(frozen=True)
class MeasureResult:
    """A measure's 0-100 level, the physical value behind it, per-region levels and a heat map.

    ``mask`` is a float32 heat map in [0, 1] on the canonical canvas (not serialised to JSON).
    """

    name: str
    level: float
    value: float
    unit: str
    regions: dict[str, float]
    mask: NDArray[np.float32]
    details: dict[str, float] = field(default_factory=dict)
    estimate: bool = False

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "level": round(self.level, 1),
            "value": round(self.value, 4),
            "unit": self.unit,
            "regions": {k: round(v, 1) for k, v in self.regions.items()},
        }
        if self.details:
            out["details"] = {k: round(v, 4) for k, v in self.details.items()}
        if self.estimate:
            out["estimate"] = True
        return out


def heat(
    values: NDArray[np.floating], scale: float, where: NDArray[np.bool_]
) -> NDArray[np.float32]:
    """A display heat map: ``values / scale`` clipped to [0, 1], zero outside ``where``."""
    out = np.asarray(values, np.float32) / np.float32(max(scale, 1e-6))
    np.clip(out, 0.0, 1.0, out=out)
    np.copyto(out, np.float32(0.0), where=~where)
    return out
