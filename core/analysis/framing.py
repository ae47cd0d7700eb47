"""Framing: is the whole face inside the photo, and which regions does the edge of the photo cut?

A face box or a landmark outside the frame, or a region of the face cut by the edge, means part of
the face is missing: the engine must not measure skin it cannot see, and the person can fix it by
moving. Everything is geometry (the face box, the five landmarks and the region outlines laid out in
face units), so it is as cheap on a live camera frame as on a photo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from core.analysis.face_model import Face, Point
from core.analysis.layout import INSIDE_MIN, REGION_NAMES, region_polygons
from core.vocabulary import instruction

BOX_OUTSIDE_MAX: Final = 0.05
"""Share of the face box's size that may lie outside the photo (detector boxes are approximate)."""
LARGER_THAN_FRAME: Final = 0.95
"""A face box wider or taller than this share of the photo: the face does not fit."""


@dataclass(frozen=True)
class Framing:
    """Where the face lies against the edges of the photo."""

    box_outside: float
    """Largest distance of the face box beyond an edge, as a share of the box's size."""
    landmarks_outside: bool
    too_large: bool
    region_inside: dict[str, float]
    """Share of each region's outline that lies inside the photo."""

    @property
    def cut_regions(self) -> tuple[str, ...]:
        return tuple(n for n in REGION_NAMES if self.region_inside[n] < INSIDE_MIN)

    @property
    def cut_off(self) -> bool:
        return (
            self.too_large
            or self.landmarks_outside
            or self.box_outside > BOX_OUTSIDE_MAX
            or bool(self.cut_regions)
        )

    @property
    def instruction(self) -> str:
        return instruction("move_back" if self.too_large else "move_to_middle")


def _clip_edge(polygon: list[Point], axis: int, bound: float, keep_above: bool) -> list[Point]:
    """One Sutherland-Hodgman step: keep the part of ``polygon`` on one side of a line."""

    def keep(p: Point) -> bool:
        return p[axis] >= bound if keep_above else p[axis] <= bound

    def cross(a: Point, b: Point) -> Point:
        t = (bound - a[axis]) / (b[axis] - a[axis])
        x, y = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
        return (bound, y) if axis == 0 else (x, bound)

    out: list[Point] = []
    for i, cur in enumerate(polygon):
        prev = polygon[i - 1]
        if keep(cur):
            if not keep(prev):
                out.append(cross(prev, cur))
            out.append(cur)
        elif keep(prev):
            out.append(cross(prev, cur))
    return out


def _clip(polygon: list[Point], width: float, height: float) -> list[Point]:
    """The part of ``polygon`` inside the rectangle [0, width] x [0, height]."""
    for axis, bound, keep_above in (
        (0, 0.0, True),
        (0, width, False),
        (1, 0.0, True),
        (1, height, False),
    ):
        polygon = _clip_edge(polygon, axis, bound, keep_above)
    return polygon


def _area(polygon: list[Point]) -> float:
    return 0.5 * abs(
        sum(
            p[0] * q[1] - q[0] * p[1]
            for p, q in zip(polygon, polygon[1:] + polygon[:1], strict=True)
        )
    )


def assess_framing(face: Face, image_size: tuple[int, int]) -> Framing:
    """Framing of ``face`` in an image of ``image_size`` (width, height) pixels."""
    width, height = image_size
    left, top, right, bottom = face.box
    size = max(right - left, bottom - top, 1.0)
    beyond = max(0.0, -left, -top, right - width, bottom - height)
    points = (face.eye_image_left, face.eye_image_right, face.nose)
    landmarks_out = any(not (0 <= x < width and 0 <= y < height) for x, y in points)
    too_large = (right - left) > LARGER_THAN_FRAME * width or (
        bottom - top
    ) > LARGER_THAN_FRAME * height
    (lx, ly), (rx, ry) = face.eye_image_left, face.eye_image_right
    mid = ((lx + rx) / 2, (ly + ry) / 2)
    ex, ey = rx - lx, ry - ly

    def to_image(u: float, v: float) -> Point:
        return (mid[0] + u * ex - v * ey, mid[1] + u * ey + v * ex)

    nose = face.nose
    iod2 = max(ex * ex + ey * ey, 1e-9)
    nose_u = (
        ((nose[0] - mid[0]) * ex + (nose[1] - mid[1]) * ey) / iod2,
        (-(nose[0] - mid[0]) * ey + (nose[1] - mid[1]) * ex) / iod2,
    )
    shares = {}
    for name, polygon in region_polygons(nose_u).items():
        outline = [to_image(float(u), float(v)) for u, v in polygon]
        whole = _area(outline)
        shares[name] = _area(_clip(outline, width, height)) / whole if whole > 0 else 0.0
    return Framing(beyond / size, landmarks_out, too_large, shares)
