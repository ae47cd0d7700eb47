"""SkinLab benchmarks. ``python -m bench`` runs every ``bench_*.py`` module and prints one table.

Each module defines ``run(quick: bool) -> list[Row]``. Ratios measured in the same run are the
numbers to compare; absolute times on a shared machine are noisy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    benchmark: str
    metric: str
    value: float
    unit: str
    goal: str = ""

    def passed(self) -> str:
        """'yes'/'no' when the goal is a simple comparison like '<= 2' or '>= 60', else ''."""
        goal = self.goal.strip()
        for op in ("<=", ">="):
            if goal.startswith(op):
                try:
                    limit = float(goal[2:].split()[0])
                except ValueError:
                    return ""
                ok = self.value <= limit if op == "<=" else self.value >= limit
                return "yes" if ok else "no"
        return ""
