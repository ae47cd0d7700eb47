"""Under a table of changes between visits: which changes are not shown as real or noise, and why
(the two photos measured different skin, ``core.analysis.comparison``). One line per reason,
naming the measures it affects, since a hidden forehead usually affects most of them."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRectF

from ui.reports.layout import Ink, Sheet


def lines(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """(label, why) pairs -> "Not compared (Oiliness, Redness): the forehead measured only at..."."""
    by_reason: dict[str, list[str]] = {}
    for label, why in pairs:
        by_reason.setdefault(why, []).append(label)
    return [f"Not compared ({', '.join(labels)}): {why}." for why, labels in by_reason.items()]


def draw(sheet: Sheet, y: float, pairs: Iterable[tuple[str, str]], *, size: float = 7.2) -> float:
    """The lines, wrapped to the page's width, from ``y``; returns where the next block starts."""
    for line in lines(pairs):
        y += sheet.text(
            QRectF(sheet.margin, y, sheet.content_width, 60), line, size=size, colour=Ink.MUTED
        )
        y += 2
    return y
