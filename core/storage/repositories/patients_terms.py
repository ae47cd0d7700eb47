"""What the patient list and the patient editor exchange with their callers, as plain values: the
words to find, the order, which visits; and the conflict an edit can meet.

Kept apart from the query code (no SQL here) so the desktop's screens can offer exactly these
choices, and catch exactly this error, without importing the database layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from core.errors import ConflictError, ValidationError

MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 6


class PatientSort(StrEnum):
    NAME = "name"
    LAST_VISIT = "last_visit"
    """By last visit (``descending``: most recent first); patients never seen come last."""


class VisitWindow(StrEnum):
    ANY = "any"
    LAST_30_DAYS = "last_30_days"
    LAST_12_MONTHS = "last_12_months"
    NOT_IN_12_MONTHS = "not_in_12_months"
    NEVER = "never"


@dataclass(frozen=True)
class PatientQuery:
    """Every word must appear in the first name, the last name or the email (any case, any
    position); ``%``, ``_``, quotes and backslashes are ordinary characters."""

    text: str = ""
    sort: PatientSort = PatientSort.NAME
    descending: bool = False
    visits: VisitWindow = VisitWindow.ANY

    def words(self) -> list[str]:
        if len(self.text) > MAX_SEARCH_CHARS:
            raise ValidationError(f"A search is limited to {MAX_SEARCH_CHARS} characters")
        words = self.text.split()
        if len(words) > MAX_SEARCH_WORDS:
            raise ValidationError(f"A search is limited to {MAX_SEARCH_WORDS} words")
        return words


@dataclass(frozen=True)
class PageCursor:
    """Where the next page starts. A list sorted by visit is walked in two phases (patients with
    visits, in visit order, then those never seen, by name), each from its own offset."""

    phase: int = 0
    offset: int = 0


@dataclass(frozen=True)
class FieldConflict:
    field: str
    yours: Any
    theirs: Any
    clock: str = ""
    """The hybrid logical clock of their change (``core.storage.hlc``)."""
    changed_at: datetime | None = None
    """When they changed it, read from ``clock`` by whoever shows it."""


class EditConflictError(ConflictError):
    """Fields this person changed were also changed by someone else since the form was opened."""

    code = "edit_conflict"

    def __init__(self, conflicts: Sequence[FieldConflict]) -> None:
        names = ", ".join(c.field.replace("_", " ") for c in conflicts)
        super().__init__(
            f"Someone else changed {names} while you were editing. Choose which to keep."
        )
        self.conflicts = tuple(conflicts)
