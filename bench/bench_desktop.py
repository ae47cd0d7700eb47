"""Desktop: search as you type over 100,000 patients and 1,000,000 analyses (the data set
``bench_storage`` builds and caches), and opening a patient with 200 visits to a painted record.

Search: clinicians' keystrokes, each word typed letter by letter (surnames, first names, and email
addresses down to their unique number), through the real services (token check, query, count when
the first page is full), and through the real window (keystroke to rows in the table model).
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
from PySide6.QtWidgets import QApplication

from app.context import AppContext
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
from ui.desktop.patients.list_page import PatientsPage
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
            page_ms, keystroke_ms, window_ms = _search_one(database, data_dir / name, typed)
        finally:
            database.dispose()
        rows += [
            Row(
                label,
                f"{name}: first page of {PAGE} (services, {len(typed)} keystrokes) p50",
                _pct(page_ms, 50),
                "ms",
            ),
            Row(label, f"{name}: first page (services) p95", _pct(page_ms, 95), "ms", "<= 50"),
            Row(label, f"{name}: page + capped count (services) p95", _pct(keystroke_ms, 95), "ms"),
            Row(label, f"{name}: keystroke to rows in the window p50", _pct(window_ms, 50), "ms"),
            Row(
                label,
                f"{name}: keystroke to rows in the window p95",
                _pct(window_ms, 95),
                "ms",
                "<= 50",
            ),
        ]
    return rows


def _search_one(
    database: Database, data_dir: Path, typed: list[str]
) -> tuple[list[float], list[float], list[float]]:
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
    page_ms, keystroke_ms = [], []
    for text in typed:
        query = PatientQuery(text=text)
        started = time.perf_counter()
        found = services.find_patients(session, query, None, PAGE)
        page_ms.append((time.perf_counter() - started) * 1000)
        if found.next is not None:
            services.count_patients(session, query, COUNT_CAP)
        keystroke_ms.append((time.perf_counter() - started) * 1000)

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
    window_ms = []
    for text in typed[: len(typed) // 2]:
        page.search.setText(text)
        started = time.perf_counter()
        page.reload()  # what the typing pause triggers
        _pump(app, 30, lambda: not page.model.loading)
        window_ms.append((time.perf_counter() - started) * 1000)
    window.close()
    pools.wait()
    return page_ms, keystroke_ms, window_ms


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
