"""Repeatability: SEM and MDC95 of every measure from retakes of the shared portraits.

The protocol is :mod:`core.analysis.retest` (pose within 3 degrees, position, exposure within 5 %,
white balance, noise, JPEG quality, the other decoder); the faces are
:data:`core.analysis.repeatability.MEASURED_ON`. ``python -m bench.bench_repeatability`` prints
the table for docs/analysis.md and the constants to paste into ``core/analysis/repeatability.py``
(the table at the portraits' own sizes, and one per smaller eye distance);
``tests/core/analysis/test_analysis_mdc.py`` recomputes it and compares with what ships.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from bench import Row

SHARED_FACES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "faces"
NAME = "repeatability"
SCORE = "skin_score"
"""The skin score's key in the tables (``core.vocabulary.SKIN_SCORE``)."""


def photos() -> list[np.ndarray]:
    from core.analysis.repeatability import MEASURED_ON

    out = []
    for name in MEASURED_ON:
        bgr = cv2.imread(str(SHARED_FACES / name), cv2.IMREAD_COLOR)
        if bgr is not None:
            out.append(np.ascontiguousarray(bgr[:, :, ::-1]))
    return out


def levels(source: bytes | np.ndarray, leave_out: tuple[str, ...] = ()) -> dict[str, float | None]:
    from core.analysis import analyze

    result = analyze(source, leave_out=dict.fromkeys(leave_out, "left out"))
    return {
        name: float(entry["level"]) if entry["measured"] else None
        for name, entry in result.measures.items()
    }


def table() -> dict[str, tuple[float, int]]:
    from core.analysis import METRIC_NAMES
    from core.analysis.retest import retest_table

    return retest_table(photos(), levels, METRIC_NAMES)


def eye_distance(rgb: np.ndarray) -> float:
    from core.analysis import analyze

    return float(analyze(rgb).scale["interocular_px"])


def size_table(target_px: int, names: Sequence[str] = ()) -> dict[str, tuple[float, int]]:
    """The same retakes with every portrait scaled down to ``target_px`` between the eyes (those
    smaller already are left out): how the spread grows as the face gets smaller. ``names``: only
    those measures (default: all)."""
    from core.analysis import METRIC_NAMES
    from core.analysis.retest import retest_table, scaled_to

    small = [scaled_to(rgb, eye_distance(rgb), target_px) for rgb in photos()]
    kept = [s for s in small if s is not None]
    return retest_table(kept, levels, tuple(names) or METRIC_NAMES)


def near_floor_report() -> str:
    """:data:`~core.analysis.repeatability.MDC95_NEAR_FLOOR` recomputed, as the constant to paste."""
    from core.analysis.repeatability import MDC95_NEAR_FLOOR
    from core.analysis.retest import mdc95

    tables = {
        name: {at: round(mdc95(size_table(at, (name,))[name][0]), 1) for at in sizes}
        for name, sizes in MDC95_NEAR_FLOOR.items()
    }
    return "MDC95_NEAR_FLOOR = " + repr(tables)


FACES_AGE = SHARED_FACES.parent / "faces-age"


def crops() -> list[np.ndarray]:
    """Every :data:`~core.analysis.repeatability.CROPS_STEP`-th faces-age crop (validation data:
    read from the shared folder, never copied or shipped)."""
    from core.analysis.repeatability import CROPS_STEP

    out = []
    for path in sorted(FACES_AGE.glob("*.jpg"))[::CROPS_STEP]:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is not None:
            out.append(np.ascontiguousarray(bgr[:, :, ::-1]))
    return out


def readings(source: bytes | np.ndarray) -> dict[str, tuple[float, frozenset[str]] | None]:
    """Each measure's level and the regions it was read from, and the skin score with what it
    rests on (:func:`score_seen`); empty when no face is found."""
    from core.analysis import analyze
    from core.analysis.errors import AnalysisInputError

    try:
        result = analyze(source)
    except AnalysisInputError:
        return {}
    return {
        **{
            name: (float(entry["level"]), frozenset(entry.get("regions", {})))
            if entry["measured"]
            else None
            for name, entry in result.measures.items()
        },
        SCORE: (float(result.skin_score), score_seen(result.to_json())),
    }


