"""Resolution sweep: how far each measure moves when the same face is photographed smaller.

Each shared portrait whose eyes are at least 115 px apart is reduced (area-averaged, as a camera's
sensor does) to a series of interocular distances and saved as a JPEG (quality 90, as a camera frame
is), then analysed. For every measure and size the table gives the largest difference, over the
faces, from the face at its full size. The measure floors in ``core/analysis/needs.py`` are set from
this table (``docs/analysis.md``, "Measure floors"): a measure is reported only at sizes where it
stays within a few points of the full-size answer.
``python -m bench.bench_resolution`` prints the table; ``python -m bench --only resolution`` gives
the goal row (the largest move at or above each measure's floor).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from bench import Row

SHARED_FACES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "faces"
NAME = "resolution"
PORTRAITS = (
    "biden.jpg",
    "biden_biden2.jpg",
    "dlib_Tom_Cruise_avp_2014_4.jpg",
    "lin-manuel-miranda.png",
    "rose_leslie_img1.jpg",
    "rose_leslie_img2.jpg",
)
SIZES = (30, 40, 48, 56, 64, 72, 84, 100)


def _jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    ok, data = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def _levels(result: Any) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name, entry in result.measures.items():
        out[name] = float(entry["level"]) if entry.get("measured", True) else None
    return out


def sweep(sizes: tuple[int, ...] = SIZES) -> dict[str, dict[int, list[float | None]]]:
    """measure -> size -> per-face difference from the full-size answer (None: not measured)."""
    from core.analysis import analyze

    table: dict[str, dict[int, list[float | None]]] = {}
    for name in PORTRAITS:
        path = SHARED_FACES / name
        if not path.exists():
            continue
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            continue
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        full = analyze(rgb)
        reference = _levels(full)
        iod = float(full.face["interocular_px"])
        for size in sizes:
            if size >= iod:
                continue
            factor = size / iod
            small = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            levels = _levels(analyze(_jpeg(small)))
            for metric, level in levels.items():
                ref = reference.get(metric)
                diff = None if level is None or ref is None else level - ref
                table.setdefault(metric, {}).setdefault(size, []).append(diff)
        print(f"  {name} done", file=sys.stderr, flush=True)
    return table


def worst(diffs: list[float | None]) -> float | None:
    values = [abs(d) for d in diffs if d is not None]
    return max(values) if values else None


def report(table: dict[str, dict[int, list[float | None]]]) -> str:
    sizes = sorted({s for row in table.values() for s in row})
    lines = [
        "| measure | " + " | ".join(f"{s} px" for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for metric, row in table.items():
        cells = []
        for size in sizes:
            value = worst(row.get(size, []))
            cells.append("n/m" if value is None else f"{value:.1f}")
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(quick: bool) -> list[Row]:
    if not SHARED_FACES.is_dir():
        return []
    table = sweep((40, 64, 84) if quick else SIZES)
    reported = [w for row in table.values() for diffs in row.values() if (w := worst(diffs))]
    return [
        Row(
            NAME,
            "largest move of a reported measure vs. full size (shared portraits)",
            max(reported, default=0.0),
            "points",
        )
    ]


if __name__ == "__main__":
    os.nice(10)
    print(report(sweep()))
