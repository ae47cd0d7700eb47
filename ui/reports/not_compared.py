"""Under a table of changes between visits: why some changes are not shown as real or noise (the
two photos measured different skin, ``core.analysis.comparison``), and which were read again like
for like on the skin both showed. One line per reason, since a hidden forehead usually affects
most measures alike."""

from __future__ import annotations

from collections.abc import Iterable

from ui.reports.chrome import footnote
from ui.reports.layout import Sheet

NOT_COMPARED = "Not compared"
READ_AGAIN_MARK = "*"
"""Beside a change read like for like; the footnote under the table says what that means."""
LIKE_FOR_LIKE = f"{READ_AGAIN_MARK} Like for like"


def lines(pairs: Iterable[tuple[str, str]], lead: str = NOT_COMPARED) -> list[str]:
    """(label, why) pairs -> "Not compared: chin measured only at...". The rows above already mark
    which measures were not compared, so the measures are named only when there are several
    reasons: "Not compared (Oiliness, Redness): ..."."""
    by_reason: dict[str, list[str]] = {}
    for label, why in pairs:
        by_reason.setdefault(why, []).append(label)
    if len(by_reason) == 1:
        return [f"{lead}: {why}." for why in by_reason]
    return [f"{lead} ({', '.join(labels)}): {why}." for why, labels in by_reason.items()]


def like_for_like_lines(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """(label, what was left out) pairs of the changes read again on the skin both photos showed
    -> "Like for like: both photos read again without the chin, which only one of them showed."."""
    read = (
        (label, f"both photos read again {where}, which only one of them showed")
        for label, where in pairs
    )
    return lines(read, LIKE_FOR_LIKE)


def draw(
    sheet: Sheet,
    y: float,
    pairs: Iterable[tuple[str, str]],
    *,
    size: float = 7.2,
    read_again: Iterable[tuple[str, str]] = (),
) -> float:
    """The lines as footnotes from ``y`` (``read_again``: the changes read like for like, first);
    returns where the next block starts."""
    for line in [*like_for_like_lines(read_again), *lines(pairs)]:
        y = footnote(sheet, line, top=y, size=size)
    return y