def crops_table(*, with_score: bool = False) -> dict[str, tuple[float, int]]:
    """The retakes of small, compressed real faces (faces-age crops, 62-89 px between the eyes),
    counting only the retakes that read each measure from the same regions, as a comparison
    does: the spread of a small photo as cameras and files really give it. ``with_score``: the
    skin score's too (:data:`SCORE`), from the same analyses, counting the retakes whose score a
    comparison would judge (the same measures, each from the same regions)."""
    from core.analysis import METRIC_NAMES
    from core.analysis.retest import same_skin_table

    names = (*METRIC_NAMES, SCORE) if with_score else METRIC_NAMES
    return same_skin_table(crops(), readings, names)


def part_table(left_out: tuple[str, ...]) -> dict[str, tuple[float, int]]:
    """The same retakes read with ``left_out`` regions left out of every measure, as a
    like-for-like comparison of two visits reads them: the spread of a level taken from part of
    the face."""
    from core.analysis import METRIC_NAMES
    from core.analysis.retest import retest_table

    return retest_table(photos(), partial(levels, leave_out=left_out), METRIC_NAMES)


def part_report() -> str:
    """The tables with each of :data:`~core.analysis.repeatability.PARTS` left out, as the
    constant to paste into ``core/analysis/repeatability.py``."""
    from core.analysis.repeatability import PARTS
    from core.analysis.retest import mdc95

    tables = {}
    for part in PARTS:
        rows = part_table(part)
        tables[part] = {n: round(mdc95(s), 1) for n, (s, count) in rows.items() if count}
    return "MDC95_BY_PART = " + repr(tables)


def score_seen(result: Mapping[str, Any], *, regions: bool = True) -> frozenset[str]:
    """What a skin score rests on: the measures it uses and, with ``regions``, the regions each
    was read from. Two scores are compared only when both are equal
    (``core.analysis.comparison.score_difference``)."""
    from core.analysis.result import region_levels

    return frozenset(
        f"{name}/{region}"
        for name in result.get("skin_score_uses") or ()
        for region in ["", *(region_levels(result, str(name)) if regions else ())]
    )


def score_reading(
    source: bytes | np.ndarray, leave_out: tuple[str, ...] = ()
) -> dict[str, tuple[float, frozenset[str]] | None]:
    """The skin score and the measures it uses (:func:`score_seen` without regions); empty when
    no face is found."""
    from core.analysis import analyze
    from core.analysis.errors import AnalysisInputError

    try:
        result = analyze(source, leave_out=dict.fromkeys(leave_out, "left out"))
    except AnalysisInputError:
        return {}
    return {SCORE: (float(result.skin_score), score_seen(result.to_json(), regions=False))}


def score_table(left_out: tuple[str, ...] = ()) -> tuple[float, int]:
    """The score's SEM over the retakes of the shared portraits whose score uses the same measures
    as the original's (``left_out``: read like for like without those regions, as
    :func:`part_table`) and the faces it counts. As :func:`table` counts a measure's retakes
    whatever regions they read, so this counts the score's; a retake whose score left out a
    measure is another score, as a retake that did not measure a measure counts for none."""
    from core.analysis.retest import same_skin_table

    reading = partial(score_reading, leave_out=left_out)
    return same_skin_table(photos(), reading, [SCORE])[SCORE]


def score_size_table(target_px: int) -> tuple[float, int]:
    """The score's SEM with the portraits scaled down to ``target_px`` between the eyes, as
    :func:`score_table` (and :func:`size_table` for the measures)."""
    from core.analysis.retest import same_skin_table, scaled_to

    small = [scaled_to(rgb, eye_distance(rgb), target_px) for rgb in photos()]
    return same_skin_table([s for s in small if s is not None], score_reading, [SCORE])[SCORE]


def score_crops_table() -> tuple[float, int]:
    """The score's SEM over the faces-age crops' retakes whose score a comparison would judge, as
    :func:`crops_table` counts the measures'."""
    return crops_table(with_score=True)[SCORE]


