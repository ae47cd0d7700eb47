"""Validation on real labelled faces: ``../shared/data/faces-age`` (302 UTKFace crops with apparent
age and group; research use only, never copied into the repository or shipped).

Reports, like a paper's table: Spearman's rho with age of every measure and of the skin score; the
median ITA per group and how well ITA separates the groups (Kruskal-Wallis epsilon squared, and the
probability that a face of the lighter group reads lighter, for each pair of neighbouring groups);
the quality pass rate per group; the share of photos analysed. ``python -m bench.bench_validation``
prints the full table; ``python -m bench --only validation`` gives the goal rows. Results are cached
per engine version in ``bench/.data`` so that re-printing the table is free.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import os
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scipy import stats  # type: ignore[import-untyped]

from bench import Row

DATA = Path(__file__).resolve().parent / ".data"
FACES_AGE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "faces-age"
NAME = "validation"
GROUPS = {0: "White", 1: "Black", 2: "Asian", 3: "Indian"}
FRAMING = ("centring",)
"""The framing check: these 200 px crops cut the top of the forehead of most faces."""
"""UTKFace's own coding of its ``race`` label."""


@dataclass(frozen=True)
class Face:
    file: str
    age: int
    group: int
    result: dict[str, Any] | None
    """The engine's JSON, or None when the photo was refused."""


