"""Desktop: search as you type over 100,000 patients and 1,000,000 analyses (the data set
``bench_storage`` builds and caches), and opening a patient with 200 visits to a painted record.

Search: clinicians' keystrokes, each word typed letter by letter (surnames, first names, and email
addresses down to their unique number), through the real services (token check, query, count when
the first page is full), and through the real window: a key event into the search field, Qt's own
event loop, to the table's rows painted, timed stage by stage (hand-over to the database thread,
access check, search, hand-back, model update, paint).
Opening a record: the real window, from the request to the record's widgets filled and painted,
then to every thumbnail shown; 200 visits with full engine results and real JPEG thumbnails.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import skimage.data
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import app.desktop.patients as patient_services
from app.context import AppContext
from app.desktop import access
from app.desktop.services import DesktopServices
from app.kiosk.worker import measure
from bench import Row
from bench.bench_storage import BENCH_KEY, Size, _encrypted_copy, prepare
from core.config import load_settings
from core.storage.database import Database, sqlite_url
from core.storage.repositories import patients, users
from core.storage.repositories.patients_terms import PatientQuery
from core.storage.results import save_analysis
from ui.background import Pools
from ui.desktop.main_window import MainWindow
from ui.desktop.patients.list_page import FIRST_PAGE_SIZE, PatientsPage
from ui.desktop.ports import SessionInfo
from ui.desktop.record.record_page import RecordPage

NAME = "desktop"
PAGE = 200
COUNT_CAP = 1000


def _pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _keystrokes(emails: list[str], *, people: int) -> list[str]:
    """What clinicians type: each patient's surname, first name and email, letter by letter."""
    rng = random.Random(11)
    typed: list[str] = []
    for email in rng.sample(emails[1:], people):
        first, last, _rest = email.split(".", 2)
        for word in (last, f"{last} {first}", email.split("@")[0]):
            typed.extend(word[:n] for n in range(1, len(word) + 1))
    return typed


def _pump(app: Any, seconds: float, until: Any) -> bool:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        app.processEvents()
        if until():
            return True
        time.sleep(0.0005)
    return False


class _Stages(QObject):
    """Timestamps of one keystroke's way to the screen: the key, the query on the database thread
    (its access check, its search), the hand-back, the model's update and the paint."""

    def __init__(self, page: PatientsPage) -> None:
        super().__init__()
        self.page = page
        self.t: dict[str, float] = {}
        self.loop: QEventLoop | None = None
        services = page.ctx.services
        find, replace = services.find_patients, page.model.replace

        def timed_find(*args: Any) -> Any:
            self._mark("query")
            found = find(*args)
            self._mark("rows")
            return found

        def timed_replace(*args: Any, **kwargs: Any) -> bool:
            self._mark("delivered")
            before = list(page.model.rows)
            replaced = replace(*args, **kwargs)
            self._mark("model")
            if replaced and page.model.rows == before:  # nothing new to paint
                self.t["unchanged"] = 1.0
                self._mark("painted")
                self._quit()
            return replaced

        services.find_patients = timed_find  # type: ignore[method-assign, assignment]
        page.model.replace = timed_replace  # type: ignore[method-assign]
        page.table.viewport().installEventFilter(self)

    def _mark(self, name: str) -> None:
        self.t.setdefault(name, time.perf_counter())

    def _quit(self) -> None:
        if self.loop is not None:
            self.loop.quit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and "model" in self.t and "painted" not in self.t:
            QTimer.singleShot(0, self._painted)  # runs once this paint has ended
        return False

    def _painted(self) -> None:
        self._mark("painted")
        self._quit()

    def key(self, app: Any, keys: str) -> dict[str, float] | None:
        """Type ``keys`` into the search; the stage times of its answer (None: no answer)."""
        self.t = {}
        self.loop = QEventLoop()
        QTimer.singleShot(10_000, self.loop.quit)
        self._mark("key")
        QTest.keyClicks(self.page.search, keys)
        if "painted" not in self.t:
            self.loop.exec()
        self.loop = None
        return dict(self.t) if "painted" in self.t else None


STAGES = (
    ("key", "query", "key to the query's start (hand-over to the database thread)"),
    ("query", "checked", "access check (token, account read again)"),
    ("checked", "rows", "search (the page's rows)"),
    ("rows", "delivered", "table lines and hand-back to the UI thread"),
    ("delivered", "model", "model update"),
    ("model", "painted", "paint"),
)


