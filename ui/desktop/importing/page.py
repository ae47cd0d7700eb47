"""Import photos from other cameras: drop files or a folder (or choose them), pick the patient,
check the visit dates, import. The analysis runs in worker processes on every core; this page only
hears one small event per file, so the window stays responsive whatever the batch size."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ui.desktop.context_types import PageContextLike
from ui.desktop.importing.file_model import ImportFiles
from ui.desktop.importing.patient_picker import PatientPicker
from ui.desktop.importing.ports import (
    ImportEvent,
    ImportFinished,
    ImportHandle,
    ImportPort,
    ImportProgress,
    ImportRequest,
    PatientChoice,
)
from ui.widgets.basics import label, named

PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.webp *.tif *.tiff *.bmp);;All files (*)"


def time_left(seconds: float | None) -> str:
    if seconds is None:
        return "estimating the time left…"
    if seconds < 5:
        return "a few seconds left"
    minutes, secs = divmod(round(seconds), 60)
    if minutes == 0:
        return f"about {secs} s left"
    if minutes < 60:
        return f"about {minutes} min {secs:02d} s left"
    return f"about {minutes // 60} h {minutes % 60:02d} min left"


class _Events(QObject):
    """Carries the import's events from its background thread to the UI thread (queued)."""

    arrived = Signal(object)


class _Running:
    """The running import, kept outside the page so the page's end can cancel it."""

    handle: ImportHandle | None = None

    def cancel(self, *_: Any) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None


