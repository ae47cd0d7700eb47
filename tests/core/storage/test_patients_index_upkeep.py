"""The patients' trigram index over time: an erased patient leaves nothing in its tables (read
through SQL, on a plain and on an SQLCipher file, and as raw bytes on the plain file); ids stay in
name order when a gap runs out; the migration fills it from the patients already there."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from core.privacy.actor import DEVICE_OWNER
from core.privacy.erasure import erase_patient
from core.storage import Database, ImageStore
from core.storage.database import sqlite_url
from core.storage.migrate import MIGRATIONS, upgrade
from core.storage.repositories import patients, users
from core.storage.repositories.patients_terms import PatientQuery
from tests.helpers.scan import scan_for_leaks

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
KEY = hashlib.sha256(b"index upkeep test key").digest()
ERASED = ("Zqxwvj", "Kplmnbq", "zqxwvj.kplmnbq@example.org")


def _count(db: Database, words: str) -> int:
    with db.read() as session:
        return patients.count(session, PatientQuery(text=words), now=NOW)


def _add(db: Database, first: str, last: str, email: str) -> uuid.UUID:
    with db.write() as session:
        return users.create(
            session, email=email, first_name=first, last_name=last, role="patient"
        ).user_id


def _tables(db: Database) -> dict[str, Any]:
    """Everything the index holds, without the parts that only count writes (the structure
    record, id 10, numbers segments by how many were ever written)."""
    with db.read() as session:

        def rows(sql: str) -> list[Any]:
            return sorted(tuple(r) for r in session.execute(text(sql)))

        return {
            "data": rows("SELECT block FROM patient_search_data WHERE id != 10"),
            "idx": rows("SELECT term, pgno FROM patient_search_idx"),
            "docsize": rows("SELECT id, sz FROM patient_search_docsize"),
            "rows": rows("SELECT id, last_name, first_name, search_key FROM patient_search_rows"),
            "terms": rows("SELECT term, doc FROM patient_search_terms"),
        }


def _clinic(path: Path, key: bytes | None, *, erased_too: bool) -> Database:
    db = Database(sqlite_url(path), key=key)
    upgrade(db, backup_dir=path.parent / "backups")
    _add(db, "Ada", "Lovelace", "ada@example.org")
    _add(db, "Grace", "Hopper", "grace@example.org")
    if erased_too:
        _add(db, *ERASED)
    return db


@pytest.mark.parametrize("encrypted", [False, True])
def test_an_erased_patient_leaves_nothing_in_the_index(tmp_path: Path, encrypted: bool) -> None:
    key = KEY if encrypted else None
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    erased = _clinic(tmp_path / "a" / "skinlab.db", key, erased_too=True)
    never = _clinic(tmp_path / "b" / "skinlab.db", key, erased_too=False)
    try:
        assert _count(erased, "zqxw") == 1
        erase_patient(erased, ImageStore(tmp_path / "images"), actor=DEVICE_OWNER, email=ERASED[2])
        with never.write() as session:  # the same single-segment shape as after the erasure
            session.execute(text("INSERT INTO patient_search(patient_search) VALUES('optimize')"))
        assert _count(erased, "zqxw") == 0
        assert _tables(erased) == _tables(never), "as if the patient had never been there"
        with erased.read() as session:
            found = session.scalars(text("SELECT term FROM patient_search_terms")).all()
        assert not {"zqx", "qxw", "xwv", "wvj", "kpl", "plm"} & set(found)
    finally:
        erased.dispose()
        never.dispose()
    if not encrypted:  # the raw bytes too, once the log is folded into the file
        conn = sqlite3.connect(tmp_path / "a" / "skinlab.db")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        leaks = scan_for_leaks([tmp_path / "a"], secrets=ERASED, owner_only=False)
        assert leaks == []
        assert b"lovelace" in (tmp_path / "a" / "skinlab.db").read_bytes()  # the scan can see


def test_ids_stay_in_name_order_when_a_gap_runs_out(sqlite_db: Database) -> None:
    _add(sqlite_db, "First", "A", "a@example.org")
    _add(sqlite_db, "Last", "Z", "z@example.org")
    # Each name sorts just before the previous one: every insert halves the same gap, so the
    # ids must be spread out again (about 60 halvings are possible).
    for n in range(80, 0, -1):
        _add(sqlite_db, "Mid", "B" + "a" * n, f"b{n}@example.org")
    rng = random.Random(3)
    for n in range(40):
        _add(sqlite_db, rng.choice("xy"), rng.choice(["A", "B", "Ba", "Q"]), f"r{n}@example.org")
    with sqlite_db.read() as session:
        ids = session.execute(
            text("SELECT last_name, first_name, user_id FROM patient_search_rows ORDER BY id")
        ).all()
        session.execute(
            text("INSERT INTO patient_search(patient_search) VALUES('integrity-check')")
        )
        state = session.scalar(text("SELECT count(*) FROM patient_search_state"))
    assert [tuple(r) for r in ids] == sorted(tuple(r) for r in ids) and len(ids) == 122
    assert state == 0
    assert _count(sqlite_db, "mid") == 80
    assert _count(sqlite_db, "ba") == sum(1 for r in ids if "ba" in r[0].lower()) > 80


def test_the_migration_indexes_the_patients_already_there(
    sqlite_db: Database, tmp_path: Path
) -> None:
    for n, name in enumerate(("Okafor", "Garcia", "Nguyen")):
        _add(sqlite_db, "Ana", name, f"ana{n}@example.org")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with sqlite_db.connect(write=True) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    with sqlite_db.read() as session:
        left = session.scalars(
            text("SELECT name FROM sqlite_master WHERE name LIKE 'patient_search%'")
        )
        assert list(left) == []
    upgrade(sqlite_db, backup_dir=tmp_path / "backups")
    with sqlite_db.read() as session:
        names = session.scalars(text("SELECT last_name FROM patient_search_rows ORDER BY id"))
        assert list(names) == ["Garcia", "Nguyen", "Okafor"]
        rows, _ = patients.search(session, PatientQuery(text="ana"), now=NOW)
    assert [r.last_name for r in rows] == ["Garcia", "Nguyen", "Okafor"]
