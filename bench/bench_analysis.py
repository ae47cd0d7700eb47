"""Analysis engine benchmarks: a 12-megapixel photo end to end against a plain full decode, the live
quality check on 1280x720 frames on one core, and batch throughput over a folder.

All three run with OpenCV on one thread, so the numbers are per core. Each number is the best of
several tries (the decode and the analysis alternate), because the machine is shared. Test images are generated
from ``skimage.data`` (plus ``../shared/data/faces`` when present) into ``bench/.data``. The 12 MP
ratios are given twice: wall-clock, and CPU time of this process (``time.process_time``), which a
loaded machine disturbs far less.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Final

import cv2
import numpy as np
import skimage.data

from bench import Row

DATA = Path(__file__).resolve().parent / ".data"
SHARED_FACES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "faces"
NAME = "analysis"


def _best(fn: Callable[[], object], repeats: int) -> float:
    return min(_timed(fn)[0] for _ in range(repeats))


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def twelve_megapixel_jpeg() -> Path:
    """4000x3000 JPEG (quality 92) of the astronaut enlarged so her face spans ~1100 px, with mild
    sensor-like noise so the file is as large as a real photo (a smooth upscale decodes too fast)."""
    path = DATA / "astronaut_12mp.jpg"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    face = _astronaut()
    big = cv2.resize(face, None, fx=12.0, fy=12.0, interpolation=cv2.INTER_LINEAR)
    cx, cy = (222 * 12), (125 * 12)
    x0, y0 = max(0, cx - 2000), max(0, cy - 1200)
    frame = big[y0 : y0 + 3000, x0 : x0 + 4000]
    noise = np.random.default_rng(0).normal(0.0, 3.0, frame.shape)
    noisy = np.clip(frame + noise, 0, 255).astype(np.uint8)
    cv2.imwrite(str(path), cv2.cvtColor(noisy, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    return path


def _astronaut() -> np.ndarray:
    return np.asarray(skimage.data.astronaut(), dtype=np.uint8)  # type: ignore[no-untyped-call]


def _save_noisy(path: Path, rgb: np.ndarray) -> Path:
    noise = np.random.default_rng(0).normal(0.0, 3.0, rgb.shape)
    noisy = np.clip(rgb + noise, 0, 255).astype(np.uint8)
    cv2.imwrite(str(path), cv2.cvtColor(noisy, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    return path


def landscape_jpeg() -> Path:
    """4000x2250 (16:9) JPEG with the astronaut on the right third, 160 px between her eyes (the
    face a fifth of the width), on a smooth background: the shape that used to be decoded twice."""
    path = DATA / "landscape_12mp.jpg"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    face = cv2.resize(_astronaut(), None, fx=3.8, fy=3.8, interpolation=cv2.INTER_LINEAR)
    yy, xx = np.mgrid[0:2250, 0:4000]
    frame = np.stack(
        [60 + 40 * np.sin(xx / 300), 90 + 30 * np.cos(yy / 200), np.full(xx.shape, 120.0)], axis=2
    )
    rows = min(face.shape[0], 2250 - 300)
    frame[300 : 300 + rows, 2000 : 2000 + face.shape[1]] = face[:rows]
    return _save_noisy(path, frame)


TEXTURES: Final = {
    "grass": (0.55, 0.85, 0.45),
    "gravel": (0.95, 0.9, 0.85),
    "brick": (0.95, 0.65, 0.5),
}
"""skimage's 512 px texture photos and the colour each is tinted to (a lawn, a path, a wall)."""


