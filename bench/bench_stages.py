"""Where a 12 MP analysis spends its CPU time, stage by stage: ``python -m bench --only stages``.

The 12 MP goal (analysis <= 2.5x a plain ``cv2.imread``, ``bench_analysis``) is judged per photo
shape; this module says which stage a shape pays for. Each stage is timed alone, fed with what the
stage before it produced, the best of several tries in CPU time of this process
(``time.process_time``: a loaded machine disturbs it far less than wall-clock time), OpenCV on one
thread. The yardstick and the whole analysis are timed as ``bench_analysis`` times them, the one
after the other, from the path: timed each back to back, the decode's 27 MB were mapped and
faulted in afresh every time (7,000 page faults, ~25 ms of system time) while the analysis reused
a heap it never gave back, which made this module's ratio ~0.3 lower than ``bench_analysis``'s
for the same photo. The stages do not add up exactly to the whole analysis (caches and the heap
warm differently when a stage runs alone); "the rest" is the whole minus the stages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Final

import cv2

from bench import Row
from bench.bench_analysis import (
    group_jpeg,
    interleaved,
    landscape_jpeg,
    textured_landscape_jpeg,
    twelve_megapixel_jpeg,
)
from core.analysis.measures.acne import measure_acne
from core.analysis.measures.dark_circles import measure_dark_circles
from core.analysis.measures.oiliness import measure_oiliness
from core.analysis.measures.pigmentation import measure_pigmentation
from core.analysis.measures.pores import measure_pores
from core.analysis.measures.redness import measure_redness
from core.analysis.measures.roughness import measure_roughness
from core.analysis.measures.skin_tone import measure_skin_tone
from core.analysis.measures.wrinkles import measure_wrinkles

NAME = "stages"
MEASURES: Final = (
    ("pores", measure_pores),
    ("pigmentation", measure_pigmentation),
    ("dark circles", measure_dark_circles),
    ("roughness", measure_roughness),
    ("wrinkles", measure_wrinkles),
    ("acne", measure_acne),
    ("redness", measure_redness),
    ("oiliness", measure_oiliness),
    ("skin tone", measure_skin_tone),
)
"""Each measure's own work, in CPU order on the flat landscape (largest first)."""


def _cpu_ms(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best * 1000.0


def profile(path: Path, repeats: int) -> dict[str, float]:
    """CPU ms of each stage of ``analyze(path)``, in the engine's order."""
    from core.analysis import analyze
    from core.analysis.face import default_detector
    from core.analysis.finding import upright
    from core.analysis.intake import load_image
    from core.analysis.measures import MeasureContext, run_measures
    from core.analysis.normalise import normalise
    from core.analysis.quality import assess_face
    from core.analysis.regions import build_regions

    data = path.read_bytes()
    detector = default_detector()
    out: dict[str, float] = {}
    (_, plain), (_, whole) = interleaved(
        partial(cv2.imread, str(path), cv2.IMREAD_COLOR),
        partial(analyze, str(path), threads=1),
        repeats,
    )
    out["plain cv2.imread (the yardstick)"] = plain * 1000.0
    out["whole analysis"] = whole * 1000.0
    out["decode (one, reduced)"] = _cpu_ms(lambda: load_image(data, sha256="-"), repeats)
    image = load_image(data, sha256="-")
    out["face search (copies, searches, landmarks)"] = _cpu_ms(
        lambda: upright(image, detector), repeats
    )
    # The 512 px copy made and searched whole, which the face search above includes: timed beside
    # the stages, not as one of them, so the stages still add up to the analysis.
    out["  of which: the 512 px copy made and searched whole"] = _cpu_ms(
        lambda: detector.detect(image.rgb, levels=(512,)), repeats
    )
    image, choice, _ = upright(image, detector)
    face = choice.face
    out["quality checks"] = _cpu_ms(
        lambda: assess_face(image.rgb, face, image_iod=face.iod / image.decode_scale), repeats
    )
    out["canvases (white balance, warps, CIELAB)"] = _cpu_ms(
        lambda: normalise(image.rgb, face), repeats
    )
    norm = normalise(image.rgb, face)
    out["regions and skin mask"] = _cpu_ms(lambda: build_regions(norm), repeats)
    regions = build_regions(norm)

    def measures() -> None:
        ctx = MeasureContext(norm, regions)
        run_measures(ctx)
        measure_skin_tone(ctx)

    out["measures and skin tone"] = _cpu_ms(measures, repeats)
    warm = MeasureContext(norm, regions)
    run_measures(warm)  # every shared map computed once: what follows is each measure's own work
    own = {name: _cpu_ms(partial(fn, warm), repeats) for name, fn in MEASURES}
    out["  of which shared maps (backgrounds, ridges, lines, spots, shine)"] = max(
        0.0, out["measures and skin tone"] - sum(own.values())
    )
    out.update({f"  of which {name}": ms for name, ms in own.items()})
    parts = sum(
        v
        for k, v in out.items()
        if not k.startswith("  ")
        and k not in ("whole analysis", "plain cv2.imread (the yardstick)")
    )
    # The whole analysis is timed alternately with cv2.imread, as the analysis bench times it, so
    # it pays for faulting in the memory imread freed; each stage alone, back to back, does not.
    out["the rest (hash, gate, interpretation, result; page faults after an imread)"] = max(
        0.0, out["whole analysis"] - parts
    )
    return out


def run(quick: bool) -> list[Row]:
    from core.analysis import analyze

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    repeats = 3 if quick else 7
    rows: list[Row] = []
    try:
        photos = [
            ("portrait", twelve_megapixel_jpeg()),
            ("16:9 landscape, flat", landscape_jpeg()),
            ("16:9 landscape, textured", textured_landscape_jpeg()),
            ("group photo", group_jpeg()),
        ]
        analyze(twelve_megapixel_jpeg())  # load the detector models once
        for label, path in photos:
            if path is None:
                continue
            stages = profile(path, repeats)
            rows += [Row(NAME, f"12 MP {label}: {k}", v, "ms CPU") for k, v in stages.items()]
            rows.append(
                Row(
                    NAME,
                    f"12 MP {label}: whole / imread, stage by stage",
                    stages["whole analysis"] / stages["plain cv2.imread (the yardstick)"],
                    "x",
                    "<= 2.5",
                )
            )
    finally:
        cv2.setNumThreads(threads)
    return rows
