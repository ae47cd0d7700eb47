"""Run every benchmark module and print one table: ``python -m bench [--quick] [--only NAME]``."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import sys
import time

import bench
from bench import Row


def _modules(only: str | None) -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")]
    return sorted(n for n in names if only is None or only in n)


def _table(rows: list[Row]) -> str:
    header = ("benchmark", "metric", "value", "unit", "goal", "met")
    body = [(r.benchmark, r.metric, f"{r.value:.4g}", r.unit, r.goal, r.passed()) for r in rows]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *body, strict=False)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in body
    ]
    return "\n".join(lines)


def _load() -> str:
    """The 1, 5 and 15 minute load averages: every timing is read against them."""
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller data sets, for a smoke run")
    parser.add_argument("--only", help="run only benchmark modules whose name contains this")
    args = parser.parse_args()
    rows: list[Row] = []
    load_before = _load()
    for name in _modules(args.only):
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module = importlib.import_module(f"bench.{name}")
        rows.extend(module.run(quick=args.quick))
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} cores, load average {load_before} at the start, {_load()} at the end"
    )
    print(_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
