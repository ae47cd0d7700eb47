"""How the desktop writes dates, counts and scale steps. Formatting only: words for measures, skin
types and the like come from ``core.vocabulary`` through the services."""

from __future__ import annotations

from datetime import datetime

from ui.widgets import dates

ROMAN = ("I", "II", "III", "IV", "V", "VI")


def fitzpatrick_numeral(value: int | None) -> str:
    """Fitzpatrick phototypes are written I-VI; unknown is blank."""
    return ROMAN[value - 1] if value is not None and 1 <= value <= 6 else ""


def short_date(moment: datetime | None) -> str:
    """A date in the clinic's local time, e.g. "3 Mar 2026"; blank when there is none."""
    return "" if moment is None else dates.short_date(moment)


def date_time(moment: datetime | None) -> str:
    return "" if moment is None else dates.date_time(moment)


def count_text(count: int, noun: str, *, capped: bool = False) -> str:
    """ "1 patient", "2,345 patients", "10,000+ patients"."""
    plural = noun if count == 1 and not capped else f"{noun}s"
    return f"{count:,}{'+' if capped else ''} {plural}"
