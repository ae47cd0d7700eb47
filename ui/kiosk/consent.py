"""Consent: what is stored, for how long, whether it may be synced. Refusing still gives results;
it only means nothing is stored. The text's version is recorded with the answer.

Nothing is ticked at first: keeping the photo is the patient's choice, never a default. A guest is
offered no choice to keep anything (a guest's visit is never kept) and simply continues.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.kiosk.ports import ConsentChoice, ConsentText
from ui.kiosk.widgets import Header, button, card, label


class ConsentScreen(QWidget):
    answered = Signal(object)  # ConsentChoice
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.version = ""
        self.guest = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = Header("Your consent")
        self.back = button("Start over", "ghost")
        self.header.add_action(self.back)
        outer.addWidget(self.header)
        body = QVBoxLayout()
        body.setContentsMargins(96, 20, 96, 24)
        outer.addLayout(body, 1)
        frame, layout = card("card")
        self.title = label("", "cardTitleLarge")
        layout.addWidget(self.title)
        self.paragraphs: list[QLabel] = []
        for _ in range(4):
            text = label("", "consentText")
            self.paragraphs.append(text)
            layout.addWidget(text)
        layout.addSpacing(8)
        self.store = QCheckBox("Keep my photo and results at this clinic")
        self.sync = QCheckBox("Also copy them to the clinic's central server (sync)")
        self.sync.setEnabled(False)
        self.store.toggled.connect(self._store_toggled)
        self.guest_note = label("", "fact")
        self.guest_note.setVisible(False)
        layout.addWidget(self.store)
        layout.addWidget(self.sync)
        layout.addWidget(self.guest_note)
        layout.addStretch(1)
        self.version_label = label("", "fine")
        layout.addWidget(self.version_label)
        body.addWidget(frame, 1)
        body.addSpacing(16)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.refuse = button("Continue without storing anything", "secondary", height=80)
        self.agree = button("I agree, continue", "primary", height=80)
        row.addWidget(self.refuse, 1)
        row.addWidget(self.agree, 1)
        body.addLayout(row)
        self.agree.clicked.connect(self._agree)
        self.refuse.clicked.connect(lambda: self.answered.emit(ConsentChoice(granted=False)))
        self.back.clicked.connect(self.cancelled)

    def show_text(self, text: ConsentText, *, guest: bool = False) -> None:
        self.guest = guest
        for choice in (self.store, self.sync, self.refuse):
            choice.setVisible(not guest)
        self.guest_note.setText(text.guest_note if guest else "")
        self.guest_note.setVisible(guest)
        self.agree.setText("Continue" if guest else "I agree, continue")
        self.version = text.version
        self.title.setText(text.title)
        for widget, paragraph in zip(self.paragraphs, text.paragraphs, strict=False):
            widget.setText(paragraph)
        for widget in self.paragraphs[len(text.paragraphs) :]:
            widget.setText("")
        self.version_label.setText(f"Consent text version {text.version}")

    def _store_toggled(self, on: bool) -> None:
        self.sync.setEnabled(on)
        if not on:
            self.sync.setChecked(False)

    def _agree(self) -> None:
        keep = self.store.isChecked() and not self.guest
        self.answered.emit(
            ConsentChoice(
                granted=True, allow_storage=keep, allow_sync=keep and self.sync.isChecked()
            )
        )

    def clear(self) -> None:
        self.store.setChecked(False)
        self.sync.setChecked(False)