def _typing(app: Any, page: PatientsPage, typed: list[str]) -> list[dict[str, float]]:
    """Type each text as its letters after the text before it (a new word: cleared first)."""
    stages = _Stages(page)
    checked = access.actor

    def timed_actor(*args: Any, **kwargs: Any) -> Any:
        user = checked(*args, **kwargs)
        stages.t.setdefault("checked", time.perf_counter())
        return user

    setattr(patient_services, "actor", timed_actor)  # noqa: B010  (the page's calls, timed)
    try:
        page.search.setFocus()
        samples, last = [], ""
        for text in typed:
            if not text.startswith(last):
                page.search.clear()
                _pump(app, 30, lambda: not page.model.loading)
                _pump(app, 0.2, lambda: False)
                last = ""
            sample = stages.key(app, text[len(last) :])
            last = text
            if sample is not None:
                samples.append(sample)
        return samples
    finally:
        setattr(patient_services, "actor", checked)  # noqa: B010


def _window_rows(name: str, label: str, samples: list[dict[str, float]]) -> list[Row]:
    total = [(s["painted"] - s["key"]) * 1000 for s in samples]
    same = sum(1 for s in samples if "unchanged" in s)
    rows = [
        Row(
            label,
            f"{name}: keystroke to rows painted ({len(samples)} keys, {same} unchanged) p50",
            _pct(total, 50),
            "ms",
        ),
        Row(label, f"{name}: keystroke to rows painted p95", _pct(total, 95), "ms", "<= 50"),
    ]
    slow = sorted(total)[int(len(total) * 0.9)]
    for start, end, what in STAGES:
        spent = [(s[end] - s[start]) * 1000 for s in samples if start in s and end in s]
        in_slow = [
            (s[end] - s[start]) * 1000
            for s, t in zip(samples, total, strict=True)
            if t >= slow and start in s and end in s
        ]
        rows.append(Row(label, f"{name}: {what} p50 / p95", _pct(spent, 50), "ms"))
        rows.append(Row(label, f"{name}:   ... p95", _pct(spent, 95), "ms"))
        rows.append(
            Row(
                label,
                f"{name}:   ... mean in the slowest 10% of keys",
                statistics.mean(in_slow or [0.0]),
                "ms",
            )
        )
    return rows


def _context(data_dir: Path, database: Database) -> AppContext:
    """The app's wiring over an existing database (no backup of the 1 GB file, no migration)."""
    ctx = AppContext(load_settings(data_dir=data_dir, database_url=database.url))
    ctx.__dict__["database"] = database
    return ctx


def _search(size: Size, data_dir: Path, people: int) -> list[Row]:
    """The same keystrokes on the plain file and on its SQLCipher copy (as the app stores it)."""
    seeded = prepare(size)
    typed = _keystrokes(seeded.emails, people=people)
    label = f"desktop: search, {size.users:,} patients, {size.analyses:,} analyses"
    rows: list[Row] = []
    for name, path, key in (
        ("plain SQLite", seeded.path, None),
        ("SQLCipher", _encrypted_copy(seeded.path), BENCH_KEY),
    ):
        with path.open("rb") as warm:  # the file in the OS page cache, as on a busy day
            while warm.read(1 << 24):
                pass
        database = Database(sqlite_url(path), key=key)
        try:
            rows += _search_one(database, data_dir / name, typed, name=name, label=label)
        finally:
            database.dispose()
    return rows


def _search_one(
    database: Database, data_dir: Path, typed: list[str], *, name: str, label: str
) -> list[Row]:
    ctx = _context(data_dir, database)
    services = DesktopServices(ctx)
    with database.read() as db:  # the builder makes one administrator
        (admin,) = users.list_users(db, role="admin", limit=2)
    session = SessionInfo(
        email=admin.email,
        role="admin",
        full_name="Bench Admin",
        user_id=str(admin.user_id),
        token=ctx.auth.issue_token(admin.email),
    )
    load = os.getloadavg()[0]
    rows = [Row(label, f"{name}: load average (1 min) at the start", load, "")]
    for size in (FIRST_PAGE_SIZE, PAGE):
        page_ms, keystroke_ms = [], []
        for text in typed:
            query = PatientQuery(text=text)
            started = time.perf_counter()
            found = services.find_patients(session, query, None, size)
            page_ms.append((time.perf_counter() - started) * 1000)
            if found.next is not None:
                services.count_patients(session, query, COUNT_CAP)
            keystroke_ms.append((time.perf_counter() - started) * 1000)
        rows += [
            Row(
                label,
                f"{name}: first page of {size} (services, {len(typed)} keystrokes) p50",
                _pct(page_ms, 50),
                "ms",
            ),
            Row(
                label,
                f"{name}: first page of {size} (services) p95",
                _pct(page_ms, 95),
                "ms",
                "<= 50",
            ),
            Row(
                label,
                f"{name}: page of {size} + capped count (services) p95",
                _pct(keystroke_ms, 95),
                "ms",
            ),
        ]

    app = QApplication.instance() or QApplication([])
    pools = Pools()
    window = MainWindow(services, pools)
    window.resize(1280, 800)
    window.show()
    window.start()
    _pump(app, 60, lambda: window.stack.currentWidget() is window.login)
    window.open_session(session)  # the token above stands for a signed-in administrator
    assert window.view is not None
    page = window.view.workspace.page("patients")
    assert isinstance(page, PatientsPage)
    _pump(app, 30, lambda: not page.model.loading)
    rows.append(Row(label, f"{name}: load average (1 min) before typing", os.getloadavg()[0], ""))
    samples = _typing(app, page, typed)
    rows.append(Row(label, f"{name}: load average (1 min) after typing", os.getloadavg()[0], ""))
    window.close()
    pools.wait()
    return rows + _window_rows(name, label, samples)