def textured_landscape_jpeg() -> Path:
    """The landscape above as a camera would record it: the same astronaut at the same place, but
    the background a tiling of real textures at their own resolution (grass, gravel, brick) and
    film grain plus sensor noise over the whole frame, the face too. The smooth background of
    :func:`landscape_jpeg` makes its file (1.3 MB) and so its plain ``cv2.imread`` unusually cheap;
    this one is 2.9 MB, still below a phone's 3-6 MB for 12 MP."""
    path = DATA / "landscape_textured_12mp.jpg"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    height, width = 2250, 4000
    frame = np.zeros((height, width, 3), np.float64)
    names = list(TEXTURES)
    for top in range(0, height, 512):
        for left in range(0, width, 512):
            name = names[(top // 512 + left // 512) % len(names)]
            texture = np.asarray(getattr(skimage.data, name)(), np.float64)
            tinted = texture[:, :, None] * np.array(TEXTURES[name])[None, None, :]
            rows, cols = min(512, height - top), min(512, width - left)
            frame[top : top + rows, left : left + cols] = tinted[:rows, :cols]
    face = cv2.resize(_astronaut(), None, fx=3.8, fy=3.8, interpolation=cv2.INTER_LINEAR)
    rows = min(face.shape[0], height - 300)
    frame[300 : 300 + rows, 2000 : 2000 + face.shape[1]] = face[:rows]
    rng = np.random.default_rng(0)
    grain = cv2.GaussianBlur(rng.normal(0.0, 1.0, (height, width)), (0, 0), 1.2) * 6.0
    frame += grain[:, :, None] + rng.normal(0.0, 3.0, frame.shape)
    pixels = np.clip(frame, 0, 255).astype(np.uint8)
    cv2.imwrite(str(path), cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    return path


def group_jpeg() -> Path | None:
    """dlib's bald_guys.jpg (several people) enlarged to 4000x3000: faces about 200 px between the
    eyes, the largest near the middle."""
    path = DATA / "group_12mp.jpg"
    source = SHARED_FACES / "dlib_bald_guys.jpg"
    if path.exists() or not source.exists():
        return path if path.exists() else None
    DATA.mkdir(parents=True, exist_ok=True)
    bgr = cv2.imread(str(source), cv2.IMREAD_COLOR)
    if bgr is None:
        return None
    rgb = cv2.resize(bgr[:, :, ::-1], (4000, 3000), interpolation=cv2.INTER_LINEAR)
    return _save_noisy(path, rgb.astype(np.float64))


def webcam_frame() -> np.ndarray:
    big = cv2.resize(_astronaut(), None, fx=4.6, fy=4.6, interpolation=cv2.INTER_LINEAR)
    cx, cy = int(222 * 4.6), int(125 * 4.6)
    return np.ascontiguousarray(big[cy - 360 : cy + 360, cx - 640 : cx + 640])


def batch_folder() -> list[Path]:
    """Every portrait in ../shared/data/faces (when present) plus astronaut JPEGs at four sizes."""
    DATA.mkdir(parents=True, exist_ok=True)
    paths = []
    face = _astronaut()
    for scale in (1.0, 1.5, 2.0, 3.0):
        path = DATA / f"astronaut_x{scale}.jpg"
        if not path.exists():
            rgb = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            cv2.imwrite(
                str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90]
            )
        paths.append(path)
    if SHARED_FACES.is_dir():
        paths += sorted(p for p in SHARED_FACES.iterdir() if p.suffix.lower() in (".jpg", ".png"))
    return paths


def alternated(fns: Sequence[Callable[[], object]], repeats: int) -> list[tuple[float, float]]:
    """Best wall-clock and best CPU time of each function, run in turn so all see the same load."""
    times: list[list[tuple[float, float]]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, seen in zip(fns, times, strict=True):
            seen.append(_timed(fn))
    return [(min(t[0] for t in seen), min(t[1] for t in seen)) for seen in times]


def interleaved(
    first: Callable[[], object], second: Callable[[], object], repeats: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Best wall-clock and best CPU time of each of two functions, run alternately so both see the
    same machine load."""
    one, two = alternated((first, second), repeats)
    return one, two


def _shape_rows(label: str, path: Path, repeats: int, threads: int) -> list[Row]:
    """One photo shape: the analysis on one thread (its work, in CPU time too) and on ``threads``
    (what a person waits), each against a plain ``cv2.imread`` of the file, all run in turn."""
    from core.analysis import analyze

    target = str(path)
    (plain, plain_cpu), (one, one_cpu), (many, _) = alternated(
        (
            partial(cv2.imread, target, cv2.IMREAD_COLOR),
            partial(analyze, target, threads=1),
            partial(analyze, target, threads=threads),
        ),
        repeats,
    )
    return [
        Row(NAME, f"12 MP {label}: analysis / full cv2.imread", one / plain, "x", "<= 2.5"),
        Row(NAME, f"12 MP {label}: the same in CPU time", one_cpu / plain_cpu, "x", "<= 2.5"),
        Row(
            NAME,
            f"12 MP {label}: analysis on {threads} threads / full cv2.imread",
            many / plain,
            "x",
            "<= 2.5",
        ),
        Row(NAME, f"12 MP {label}: analysis", one * 1000, "ms"),
        Row(NAME, f"12 MP {label}: analysis, CPU", one_cpu * 1000, "ms"),
        Row(NAME, f"12 MP {label}: analysis on {threads} threads", many * 1000, "ms"),
        Row(NAME, f"12 MP {label}: full cv2.imread, CPU", plain_cpu * 1000, "ms"),
    ]


def run(quick: bool) -> list[Row]:
    from core.analysis import LiveQuality, analyze, analyze_many
    from core.analysis.parallel import default_threads

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        repeats = 3 if quick else 11
        photo = twelve_megapixel_jpeg()
        analyze(photo)  # load the detector models once
        workers = default_threads()
        shapes: list[Row] = []
        for label, path in (
            ("portrait", photo),
            ("16:9 landscape, face at one side", landscape_jpeg()),
            ("16:9 landscape, textured and noisy", textured_landscape_jpeg()),
            ("group photo", group_jpeg()),
        ):
            if path is not None:
                shapes += _shape_rows(label, path, repeats, workers)

        frame = webcam_frame()
        tracker = LiveQuality()
        tracker.assess(frame)
        window = 30
        tracked = window / _best(lambda: [tracker.assess(frame) for _ in range(window)], repeats)
        searched = LiveQuality()

        def search_afresh() -> None:
            for _ in range(window):
                searched.reset()  # no tracking: the face is searched for in every frame
                searched.assess(frame)

        untracked = window / _best(search_afresh, 3)

        folder = batch_folder()
        batch_seconds = _best(lambda: analyze_many(list(folder), threads=1), 1 if quick else 2)
    finally:
        cv2.setNumThreads(threads)
    return [
        *shapes,
        Row(NAME, "live quality 1280x720, tracked (1 core)", tracked, "frames/s", ">= 60"),
        Row(NAME, "live quality 1280x720, full search (1 core)", untracked, "frames/s"),
        Row(
            NAME, f"batch of {len(folder)} photos (1 core)", len(folder) / batch_seconds, "images/s"
        ),
    ]
