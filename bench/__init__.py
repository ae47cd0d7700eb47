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
        """'yes'/'no' when the goal is '<= 2', '>= 60' or a range '0.8-1.25', else ''."""
        goal = self.goal.strip()
        low, sep, high = goal.partition("-")
        if sep and low and high:
            try:
                return "yes" if float(low) <= self.value <= float(high) else "no"
            except ValueError:
                return ""
        for op in ("<=", ">="):
            if goal.startswith(op):
                try:
                    limit = float(goal[2:].split()[0])
                except ValueError:
                    return ""
                ok = self.value <= limit if op == "<=" else self.value >= limit
                return "yes" if ok else "no"
        return ""
