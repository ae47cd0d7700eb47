"""The migrated schema, read back from the database itself (not from the models), on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CHAR, Integer, Uuid, inspect

from core.storage import Database, check_db_health
from core.storage.migrate import current_revision, head_revision, upgrade
from core.storage.models import Base, included_on, is_modelled

# Every column of the seed backend's models, plus what the issue adds to them.
SEED_USER_COLUMNS = {
    "user_id",
    "email",
    "first_name",
    "last_name",
    "hashed_password",
    "age",
    "skin_type",
    "is_active",
    "preferences",
    "profile_picture_url",
    "last_login",
    "created_at",
    "updated_at",
}
ADDED_USER_COLUMNS = {"role", "failed_login_count", "locked_until"}
SEED_ANALYSIS_COLUMNS = {
    "analysis_id",
    "user_id",
    "skin_score",
    "hydration_level",
    "oiliness_level",
    "elasticity_level",
    "pore_size",
    "skin_type_detected",
    "conditions",
    "recommendations",
    "routine",
    "analysis_duration_seconds",
    "confidence_score",
    "created_at",
    "updated_at",
}
ADDED_ANALYSIS_COLUMNS = {"region_metrics", "engine_version", "image_sha256"}
DEVICE_TABLES = (
    "users",
    "skin_analysis_results",
    "audit_events",
    "consent_records",
    "clinician_notes",
)
# Rows a device creates that may travel to other devices (local queues are not among them).
DATA_TABLES = (*DEVICE_TABLES, "tombstones", "images")


def _columns(db: Database, table: str) -> dict[str, dict[str, object]]:
    return {c["name"]: dict(c) for c in inspect(db.engine).get_columns(table)}


def test_users_table_has_every_seed_column(db: Database) -> None:
    missing = (SEED_USER_COLUMNS | ADDED_USER_COLUMNS) - set(_columns(db, "users"))
    assert not missing


def test_analysis_table_has_every_seed_column(db: Database) -> None:
    missing = (SEED_ANALYSIS_COLUMNS | ADDED_ANALYSIS_COLUMNS) - set(
        _columns(db, "skin_analysis_results")
    )
    assert not missing


def test_email_is_unique_and_required_in_the_schema(db: Database) -> None:
    inspector = inspect(db.engine)
    unique_sets = [tuple(u["column_names"]) for u in inspector.get_unique_constraints("users")]
    unique_sets += [tuple(i["column_names"]) for i in inspector.get_indexes("users") if i["unique"]]
    assert ("email",) in unique_sets
    assert _columns(db, "users")["email"]["nullable"] is False


def test_image_reference_points_at_content_addressed_images(db: Database) -> None:
    keys = inspect(db.engine).get_foreign_keys("skin_analysis_results")
    image_keys = [k for k in keys if k["constrained_columns"] == ["image_sha256"]]
    assert image_keys and image_keys[0]["referred_table"] == "images"
    assert image_keys[0]["referred_columns"] == ["sha256"]


def test_device_tables_have_uuid_keys_not_autoincrement(db: Database) -> None:
    inspector = inspect(db.engine)
    for table in (*DEVICE_TABLES, "tombstones"):
        pk = inspector.get_pk_constraint(table)["constrained_columns"]
        assert len(pk) == 1, table
        column_type = _columns(db, table)[pk[0]]["type"]
        if db.is_sqlite:
            # SQLAlchemy's Uuid is stored as 32 hex characters on SQLite.
            assert isinstance(column_type, CHAR) and column_type.length == 32, table
        else:
            assert isinstance(column_type, Uuid), table


def test_no_data_table_has_an_integer_primary_key(db: Database) -> None:
    inspector = inspect(db.engine)
    for table in DATA_TABLES:
        columns = _columns(db, table)
        for name in inspector.get_pk_constraint(table)["constrained_columns"]:
            assert not isinstance(columns[name]["type"], Integer), f"{table}.{name}"


def test_every_data_table_records_created_and_updated_times(db: Database) -> None:
    for table in DATA_TABLES:
        columns = _columns(db, table)
        for name in ("created_at", "updated_at"):
            assert name in columns, f"{table}.{name}"
            assert columns[name]["nullable"] is False, f"{table}.{name}"


@pytest.mark.postgres
def test_postgres_keeps_timestamps_with_their_time_zone(postgres_url: str, tmp_path: Path) -> None:
    # SQLite has no zone-aware type; there the column type converts (see the rows tests).
    db = Database(postgres_url)
    try:
        upgrade(db, backup_dir=tmp_path)
        for table in DEVICE_TABLES:
            for name in ("created_at", "updated_at"):
                assert _columns(db, table)[name]["type"].timezone is True, f"{table}.{name}"
    finally:
        db.dispose()


def test_latest_analyses_query_has_an_index(db: Database) -> None:
    indexes = inspect(db.engine).get_indexes("skin_analysis_results")
    assert any(i["column_names"][:2] == ["user_id", "created_at"] for i in indexes)


def test_migration_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": is_modelled,
                "include_object": included_on(db.dialect),
            },
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_fresh_database_is_at_head_and_healthy(db: Database) -> None:
    assert current_revision(db) == head_revision()
    report = check_db_health(db)
    assert report.ok, report.problems
    assert report.status == "healthy"
    assert report.revision == report.head == head_revision()
    assert report.problems == []
