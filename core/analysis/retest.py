"""Retakes: the same face as a real re-capture would give it, and the retest spread they show.

A retake combines what changes between two captures of one person a minute apart: the head turned
up to 3 degrees, a small shift and distance change, exposure within 5 %, a white-balance drift of a
few percent, sensor noise, a different JPEG quality, and the photo read by the other decoder. Each
retake draws these from a generator seeded by the face's number, so the table is reproducible.

SEM (standard error of measurement) is the pooled within-face standard deviation over the original
and its retakes; MDC95 = 1.96 x sqrt(2) x SEM is the smallest change between two visits that is
larger than retest noise with 95 % confidence (Weir 2005).

References
----------
Weir, J. P. (2005). Quantifying test-retest reliability using the intraclass correlation
coefficient and the SEM. J. Strength Cond. Res. 19(1), 231-240.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Final, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

RETAKES: Final = 6
RETAKES_FOR: Final[dict[str, int]] = {"pores": 15}
"""Measures retaken more often than :data:`RETAKES`: pores reach their floor (126 px between the
eyes) on only two of the shared portraits, so each is retaken 15 times, for as many degrees of
freedom (two faces x 15) as the other measures have (five or six faces x 6). Six retakes of two
faces were too few to tell a spread of 3 points from one of 6 (docs/analysis.md)."""
MDC_FACTOR: Final = 1.96 * math.sqrt(2.0)


def _linear(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    return np.asarray(np.power(rgb.astype(np.float32) / 255.0, 2.2), dtype=np.float32)


def _encode(linear: NDArray[np.float32]) -> NDArray[np.uint8]:
    return np.clip(np.power(np.clip(linear, 0, 1), 1 / 2.2) * 255.0 + 0.5, 0, 255).astype(np.uint8)


def retake(rgb: NDArray[np.uint8], rng: np.random.Generator) -> bytes:
    """One re-capture of ``rgb`` as JPEG bytes (pose, position, light, noise, compression)."""
    h, w = rgb.shape[:2]
    angle = rng.uniform(-3.0, 3.0)
    scale = rng.uniform(0.92, 1.08)
    matrix = np.asarray(cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale), dtype=np.float64)
    matrix[:, 2] += rng.uniform(-0.03, 0.03, 2) * np.array([w, h], dtype=np.float64)
    moved = np.asarray(
        cv2.warpAffine(rgb, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT),
        dtype=np.uint8,
    )
    gains = (rng.uniform(0.97, 1.03, 3) * rng.uniform(0.95, 1.05)).astype(np.float32)
    lit = _encode(_linear(moved) * gains).astype(np.float32)
    noise = rng.normal(0.0, 1.5, lit.shape).astype(np.float32)
    noisy = np.clip(lit + noise, 0, 255).astype(np.uint8)
    quality = int(rng.integers(75, 96))
    ok, data = cv2.imencode(".jpg", noisy[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return data.tobytes()


def decoded_by_pil(data: bytes) -> NDArray[np.uint8]:
    """The same JPEG read by the other decoder (Pillow's libjpeg, not OpenCV's)."""
    with Image.open(io.BytesIO(data)) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def retakes(
    rgb: NDArray[np.uint8], seed: int, count: int = RETAKES
) -> list[bytes | NDArray[np.uint8]]:
    """``count`` retakes of one face; every other one is handed over already decoded by Pillow."""
    rng = np.random.default_rng(seed)
    out: list[bytes | NDArray[np.uint8]] = []
    for index in range(count):
        data = retake(rgb, rng)
        out.append(decoded_by_pil(data) if index % 2 else data)
    return out


def sem(groups: Sequence[Sequence[float]]) -> float:
    """Pooled within-group standard deviation (each group: one face's original and retakes)."""
    squares, dof = 0.0, 0
    for values in groups:
        if len(values) < 2:
            continue
        arr = np.asarray(values, dtype=np.float64)
        squares += float(((arr - arr.mean()) ** 2).sum())
        dof += len(arr) - 1
    return math.sqrt(squares / dof) if dof else float("nan")


def mdc95(sem_value: float) -> float:
    return MDC_FACTOR * sem_value


T = TypeVar("T")
Levels = dict[str, float | None]
"""One analysis's level per measure (None: not measured)."""


def _takes(
    photos: Sequence[NDArray[np.uint8]],
    analyse: Callable[[bytes | NDArray[np.uint8]], dict[str, T | None]],
    counts: Mapping[str, int],
) -> Iterator[list[dict[str, T | None]]]:
    """Per face: ``analyse`` of the original, then of as many retakes as the measures it reads need
    (``counts``: retakes per measure; a measure with fewer uses the first of them). A face whose
    original reads none of the measures is not retaken: it cannot count for any of them."""
    for seed, rgb in enumerate(photos):
        first = analyse(rgb)
        needed = max((n for name, n in counts.items() if first.get(name) is not None), default=0)
        if needed:
            yield [first] + [analyse(r) for r in retakes(rgb, seed, needed)]


def retest_table(
    photos: Sequence[NDArray[np.uint8]],
    analyse: Callable[[bytes | NDArray[np.uint8]], Levels],
    names: Sequence[str],
    count: int | None = None,
) -> dict[str, tuple[float, int]]:
    """Per measure: SEM over the photos and their retakes, and how many faces it was measured on;
    each measure retaken ``count`` times, or by default its own number of times
    (:data:`RETAKES_FOR`, else :data:`RETAKES`).

    A face counts for a measure only when the measure was reported on the original and on every
    retake (a face at a measure's floor, reported on some retakes only, says nothing about spread).
    """
    counts = {name: count or RETAKES_FOR.get(name, RETAKES) for name in names}
    groups: dict[str, list[list[float]]] = {name: [] for name in names}
    for runs in _takes(photos, analyse, counts):
        for name in names:
            values = [run.get(name) for run in runs[: counts[name] + 1]]
            if all(v is not None for v in values):
                groups[name].append([float(v) for v in values if v is not None])
    return {name: (sem(g), len(g)) for name, g in groups.items()}


SeenLevel = tuple[float, frozenset[str]]
"""One measure as an analysis read it: its level and the regions it was read from."""


def same_skin_table(
    photos: Sequence[NDArray[np.uint8]],
    analyse: Callable[[bytes | NDArray[np.uint8]], dict[str, SeenLevel | None]],
    names: Sequence[str],
    count: int = RETAKES,
) -> dict[str, tuple[float, int]]:
    """Per measure: SEM over the retakes that read it from the same regions as the original, and
    how many faces it was measured on. A comparison judges only such pairs against the spread
    (:mod:`core.analysis.comparison`); a retake that saw other regions would be "not comparable"
    there, so it does not count here either. A face counts with its original and at least one
    such retake."""
    groups: dict[str, list[list[float]]] = {name: [] for name in names}
    for runs in _takes(photos, analyse, dict.fromkeys(names, count)):
        for name in names:
            first = runs[0].get(name)
            if first is None:
                continue
            alike = [
                reading[0]
                for run in runs[1:]
                if (reading := run.get(name)) is not None and reading[1] == first[1]
            ]
            if alike:
                groups[name].append([first[0], *alike])
    return {name: (sem(g), len(g)) for name, g in groups.items()}


def scaled_to(rgb: NDArray[np.uint8], eyes_px: float, target_px: float) -> NDArray[np.uint8] | None:
    """``rgb`` scaled down so that its face's eyes, ``eyes_px`` apart, are ``target_px`` apart: the
    same face as a smaller photo gives it. None when the face is smaller than that already (a
    face is never scaled up: that would invent detail no camera gave)."""
    if target_px > eyes_px:
        return None
    factor = target_px / eyes_px
    if factor == 1.0:
        return rgb
    small = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(small, dtype=np.uint8)