class ImportPage(QWidget):
    def __init__(self, ctx: PageContextLike) -> None:
        super().__init__()
        self.ctx = ctx
        self.services: ImportPort = ctx.services
        self.setAcceptDrops(True)
        self.files = ImportFiles()
        self.running = _Running()
        self.destroyed.connect(self.running.cancel)  # signing out stops this person's import
        self._events = _Events(self)
        self._events.arrived.connect(self._on_event)

        title = label("Import photos", "title")
        intro = label(
            "Photos from other cameras, analysed on every core in the background and saved to "
            "the patient's visits. The visit date is the camera's (EXIF) when the photo has one, "
            "else the file's time; change it in the table before importing.",
            "subtitle",
            wrap=True,
        )
        self.picker = PatientPicker(self._search)
        self.picker.chosen.connect(lambda _p: self._refresh())
        who = QHBoxLayout()
        who.addWidget(label("Patient", "sectionTitle"))
        who.addWidget(self.picker, 1)

        drop = named(QFrame(), "panel")
        drop_layout = QHBoxLayout(drop)
        self.drop_hint = label("Drop photos or a folder here, or", "muted")
        self.add_files = named(QPushButton("Add photos…"), "secondary")
        self.add_folder = named(QPushButton("Add a folder…"), "secondary")
        self.clear_button = named(QPushButton("Clear the list"), "secondary")
        for widget in (self.drop_hint, self.add_files, self.add_folder):
            drop_layout.addWidget(widget)
        drop_layout.addStretch(1)
        drop_layout.addWidget(self.clear_button)

        self.table = QTableView()
        self.table.setModel(self.files)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 260)
        self.table.setColumnWidth(1, 150)
        self.table.setColumnWidth(2, 120)

        dates = QHBoxLayout()
        self.all_dates = QDateTimeEdit(QDateTime.currentDateTime())
        self.all_dates.setCalendarPopup(True)
        self.all_dates.setDisplayFormat("dd MMM yyyy HH:mm")
        self.apply_dates = named(QPushButton("Use this date for every photo"), "secondary")
        dates.addWidget(label("Visit date for all:", "muted"))
        dates.addWidget(self.all_dates)
        dates.addWidget(self.apply_dates)
        dates.addStretch(1)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.eta = label("", "muted")
        self.cancel_button = named(QPushButton("Cancel"), "secondary")
        self.cancel_button.setVisible(False)
        self.start_button = named(QPushButton("Import"), "primary")
        self.start_button.setMinimumHeight(36)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.eta)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.start_button)
        self.status = label("", "notice", wrap=True)
        self.status.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for item in (title, intro):
            layout.addWidget(item)
        layout.addLayout(who)
        layout.addWidget(drop)
        layout.addWidget(self.table, 1)
        layout.addLayout(dates)
        layout.addWidget(self.status)
        layout.addLayout(bottom)

        self.add_files.clicked.connect(self._choose_files)
        self.add_folder.clicked.connect(self._choose_folder)
        self.clear_button.clicked.connect(self._clear)
        self.apply_dates.clicked.connect(self._apply_all_dates)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        ctx.link(ctx.commands.import_photos, self._open_from_menu)
        self._refresh()

    # -- choosing files --------------------------------------------------------------------------
    def _open_from_menu(self) -> None:
        self.ctx.workspace.show_page("import")
        self._choose_files()

    def open_for(self, patient: PatientChoice) -> None:
        """Import for ``patient`` (e.g. from their record)."""
        self.ctx.workspace.show_page("import")
        self.picker.set_patient(patient)

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import photos", "", PHOTO_FILTER)
        self.add_paths([Path(n) for n in names])

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of photos")
        if folder:
            self.add_paths([Path(folder)])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.running.handle is None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.add_paths(paths)

    def add_paths(self, paths: list[Path]) -> None:
        """Read the files' dates in the background, then list them."""
        if not paths or self.running.handle is not None:
            return
        self._say("Reading the photos' dates…")
        session = self.ctx.session
        self.ctx.runner.work(
            lambda: self.services.scan_import(session, paths), self._scanned, self._failed
        )

    def _scanned(self, candidates: list[Any]) -> None:
        added = self.files.add(candidates)
        skipped = sum(1 for c in candidates if c.problem)
        text = f"{added} file{'s' if added != 1 else ''} added."
        if skipped:
            text += f" {skipped} {'is' if skipped == 1 else 'are'} not a photo and will be skipped."
        self._say(text)
        self._refresh()

    def _clear(self) -> None:
        self.files.clear()
        self._say("")
        self._refresh()

    def _apply_all_dates(self) -> None:
        when = self.all_dates.dateTime().toPython()
        if isinstance(when, datetime):
            self.files.set_all_dates(when)

    def _search(self, text: str, done: Any) -> None:
        session = self.ctx.session
        self.ctx.runner.db(lambda: self.services.find_import_patients(session, text), done)

    # -- running ---------------------------------------------------------------------------------
    def start(self) -> None:
        patient = self.picker.patient
        items = tuple(self.files.importable())
        if patient is None:
            self._say("Choose the patient these photos belong to.", error=True)
            return
        if not items:
            self._say("Add photos to import first.", error=True)
            return
        self.files.mark([i.path for i in items], "analysing")
        self.files.editable = False
        self.progress.setRange(0, len(items))
        self.progress.setValue(0)
        self.eta.setText(time_left(None))
        self._set_running(True)
        self._say(
            f"Importing {len(items)} photo{'s' if len(items) != 1 else ''} for {patient.name}…"
        )
        request = ImportRequest(patient=patient, items=items)
        session = self.ctx.session
        events = self._events

        def listener(event: ImportEvent) -> None:
            if isValid(events):
                events.arrived.emit(event)

        self.ctx.runner.work(
            lambda: self.services.start_import(session, request, listener),
            self._started,
            self._start_failed,
        )

    def _started(self, handle: ImportHandle) -> None:
        if self.running.handle is None and self.cancel_button.isVisible():
            self.running.handle = handle
        else:  # cancelled before it had started
            handle.cancel()

    def _start_failed(self, exc: BaseException) -> None:
        self.files.unfinished_to("ready")
        self._finish_ui()
        self._failed(exc)

    def cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.eta.setText("cancelling…")
        self.running.cancel()

    def _on_event(self, event: ImportEvent) -> None:
        if isinstance(event, ImportProgress):
            self.files.settle(event.outcome)
            self.progress.setValue(event.done)
            self.progress.setFormat(f"{event.done} of {event.total}")
            self.eta.setText(time_left(event.eta_seconds))
        elif isinstance(event, ImportFinished):
            self.running.handle = None
            self.files.unfinished_to("not_done")
            self._finish_ui()
            failed = self.files.failures()
            text = event.message
            skipped = len(failed) - event.failed  # refused when added, never sent to the import
            if skipped > 0:
                text += f" {skipped} other file{'s were' if skipped != 1 else ' was'} not a photo."
            if failed:
                text += " See why in the list."
            self._say(text, error=event.ending == "stopped")

    def _finish_ui(self) -> None:
        self.files.editable = True
        self.eta.setText("")
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        for widget in (self.add_files, self.add_folder, self.clear_button, self.picker):
            widget.setEnabled(not running)
        self._refresh()

    @property
    def is_running(self) -> bool:
        return self.cancel_button.isVisible()

    # -- showing ---------------------------------------------------------------------------------
    def _refresh(self) -> None:
        ready = self.files.count("ready")
        self.start_button.setText(f"Import {ready} photo{'s' if ready != 1 else ''}")
        self.start_button.setEnabled(
            not self.is_running and ready > 0 and self.picker.patient is not None
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setObjectName("error" if error else "notice")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _failed(self, exc: BaseException) -> None:
        message = getattr(exc, "message", None) or f"Something went wrong ({type(exc).__name__})."
        self._say(str(message), error=True)


def build_import(ctx: PageContextLike) -> QWidget:
    return ImportPage(ctx)
