"""Migration 0007 (patient profile and visits) on a database full of patients' data: nothing lost (an SQLite table rebuild of
``users`` would cascade-delete every analysis), visits counted from what was already there, and
the downgrade returns to the old columns, on both engines."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from core.storage import Database
from core.storage.migrate import MIGRATIONS, upgrade
from core.storage.models import (
    ClinicianNote,
    ConsentRecord,
    PatientVisits,
    SkinAnalysisResult,
    User,
)
from core.storage.repositories import patients
from core.storage.repositories.patients_terms import PatientQuery

MINE = "0007"


def _before() -> str:
    """The revision this migration follows (it moves when others land migrations first)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config).get_revision(MINE)
    assert script is not None and isinstance(script.down_revision, str)
    return script.down_revision


BEFORE = _before()


def _config(conn: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def _at(db: Database, revision: str, *, down: bool = False) -> None:
    with db.connect(write=True) as conn:
        (command.downgrade if down else command.upgrade)(_config(conn), revision)


def _seed_before(db: Database) -> tuple[uuid.UUID, datetime]:
    """One patient with two analyses, a consent and a note, written with plain SQL before this migration."""
    patient = uuid.uuid4()
    now = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)

    def key(value: uuid.UUID) -> object:
        return value.hex if db.is_sqlite else value

    def moment(value: datetime) -> object:
        return value.replace(tzinfo=None) if db.is_sqlite else value

    with db.connect(write=True) as conn:
        conn.execute(
            text(
                "INSERT INTO users (user_id, email, first_name, last_name, is_active, preferences,"
                " role, failed_login_count, created_at, updated_at, hlc, field_clocks) VALUES"
                " (:id, 'zoe@example.org', 'Zoé', 'Martin', :yes, '{}', 'patient', 0, :t, :t,"
                " '', '{}')"
            ),
            {"id": key(patient), "yes": True, "t": moment(now)},
        )
        for days in (0, 90):
            conn.execute(
                text(
                    "INSERT INTO skin_analysis_results (analysis_id, user_id, skin_score,"
                    " conditions, recommendations, routine, metrics, region_metrics, result,"
                    " engine_version, created_at, updated_at, hlc, field_clocks) VALUES"
                    " (:id, :user, 71.5, '[]', '[]', '{}', '{}', '{}', '{}', '1.0.0', :t, :t,"
                    " '', '{}')"
                ),
                {"id": key(uuid.uuid4()), "user": key(patient), "t": moment(now - timedelta(days))},
            )
        conn.execute(
            text(
                "INSERT INTO consent_records (consent_id, user_id, text_version, granted,"
                " allow_storage, allow_sync, recorded_at, created_at, updated_at, hlc,"
                " field_clocks) VALUES (:id, :user, 'v1', :yes, :yes, :yes, :t, :t, :t, '', '{}')"
            ),
            {"id": key(uuid.uuid4()), "user": key(patient), "yes": True, "t": moment(now)},
        )
        conn.execute(
            text(
                "INSERT INTO clinician_notes (note_id, patient_id, body, created_at, updated_at,"
                " hlc, field_clocks) VALUES (:id, :user, 'Dry patches', :t, :t, '', '{}')"
            ),
            {"id": key(uuid.uuid4()), "user": key(patient), "t": moment(now)},
        )
    return patient, now


def _counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (User, SkinAnalysisResult, ConsentRecord, ClinicianNote)
        }


def test_upgrade_keeps_every_row_and_counts_existing_visits(
    database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    try:
        _at(db, BEFORE)
        patient, now = _seed_before(db)
        before = _counts(db)
        upgrade(db, backup_dir=tmp_path / "backups")
        assert (
            _counts(db)
            == before
            == {
                "users": 1,
                "skin_analysis_results": 2,
                "consent_records": 1,
                "clinician_notes": 1,
            }
        )
        with db.read() as session:
            visits = session.get(PatientVisits, patient)
            assert visits is not None and visits.visit_count == 2
            assert visits.last_visit_at == now
            assert visits.first_visit_at == now - timedelta(days=90)
            user = session.get(User, patient)
            assert user is not None
            assert (user.fragrance_free, user.pregnancy, user.sensitive_skin) == (False,) * 3
            assert user.birth_year is None and user.fitzpatrick_type is None
            rows, _ = patients.search(session, PatientQuery(text="MARTIN"), now=now)
            assert [r.user_id for r in rows] == [patient]
    finally:
        db.dispose()


def test_downgrade_keeps_the_rows_too(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    try:
        _at(db, BEFORE)
        _seed_before(db)
        upgrade(db, backup_dir=tmp_path / "backups")
        before = _counts(db)
        _at(db, BEFORE, down=True)
        with db.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM skin_analysis_results")).scalar() == 2
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == before["users"]
        upgrade(db, backup_dir=tmp_path / "backups")
        assert _counts(db) == before
    finally:
        db.dispose()
