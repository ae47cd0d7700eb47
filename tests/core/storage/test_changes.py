"""Every local change to a synced row writes its outbox row in the same transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.storage.models import SyncOutbox, Tombstone, User
from core.storage.repositories import notes, users


def outbox(db):
    with db.read() as session:
        return [
            (r.entity, r.entity_id, r.op)
            for r in session.scalars(select(SyncOutbox).order_by(SyncOutbox.seq))
        ]


def test_insert_update_delete_are_queued_with_clocks(sqlite_db):
    with sqlite_db.write() as session:
        user = users.create(session, email="ada@clinic.org", first_name="Ada", last_name="L")
        user_id = str(user.user_id)
    with sqlite_db.read() as session:
        created = session.scalar(select(User))
        first_clock = created.hlc
        assert set(created.field_clocks) >= {"email", "first_name", "role", "created_at"}
        assert "failed_login_count" not in created.field_clocks  # local-only columns never travel
    with sqlite_db.write() as session:
        session.scalar(select(User)).first_name = "Augusta"
    with sqlite_db.read() as session:
        edited = session.scalar(select(User))
        assert edited.hlc > first_clock
        assert edited.field_clocks["first_name"] == edited.hlc
        assert edited.field_clocks["email"] == first_clock  # untouched columns keep their clock
    with sqlite_db.write() as session:
        session.delete(session.scalar(select(User)))
    assert outbox(sqlite_db) == [
        ("users", user_id, "upsert"),
        ("users", user_id, "upsert"),
        ("users", user_id, "delete"),
    ]
    with sqlite_db.read() as session:
        assert session.scalar(select(Tombstone.entity_id)) == user_id


def test_a_local_only_change_is_not_queued(sqlite_db):
    with sqlite_db.write() as session:
        users.create(session, email="ada@clinic.org", first_name="Ada", last_name="L")
    before = outbox(sqlite_db)
    with sqlite_db.write() as session:
        session.scalar(select(User)).failed_login_count = 3
    assert outbox(sqlite_db) == before


def test_a_rolled_back_change_leaves_no_outbox_row(sqlite_db):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), sqlite_db.write() as session:
        user = users.create(session, email="ada@clinic.org", first_name="Ada", last_name="L")
        notes.add(session, patient_id=user.user_id, author_id=None, body="first visit")
        raise Boom
    assert outbox(sqlite_db) == []
    with sqlite_db.read() as session:
        assert session.scalar(select(User)) is None


def test_remote_writes_are_not_echoed(sqlite_db):
    with sqlite_db.write(remote=True) as session:
        session.add(
            User(
                email="bob@clinic.org",
                first_name="Bob",
                last_name="B",
                hlc="0000000000001-000000-ab",
            )
        )
    assert outbox(sqlite_db) == []
