"""Where the same part of the face is in two photos taken at different distances: the engine's face
boxes (left, top, right, bottom, in the upright photo's pixels) map one photo onto the other, so
two views can follow each other and a before/after wipe lines the faces up. Without a box, the
photos' own frames are used."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF
from PySide6.QtGui import QTransform


@dataclass(frozen=True)
class FaceFrame:
    centre: QPointF
    width: float

    @classmethod
    def of(cls, result: Mapping[str, Any], photo_size: tuple[int, int]) -> FaceFrame:
        box = result.get("face", {}).get("box") if isinstance(result.get("face"), Mapping) else None
        if (
            isinstance(box, (list, tuple))
            and len(box) == 4
            and all(isinstance(v, (int, float)) for v in box)
            and box[2] > box[0]
        ):
            left, top, right, bottom = (float(v) for v in box)
            return cls(QPointF((left + right) / 2, (top + bottom) / 2), right - left)
        width, height = photo_size
        return cls(QPointF(width / 2, height / 2), float(max(1, width)))


def point_between(point: QPointF, source: FaceFrame, target: FaceFrame) -> QPointF:
    """The point of ``target``'s photo showing what ``point`` shows in ``source``'s."""
    ratio = target.width / source.width
    return target.centre + (point - source.centre) * ratio


def zoom_between(
    zoom: float, source: FaceFrame, target: FaceFrame, source_fit: float, target_fit: float
) -> float:
    """The zoom (relative to fit) at which ``target``'s face looks as big as ``source``'s."""
    return zoom * source_fit * source.width / (target_fit * target.width)


def transform_between(source: FaceFrame, target: FaceFrame) -> QTransform:
    """Maps ``source``'s photo pixels onto ``target``'s (scale and shift, faces overlapping)."""
    k = target.width / source.width
    return QTransform(
        k,
        0,
        0,
        k,
        target.centre.x() - k * source.centre.x(),
        target.centre.y() - k * source.centre.y(),
    )