def _record(data_dir: Path, visits: int, runs: int) -> list[Row]:
    ctx = AppContext(load_settings(data_dir=data_dir))
    services = DesktopServices(ctx)
    services.startup()
    ctx.auth.create_first_admin(
        email="ada@clinic.org", first_name="Ada", last_name="Lovelace", password="bench-pass-1"
    )
    face = skimage.data.astronaut()  # type: ignore[no-untyped-call]
    measured = measure(np.ascontiguousarray(face))
    rng = random.Random(5)
    metrics: dict[str, Any] = dict(measured.result["metrics"])  # type: ignore[call-overload]
    with ctx.database.write() as session:
        patient = patients.create(
            session,
            {"first_name": "Many", "last_name": "Visits", "email": "many@example.org"},
            this_year=2026,
        )
        for i in range(visits):
            result = {
                **measured.result,
                "analysis_id": str(uuid.uuid4()),
                "created_at": f"20{10 + i // 12:02d}-{1 + i % 12:02d}-15T10:00:00+00:00",
                "metrics": {k: float(v) + rng.uniform(-5, 5) for k, v in metrics.items()},
            }
            save_analysis(
                session,
                ctx.images,
                result=result,
                user_id=patient.user_id,
                image=measured.jpeg,
                # A distinct file per visit (bytes after the JPEG's end are ignored by decoders).
                thumbnail=measured.thumbnail + i.to_bytes(4, "big"),
            )
        patient_id = str(patient.user_id)
    app = QApplication.instance() or QApplication([])
    pools = Pools()
    window = MainWindow(services, pools)
    window.resize(1920, 1080)
    window.show()
    window.start()
    _pump(app, 60, lambda: window.stack.currentWidget() is window.login)
    window.open_session(services.login("ada@clinic.org", "bench-pass-1"))
    assert window.view is not None
    record = window.view.workspace.page("record")
    assert isinstance(record, RecordPage)
    window.view.workspace.show_page("record")
    painted_ms, thumbs_ms = [], []
    for _ in range(runs):
        record.clear()
        _pump(app, 0.2, lambda: False)
        started = time.perf_counter()
        record.show_patient(patient_id)
        _pump(app, 30, lambda: record.painted)
        window.repaint()  # the record on screen, not only in its widgets
        painted_ms.append((time.perf_counter() - started) * 1000)
        blank = record.timeline.item(0).icon().cacheKey() if record.timeline.count() else 0

        def thumbnails_in(blank: int = blank) -> bool:
            return record.timeline.count() == visits and all(
                record.timeline.item(r).icon().cacheKey() != blank for r in (0, visits - 1)
            )

        _pump(app, 30, thumbnails_in)
        thumbs_ms.append((time.perf_counter() - started) * 1000)
    window.close()
    pools.wait()
    ctx.close()
    label = f"desktop: open a patient with {visits} visits"
    return [
        Row(label, "request to painted record p50", _pct(painted_ms, 50), "ms"),
        Row(label, "request to painted record p95", _pct(painted_ms, 95), "ms", "<= 300"),
        Row(label, "request to every thumbnail shown p50", _pct(thumbs_ms, 50), "ms"),
    ]


def run(quick: bool = False) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    size = Size(10_000, 100_000, 500, 100) if quick else Size(100_000, 1_000_000, 2_000, 200)
    with tempfile.TemporaryDirectory(prefix="skinlab-bench-desktop-") as scratch:
        rows = _search(size, Path(scratch) / "search", people=5 if quick else 20)
        rows += _record(Path(scratch) / "record", visits=200, runs=5 if quick else 20)
    return rows
