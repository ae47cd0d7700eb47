"""Under a table of changes between visits: why some changes are not shown as real or noise (the
two photos measured different skin, ``core.analysis.comparison``). One line per reason, since a
hidden forehead usually affects most measures alike."""

from __future__ import annotations

from collections.abc import Iterable

from ui.reports.chrome import footnote
from ui.reports.layout import Sheet


def lines(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """(label, why) pairs -> "Not compared: chin measured only at...". The rows above already mark
    which measures were not compared, so the measures are named only when there are several
    reasons: "Not compared (Oiliness, Redness): ..."."""
    by_reason: dict[str, list[str]] = {}
    for label, why in pairs:
        by_reason.setdefault(why, []).append(label)
    if len(by_reason) == 1:
        return [f"Not compared: {why}." for why in by_reason]
    return [f"Not compared ({', '.join(labels)}): {why}." for why, labels in by_reason.items()]


def draw(sheet: Sheet, y: float, pairs: Iterable[tuple[str, str]], *, size: float = 7.2) -> float:
    """The lines as footnotes from ``y``; returns where the next block starts."""
    for line in lines(pairs):
        y = footnote(sheet, line, top=y, size=size)
    return y
