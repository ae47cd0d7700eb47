"""The kiosk's analysis, optionally in a separate process.

dlib and parts of the engine hold Python's GIL for tens of milliseconds at a time; run in a thread of
the UI process, the analysis then stalls the UI thread by up to ~70 ms (measured with
``bench/bench_kiosk.py``). In a worker process the UI keeps its GIL to itself. The worker is started
once (spawned, never forked from a process with Qt threads) and warmed up with the demo face.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.kiosk_images import (
    DISPLAY_LONG_SIDE,
    crop,
    encode_jpeg,
    face_crop,
    fit,
    overlay_layers,
    thumbnail,
)
from core.analysis import analyze

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Measured:
    """Everything the kiosk needs from one photo, as plain picklable data."""

    jpeg: bytes
    thumbnail: bytes
    result: dict[str, object]
    estimates: frozenset[str]
    display: NDArray[np.uint8]
    layers: dict[str, NDArray[np.uint8]]


def measure(photo: NDArray[np.uint8]) -> Measured:
    """JPEG-encode (the stored photo is what gets analysed), analyse, crop, draw the heat maps."""
    jpeg = encode_jpeg(np.ascontiguousarray(photo))
    result = analyze(jpeg, need_visuals=True)
    box = face_crop(result, photo.shape[1], photo.shape[0])
    display = fit(crop(photo, box), DISPLAY_LONG_SIDE)
    return Measured(
        jpeg=jpeg,
        thumbnail=thumbnail(photo),
        result=result.to_json(),
        estimates=frozenset(result.estimates),
        display=display,
        layers=overlay_layers(result, display, box=box),
    )


def _warm_up() -> bool:
    from core.capture import DemoSource

    source = DemoSource()
    source.open()
    measure(source.read().rgb)
    return True


class AnalysisProcess:
    """One spawned worker process that runs :func:`measure`."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")
        )
        self._warm: Future[bool] = self._pool.submit(_warm_up)

    def measure(self, photo: NDArray[np.uint8]) -> Measured:
        return self._pool.submit(measure, photo).result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
