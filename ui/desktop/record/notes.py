"""Clinician notes: newest first, each with its author and time; a new note is added below the
list. Append-only: a correction is a new note, so there is nothing to edit or delete."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.desktop.ports import NoteView
from ui.desktop.text import date_time
from ui.widgets.basics import label, named

MAX_CHARS = 20_000


class NotesPanel(QWidget):
    add = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSpacing(6)
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.empty = label("No notes yet.", "muted")
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Add a note (kept as written, with your name and the time)")
        self.editor.setFixedHeight(84)
        self.button = named(QPushButton("Add note"), "primary")
        self.button.setEnabled(False)
        self.error = label("", "error", wrap=True)
        self.error.setVisible(False)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.editor)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.may_write = False
        self.editor.textChanged.connect(self._changed)
        self.button.clicked.connect(self._submit)

    def set_notes(self, notes: Sequence[NoteView], *, may_write: bool) -> None:
        self.list.clear()
        for note in notes:
            self.list.addItem(self._item(note))
        self.empty.setVisible(not notes)
        self.may_write = may_write
        self.editor.setReadOnly(not may_write)
        self._changed()

    def prepend(self, note: NoteView) -> None:
        self.list.insertItem(0, self._item(note))
        self.empty.setVisible(False)
        self.editor.clear()
        self.error.setVisible(False)

    def _item(self, note: NoteView) -> QListWidgetItem:
        item = QListWidgetItem(f"{note.author} · {date_time(note.written_at)}\n{note.body}")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    def _changed(self) -> None:
        text = self.editor.toPlainText().strip()
        self.button.setEnabled(self.may_write and 0 < len(text) <= MAX_CHARS)

    def _submit(self) -> None:
        self.button.setEnabled(False)
        self.add.emit(self.editor.toPlainText())

    def failed(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)
        self._changed()

    def clear(self) -> None:
        self.list.clear()
        self.editor.clear()
        self.error.setVisible(False)
