"""The patient list as a Qt model over pages of a query: rows arrive a page at a time as the view
scrolls (``canFetchMore``/``fetchMore``), so 100,000 patients cost only the rows looked at.

The model never touches the database: it asks for the next page with ``more_wanted`` and the page
that owns it answers with :meth:`append`, tagged with the generation it was asked for, so a page
of an older search can never land in a newer one.

A new search keeps the rows on screen until its first page arrives, then :meth:`replace` changes
only what differs (no reset: the view repaints once, not blank then full). Each row's six texts
are made once, with :func:`lines` (which may run off the UI thread), because painting asks
``data`` for about seven roles of every visible cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from core.storage.repositories.patients_terms import PatientSort
from ui.desktop.ports import PatientRow
from ui.desktop.text import fitzpatrick_numeral, short_date

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Name", "Email", "Born", "Fitzpatrick", "Last visit", "Visits")
SORTABLE = {0: PatientSort.NAME, 4: PatientSort.LAST_VISIT}
ID_ROLE = Qt.ItemDataRole.UserRole
CENTRED = frozenset({2, 3, 5})
# Plain ints: compared for every role of every painted cell.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_ID = int(ID_ROLE.value)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter.value)


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the table as shown: the patient's id and the six cells' texts."""

    user_id: str
    cells: tuple[str, ...]


def lines(rows: tuple[PatientRow, ...]) -> tuple[Line, ...]:
    """The rows as the table shows them (plain Python: safe on the database thread)."""
    return tuple(
        Line(row.user_id, tuple(_cell(row, c) for c in range(len(COLUMNS)))) for row in rows
    )


class PatientTableModel(QAbstractTableModel):
    more_wanted = Signal()
    sort_wanted = Signal(object, bool)  # PatientSort, descending

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Line] = []
        self.generation = 0
        self.has_more = False
        self.loading = False

    # -- filling ---------------------------------------------------------------------------------
    def restart(self) -> int:
        """Start a new query (its rows replace these when they come); returns the generation its
        pages must carry."""
        self.generation += 1
        self.has_more = False
        self.loading = True
        return self.generation

    def replace(self, generation: int, rows: tuple[Line, ...], *, more: bool) -> bool:
        """Show the first page asked for by ``generation`` in place of the rows on screen,
        changing only the rows that differ; a page of an older query is dropped."""
        if generation != self.generation:
            return False
        self.loading = False
        self.has_more = more
        old, new = len(self.rows), len(rows)
        if new < old:
            self.beginRemoveRows(QModelIndex(), new, old - 1)
            del self.rows[new:]
            self.endRemoveRows()
        changed = [r for r in range(min(old, new)) if self.rows[r] != rows[r]]
        self.rows[: min(old, new)] = rows[: min(old, new)]
        if changed:
            last = len(COLUMNS) - 1
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], last))
        if new > old:
            self.beginInsertRows(QModelIndex(), old, new - 1)
            self.rows.extend(rows[old:])
            self.endInsertRows()
        return True

    def append(self, generation: int, rows: tuple[Line, ...], *, more: bool) -> bool:
        """Add a later page asked for by ``generation``; a page of an older query is dropped."""
        if generation != self.generation:
            return False
        self.loading = False
        self.has_more = more
        if rows:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        return True

    def failed(self, generation: int) -> None:
        if generation == self.generation:
            self.loading = False
            self.has_more = False

    # -- Qt's model interface ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.has_more and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self.loading = True
            self.more_wanted.emit()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY:
            row = index.row()
            return self.rows[row].cells[index.column()] if 0 <= row < len(self.rows) else None
        if role == _ALIGN:
            return _CENTRE if index.column() in CENTRED else None
        if role == _ID:
            row = index.row()
            return self.rows[row].user_id if 0 <= row < len(self.rows) else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column in SORTABLE:
            self.sort_wanted.emit(SORTABLE[column], order == Qt.SortOrder.DescendingOrder)


def _cell(row: PatientRow, column: int) -> str:
    if column == 0:
        return f"{row.last_name}, {row.first_name}"
    if column == 1:
        return row.email
    if column == 2:
        return str(row.birth_year) if row.birth_year else ""
    if column == 3:
        return fitzpatrick_numeral(row.fitzpatrick_type)
    if column == 4:
        return short_date(row.last_visit) if isinstance(row.last_visit, datetime) else "Never"
    return str(row.visits)