def score_report() -> str:
    """The skin score's tables, as the constants to paste into ``core/analysis/repeatability.py``."""
    from core.analysis.repeatability import BY_EYES_AT, PARTS
    from core.analysis.retest import mdc95

    def mdc(row: tuple[float, int]) -> float:
        print(f"SEM {row[0]:.3f} over {row[1]} faces: MDC95 {mdc95(row[0]):.2f}")
        return round(mdc95(row[0]), 1)

    by_eyes = {at: mdc(score_size_table(at)) for at in BY_EYES_AT}
    by_part = {part: mdc(score_table(part)) for part in PARTS}
    return "\n".join(
        [
            f"SCORE_MDC95 = {mdc(score_table())!r}",
            f"SCORE_MDC95_BY_EYES = {by_eyes!r}",
            f"SCORE_MDC95_BY_PART = {by_part!r}",
            f"SCORE_MDC95_CROPS = {mdc(score_crops_table())!r}",
        ]
    )


def report(rows: dict[str, tuple[float, int]]) -> str:
    from core.analysis.retest import mdc95

    lines = ["| measure | faces | SEM (points) | MDC95 (points) |", "|---|---|---|---|"]
    for name, (sem, n) in rows.items():
        lines.append(f"| {name} | {n} | {sem:.2f} | {mdc95(sem):.1f} |")
    lines.append("")
    lines.append("SEM = " + repr({n: round(s, 2) for n, (s, _) in rows.items()}))
    lines.append("MDC95 = " + repr({n: round(mdc95(s), 1) for n, (s, _) in rows.items()}))
    return "\n".join(lines)


def run(quick: bool) -> list[Row]:
    from core.analysis.retest import mdc95

    if not SHARED_FACES.is_dir():
        return []
    from core.analysis.repeatability import BY_EYES_AT, MDC95_NEAR_FLOOR, PARTS

    out = [
        Row(NAME, f"MDC95 {name} ({n} faces)", mdc95(sem), "points", "<= 6")
        for name, (sem, n) in table().items()
    ]
    for eyes in () if quick else BY_EYES_AT:
        out += [
            Row(NAME, f"MDC95 {name} at {eyes} px ({n} faces)", mdc95(sem), "points", "<= 6")
            for name, (sem, n) in size_table(eyes).items()
            if n
        ]
    for name, sizes in {} if quick else MDC95_NEAR_FLOOR.items():
        for eyes in sizes:
            sem, n = size_table(eyes, (name,))[name]
            out.append(
                Row(NAME, f"MDC95 {name} at {eyes} px ({n} faces)", mdc95(sem), "points", "<= 6")
            )
    if not quick and FACES_AGE.is_dir():
        out += [
            Row(NAME, f"MDC95 {name} on faces-age crops ({n} faces)", mdc95(sem), "points", "")
            for name, (sem, n) in crops_table().items()
            if n
        ]
    for part in () if quick else PARTS:
        without = " and ".join(part)
        out += [
            Row(NAME, f"MDC95 {name} without {without} ({n} faces)", mdc95(sem), "points", "")
            for name, (sem, n) in part_table(part).items()
            if n
        ]
    return out


def size_report() -> str:
    """The per-size tables as the constant to paste into ``core/analysis/repeatability.py``."""
    from core.analysis.repeatability import BY_EYES_AT
    from core.analysis.retest import mdc95

    tables = {}
    for target in BY_EYES_AT:
        rows = size_table(target)
        tables[target] = {n: round(mdc95(s), 1) for n, (s, count) in rows.items() if count}
    return "MDC95_BY_EYES = " + repr(tables)


if __name__ == "__main__":
    from core.analysis.retest import mdc95

    os.nice(10)
    print(report(table()))
    print(size_report())
    print(near_floor_report())
    print(part_report())
    crop_rows = crops_table()
    print("MDC95_CROPS = " + repr({n: round(mdc95(s), 1) for n, (s, c) in crop_rows.items() if c}))
    print(score_report())
