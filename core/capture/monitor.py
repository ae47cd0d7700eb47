"""Spot a camera that sends black or frozen pictures, so the screen can say so."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from core.capture.sources import Frame

BLACK_MEAN = 8.0
FROZEN_FRAMES = 45  # 1.5 s at 30 fps


@dataclass(frozen=True)
class FrameHealth:
    black: bool
    frozen: bool

    @property
    def message(self) -> str:
        if self.black:
            return "The camera shows only black. Remove the lens cover or check the light."
        if self.frozen:
            return "The camera picture is frozen. Unplug the camera and plug it back in."
        return ""


class FrameMonitor:
    def __init__(self, *, frozen_after: int = FROZEN_FRAMES) -> None:
        self.frozen_after = frozen_after
        self._last: bytes | None = None
        self._repeats = 0

    def check(self, frame: Frame) -> FrameHealth:
        small = frame.rgb[::8, ::8]
        black = float(small.mean()) < BLACK_MEAN
        digest = hashlib.blake2b(np.ascontiguousarray(small).tobytes(), digest_size=16).digest()
        self._repeats = self._repeats + 1 if digest == self._last else 0
        self._last = digest
        return FrameHealth(black=black, frozen=self._repeats >= self.frozen_after)
