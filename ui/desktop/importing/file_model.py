"""The files of an import, one row each: name, visit date (editable), where the date came from,
and what happened to the file. A table model, so a folder of thousands of photos is one widget."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from ui.desktop.importing.ports import DateSource, FileOutcome, ImportCandidate, ImportItem

State = Literal["ready", "not_photo", "analysing", "saved", "failed", "not_done"]
HEADERS: Final = ("File", "Visit date", "Date from", "Result")
FILE, DATE, SOURCE, RESULT = range(4)
SOURCE_WORDS: Final = {"exif": "Camera (EXIF)", "file": "File time", "edited": "Edited"}
STATE_WORDS: Final = {
    "ready": "Ready",
    "not_photo": "Not imported",
    "analysing": "Analysing…",
    "saved": "Saved",
    "failed": "Not imported",
    "not_done": "Not imported (stopped)",
}
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class FileRow:
    path: Path
    visit: datetime | None
    source: DateSource
    state: State
    message: str = ""
    analysis_id: str = ""

    @property
    def result_text(self) -> str:
        word = STATE_WORDS[self.state]
        return f"{word}: {self.message}" if self.message else word


class ImportFiles(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[FileRow] = []
        self._row_of: dict[Path, int] = {}
        self.editable = True

    # -- filling -------------------------------------------------------------------------------
    def add(self, candidates: list[ImportCandidate]) -> int:
        """Append files not listed yet; return how many were added."""
        fresh = [c for c in candidates if c.path not in self._row_of]
        if not fresh:
            return 0
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, c in enumerate(fresh):
            state: State = "not_photo" if c.problem else "ready"
            self.rows.append(FileRow(c.path, c.taken, c.source, state, c.problem))
            self._row_of[c.path] = first + offset
        self.endInsertRows()
        return len(fresh)

    def clear(self) -> None:
        self.beginResetModel()
        self.rows.clear()
        self._row_of.clear()
        self.endResetModel()

    def importable(self) -> list[ImportItem]:
        return [
            ImportItem(r.path, r.visit, r.source)
            for r in self.rows
            if r.state == "ready" and r.visit is not None
        ]

    def count(self, *states: State) -> int:
        return sum(1 for r in self.rows if r.state in states)

    def mark(self, paths: list[Path], state: State) -> None:
        for path in paths:
            self._update(path, state=state, message="")

    def settle(self, outcome: FileOutcome) -> None:
        self._update(
            outcome.path,
            state="saved" if outcome.ok else "failed",
            message=outcome.message,
            analysis_id=outcome.analysis_id,
        )

    def unfinished_to(self, state: State) -> None:
        for row in self.rows:
            if row.state == "analysing":
                self._update(row.path, state=state, message="")

    def failures(self) -> list[FileRow]:
        return [r for r in self.rows if r.state in ("failed", "not_photo")]

    def _update(self, path: Path, **changes: Any) -> None:
        row = self._row_of.get(path)
        if row is None:
            return
        self.rows[row] = replace(self.rows[row], **changes)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    # -- the model -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == FILE:
                return row.path.name
            if column == DATE:
                return f"{row.visit:%d %b %Y %H:%M}" if row.visit else ""
            if column == SOURCE:
                return SOURCE_WORDS[row.source] if row.visit else ""
            return row.result_text
        if role == Qt.ItemDataRole.EditRole and column == DATE and row.visit is not None:
            return QDateTime.fromMSecsSinceEpoch(round(row.visit.timestamp() * 1000))
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(row.path) if column == FILE else row.result_text
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if (
            self.editable
            and index.isValid()
            and index.column() == DATE
            and self.rows[index.row()].state == "ready"
        ):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != DATE:
            return False
        when = value.toPython() if isinstance(value, QDateTime) else value
        if not isinstance(when, datetime):
            return False
        row = self.rows[index.row()]
        self.rows[index.row()] = replace(row, visit=when.astimezone(), source="edited")
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), RESULT))
        return True

    def set_all_dates(self, when: datetime) -> None:
        """The same visit date for every file still to import (a session's photos)."""
        for i, row in enumerate(self.rows):
            if row.state == "ready":
                self.rows[i] = replace(row, visit=when.astimezone(), source="edited")
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, RESULT))