def analyse_all(folder: Path = FACES_AGE, *, limit: int | None = None) -> list[Face]:
    """Every labelled face analysed once per engine version (cached in bench/.data)."""
    from core.analysis import ENGINE_VERSION, AnalysisInputError, analyze

    rows = list(csv.DictReader((folder / "labels.csv").open(encoding="utf-8")))
    if limit:
        rows = rows[:: max(1, len(rows) // limit)][:limit]
    cache_path = DATA / f"faces-age-{ENGINE_VERSION}.json"
    cached: dict[str, Any] = {}
    if cache_path.exists() and not limit:
        cached = json.loads(cache_path.read_text(encoding="utf-8"))
    faces = []
    for index, row in enumerate(rows, start=1):
        name = row["file"]
        if name not in cached:
            try:
                cached[name] = analyze(folder / name).to_json()
            except AnalysisInputError as exc:
                cached[name] = {"error": exc.code}
            if index % 25 == 0:
                print(f"  {index}/{len(rows)} faces", file=sys.stderr, flush=True)
        result = cached[name]
        faces.append(
            Face(name, int(row["age"]), int(row["race"]), None if "error" in result else result)
        )
    if not limit:
        DATA.mkdir(parents=True, exist_ok=True)
        cache_path.write_text(json.dumps(cached), encoding="utf-8")
    return faces


def measured(result: dict[str, Any], name: str) -> float | None:
    """A measure's level, or None when the engine declined it for this photo."""
    entry = result.get("measures", {}).get(name, {})
    if entry.get("measured", True) is False or "level" not in entry:
        return None
    return float(entry["level"])


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    if len(xs) < 3 or len(set(xs)) < 2:
        return float("nan")
    return float(stats.spearmanr(xs, ys).statistic)


def age_correlations(faces: list[Face], names: Sequence[str]) -> dict[str, tuple[float, int]]:
    """Spearman's rho of each measure (and the skin score) with age, over faces where measured."""
    out: dict[str, tuple[float, int]] = {}
    analysed = [f for f in faces if f.result is not None]
    for name in names:
        pairs = [(v, f.age) for f in analysed if (v := measured(f.result or {}, name)) is not None]
        out[name] = (spearman([p[0] for p in pairs], [p[1] for p in pairs]), len(pairs))
    scores = [(float(f.result["skin_score"]), f.age) for f in analysed if f.result]
    out["skin_score"] = (spearman([s[0] for s in scores], [s[1] for s in scores]), len(scores))
    return out


def ita_by_group(faces: list[Face]) -> dict[int, list[float]]:
    groups: dict[int, list[float]] = {g: [] for g in GROUPS}
    for face in faces:
        tone = (face.result or {}).get("skin_tone", {})
        if tone.get("measured", True) and "ita_deg" in tone:
            groups[face.group].append(float(tone["ita_deg"]))
    return groups


def ita_separation(groups: dict[int, list[float]]) -> tuple[float, list[tuple[str, float]]]:
    """Kruskal-Wallis epsilon squared (0 = no separation, 1 = complete) and, for each pair of
    groups neighbouring in median ITA, the probability that the lighter group's face reads lighter
    (the area under the ROC curve, from the Mann-Whitney U statistic)."""
    samples = [v for v in groups.values() if len(v) >= 2]
    n = sum(len(v) for v in samples)
    h = float(stats.kruskal(*samples).statistic) if len(samples) >= 2 else 0.0
    epsilon2 = h / ((n * n - 1) / (n + 1)) if n > 1 else 0.0
    order = sorted((g for g in groups if groups[g]), key=lambda g: -statistics.median(groups[g]))
    pairs = []
    for lighter, darker in itertools.pairwise(order):
        u = stats.mannwhitneyu(groups[lighter], groups[darker]).statistic
        auc = float(u) / (len(groups[lighter]) * len(groups[darker]))
        pairs.append((f"{GROUPS[lighter]} > {GROUPS[darker]}", auc))
    return epsilon2, pairs


def _passes(result: dict[str, Any] | None, ignore: tuple[str, ...]) -> bool:
    if result is None:
        return False
    checks = result["quality"]["checks"]
    return all(c["status"] != "fail" for name, c in checks.items() if name not in ignore)


def pass_rates(faces: list[Face], ignore: tuple[str, ...] = ()) -> dict[int, float]:
    """Share (%) of each group's photos whose quality check passes (refused photos count as fails),
    optionally leaving some checks out (``centring``: these crops cut every forehead by design)."""
    out = {}
    for group in GROUPS:
        members = [f for f in faces if f.group == group]
        ok = sum(1 for f in members if _passes(f.result, ignore))
        out[group] = 100.0 * ok / len(members) if members else float("nan")
    return out


def _spread(rates: dict[int, float]) -> float:
    return max(rates.values()) - min(rates.values())


def halves(faces: list[Face]) -> dict[str, list[Face]]:
    """A fixed split for checking that a change is not tuned noise: even and odd rows of
    ``labels.csv``. Calibrate on one half, read the other; a real effect moves both."""
    return {"even": faces[0::2], "odd": faces[1::2]}


def split_table(faces: list[Face]) -> list[str]:
    """The goal metrics on each half, and the rho of the unrounded physical value beside the
    level's (levels are rounded to 0.1, and the saturating curve's flat start ties faint ones)."""
    names = ("wrinkles", "pigmentation")
    lines = [
        "| metric | whole set | even rows | odd rows |",
        "|---|---|---|---|",
    ]
    parts = {"whole set": faces, **halves(faces)}
    for name in names:
        level = [f"{age_correlations(p, (name,))[name][0]:.4f}" for p in parts.values()]
        value = [f"{value_correlation(p, name):.4f}" for p in parts.values()]
        lines.append(f"| rho({name}, age), level | " + " | ".join(level) + " |")
        lines.append(f"| rho({name}, age), unrounded value | " + " | ".join(value) + " |")
    spread = [f"{_spread(pass_rates(p, ignore=FRAMING)):.1f}" for p in parts.values()]
    lines.append(
        "| quality pass-rate spread, framing aside (points) | " + " | ".join(spread) + " |"
    )
    return lines


def value_correlation(faces: list[Face], name: str) -> float:
    """Spearman's rho with age of a measure's physical value (monotonic in its level)."""
    pairs = [
        (float(f.result["measures"][name]["value"]), f.age)
        for f in faces
        if f.result is not None and measured(f.result, name) is not None
    ]
    return spearman([p[0] for p in pairs], [p[1] for p in pairs])


def report(faces: list[Face]) -> str:
    """The validation table, in Markdown, as docs/analysis.md shows it."""
    from core.analysis import METRIC_NAMES

    analysed = [f for f in faces if f.result is not None]
    lines = [
        f"faces: {len(faces)}; analysed: {len(analysed)} ({100 * len(analysed) / len(faces):.1f} %)",
        "",
        "| measure | Spearman rho with age | faces measured |",
        "|---|---|---|",
    ]
    for name, (rho, n) in age_correlations(faces, METRIC_NAMES).items():
        lines.append(f"| {name} | {rho:+.2f} | {n} |")
    groups = ita_by_group(faces)
    rates = pass_rates(faces)
    framed = pass_rates(faces, ignore=FRAMING)
    lines += [
        "",
        "| group | faces | median ITA (deg) | quality passes | passes, framing aside |",
        "|---|---|---|---|---|",
    ]
    for group, label in GROUPS.items():
        members = sum(1 for f in faces if f.group == group)
        median = statistics.median(groups[group]) if groups[group] else math.nan
        lines.append(
            f"| {label} | {members} | {median:.1f} | {rates[group]:.1f} % | {framed[group]:.1f} % |"
        )
    epsilon2, pairs = ita_separation(groups)
    lines += [
        "",
        f"ITA separation of the groups: Kruskal-Wallis epsilon squared {epsilon2:.2f}; "
        + "; ".join(f"P({p}) = {auc:.2f}" for p, auc in pairs),
        f"quality pass-rate spread across groups: {_spread(rates):.1f} points "
        f"({_spread(framed):.1f} framing aside)",
        "",
        *split_table(faces),
    ]
    return "\n".join(lines)


def run(quick: bool) -> list[Row]:
    if not FACES_AGE.is_dir():
        print(f"  {FACES_AGE} not found: validation skipped", file=sys.stderr)
        return []
    faces = analyse_all(limit=60 if quick else None)
    analysed = [f for f in faces if f.result is not None]
    rhos = age_correlations(faces, ("wrinkles", "pigmentation"))
    rates = pass_rates(faces, ignore=FRAMING)
    epsilon2, _pairs = ita_separation(ita_by_group(faces))
    label = f"faces-age ({len(faces)} faces)"
    return [
        Row(NAME, f"{label}: rho(wrinkles, age)", rhos["wrinkles"][0], "", ">= 0.75"),
        Row(NAME, f"{label}: rho(pigmentation, age)", rhos["pigmentation"][0], "", ">= 0.45"),
        Row(
            NAME,
            f"{label}: quality pass-rate spread across groups (framing aside)",
            _spread(rates),
            "points",
            "<= 5",
        ),
        Row(NAME, f"{label}: analysed", 100.0 * len(analysed) / len(faces), "%", ">= 97"),
        Row(NAME, f"{label}: ITA epsilon squared across groups", epsilon2, ""),
    ]


if __name__ == "__main__":
    os.nice(10)
    print(report(analyse_all(limit=int(sys.argv[1]) if len(sys.argv) > 1 else None)))
