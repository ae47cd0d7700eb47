"""The patient list as a Qt model over pages of a query: rows arrive a page at a time as the view
scrolls (``canFetchMore``/``fetchMore``), so 100,000 patients cost only the rows looked at.

The model never touches the database: it asks for the next page with ``more_wanted`` and the page
that owns it answers with :meth:`append`, tagged with the generation it was asked for, so a page
of an older search can never land in a newer one.
"""

from __future__ import annotations

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


class PatientTableModel(QAbstractTableModel):
    more_wanted = Signal()
    sort_wanted = Signal(object, bool)  # PatientSort, descending

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[PatientRow] = []
        self.generation = 0
        self.has_more = False
        self.loading = False

    # -- filling ---------------------------------------------------------------------------------
    def restart(self) -> int:
        """Empty the list for a new query; returns the generation its pages must carry."""
        self.beginResetModel()
        self.rows = []
        self.generation += 1
        self.has_more = False
        self.loading = True
        self.endResetModel()
        return self.generation

    def append(self, generation: int, rows: tuple[PatientRow, ...], *, more: bool) -> bool:
        """Add a page asked for by ``generation``; a page of an older query is dropped."""
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

    def clear(self) -> None:
        self.restart()
        self.loading = False

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

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == ID_ROLE:
            return row.user_id
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (2, 3, 5):
            return int(Qt.AlignmentFlag.AlignCenter)
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
