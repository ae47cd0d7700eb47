"""Dates as the screens write them, in the clinic's local time ("3 Mar 2026", "Mar 2026").

The time zone is read once: ``astimezone()`` with no argument asks the system on every call, and
``strftime`` goes through an import hook under PySide6; a record of 200 visits felt both.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LOCAL: tzinfo | None = datetime.now().astimezone().tzinfo


def short_date(moment: datetime) -> str:
    local = moment.astimezone(LOCAL)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def month_year(moment: datetime) -> str:
    local = moment.astimezone(LOCAL)
    return f"{MONTHS[local.month - 1]} {local.year}"


def date_time(moment: datetime) -> str:
    local = moment.astimezone(LOCAL)
    return f"{short_date(local)}, {local.hour:02d}:{local.minute:02d}"
