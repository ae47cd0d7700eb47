"""Erasure, export and consent withdrawal on real databases (SQLite and PostgreSQL) and files."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.cache import DiskCache, photo_group
from core.errors import PermissionDeniedError, ValidationError
from core.mail import queue_email
from core.privacy.actor import DEVICE_OWNER, Actor, UnknownPatientError
from core.privacy.erasure import erase_patient, withdraw_consent
from core.privacy.erasure_log import ErasureLog
from core.privacy.export import export_patient
from core.storage import Database, ImageStore
from core.storage.models import (
    AuditEvent,
    ConsentRecord,
    EmailMessage,
    SkinAnalysisResult,
    Tombstone,
    User,
)
from core.storage.repositories import analyses, consents, users
from core.storage.results import save_analysis

PHOTO = b"\xff\xd8\xff\xe0" + b"photo" * 200


def _patient(db: Database, store: ImageStore, email: str = "jane@example.org") -> uuid.UUID:
    with db.write() as session:
        user = users.create(
            session, email=email, first_name="Jane", last_name="Doe", role="patient"
        )
        consents.record(
            session,
            user_id=user.user_id,
            text_version="v1",
            granted=True,
            allow_storage=True,
            allow_sync=True,
        )
        save_analysis(
            session,
            store,
            result={
                "analysis_id": str(uuid.uuid4()),
                "metrics": {"redness": 10.0},
                "skin_score": 70,
            },
            user_id=user.user_id,
            image=PHOTO + email.encode(),
            thumbnail=b"thumb" + email.encode(),
        )
        queue_email(
            session,
            store,
            to=email,
            subject="Report",
            body="x",
            attachment_name="r.pdf",
            attachment=b"%PDF-1.7 " + email.encode(),
        )
        return user.user_id


def test_erasure_removes_every_trace_and_is_listed_and_audited(
    db: Database, tmp_path: Path
) -> None:
    store = ImageStore(tmp_path / "images")
    cache = DiskCache(tmp_path / "cache")
    for email in ("jane@example.org", "other@example.org"):  # as the engine caches a photo
        digest = hashlib.sha256(PHOTO + email.encode()).hexdigest()
        cache.set(f"analysis:{digest}", {"of": email}, group=photo_group(digest))
    log = ErasureLog(tmp_path / "erasures.log")
    jane, other = _patient(db, store), _patient(db, store, "other@example.org")
    report = erase_patient(
        db, store, actor=DEVICE_OWNER, email="JANE@example.org", erasure_log=log, cache=cache
    )
    assert (report.user_id, report.analyses, report.images, report.emails) == (jane, 1, 3, 1)
    with db.read() as session:
        assert session.get(User, jane) is None
        for model, column in (
            (SkinAnalysisResult, SkinAnalysisResult.user_id),
            (ConsentRecord, ConsentRecord.user_id),
        ):
            assert (
                session.scalar(select(func.count()).select_from(model).where(column == jane)) == 0
            )
        assert session.scalar(select(func.count()).select_from(EmailMessage)) == 1
        assert session.scalar(select(Tombstone).where(Tombstone.entity_id == str(jane))) is not None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "patient_erased"))
        assert event is not None and event.target_id == str(jane)
        assert "jane" not in json.dumps(event.details).lower()
        assert len(analyses.latest_for_user(session, other)) == 1
    assert len(store.digests()) == 3  # the other patient's photo, thumbnail and PDF
    jane_photo = hashlib.sha256(PHOTO + b"jane@example.org").hexdigest()
    other_photo = hashlib.sha256(PHOTO + b"other@example.org").hexdigest()
    assert cache.get(f"analysis:{jane_photo}") is None, "her results are not kept in the cache"
    assert cache.get(f"analysis:{other_photo}") == {"of": "other@example.org"}, "others' stay"
    assert log.user_ids() == [jane]


def test_an_unknown_patient_is_a_typed_error(db: Database, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    with pytest.raises(UnknownPatientError) as caught:
        erase_patient(db, store, actor=DEVICE_OWNER, email="nobody@example.org")
    assert caught.value.code == "unknown_patient"
    with pytest.raises(UnknownPatientError):
        erase_patient(db, store, actor=DEVICE_OWNER, user_id=uuid.uuid4())
    with pytest.raises(ValidationError):
        erase_patient(db, store, actor=DEVICE_OWNER, user_id="not-an-id")


def test_who_may_erase_and_export(db: Database, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    jane, other = _patient(db, store), _patient(db, store, "other@example.org")
    with db.write() as session:
        users.create(
            session, email="doc@clinic.org", first_name="D", last_name="R", role="clinician"
        )
    for actor in (Actor("clinician", uuid.uuid4()), Actor("kiosk"), Actor("patient", other)):
        with pytest.raises(PermissionDeniedError):
            erase_patient(db, store, actor=actor, user_id=jane)
    for actor in (Actor("kiosk"), Actor("patient", other)):
        with pytest.raises(PermissionDeniedError):
            export_patient(db, store, actor=actor, user_id=jane, out_dir=tmp_path / "x")
    assert not (tmp_path / "x").exists()
    with pytest.raises(ValidationError, match="not a patient"):
        erase_patient(db, store, actor=DEVICE_OWNER, email="doc@clinic.org")
    export_patient(db, store, actor=Actor("clinician"), user_id=jane, out_dir=tmp_path / "c")
    erase_patient(db, store, actor=Actor("patient", jane), user_id=jane)  # one's own data


def test_export_holds_everything_but_the_password_hash(db: Database, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    jane = _patient(db, store)
    with db.write() as session:
        session.get(User, jane).hashed_password = "$argon2id$secret"  # type: ignore[union-attr]
    out = export_patient(
        db, store, actor=DEVICE_OWNER, email="jane@example.org", out_dir=tmp_path / "export"
    )
    document = json.loads((out / "patient.json").read_text())
    assert document["account"]["email"] == "jane@example.org"
    assert "hashed_password" not in document["account"] and "argon2" not in json.dumps(document)
    assert len(document["analyses"]) == 1 and len(document["consents"]) == 1
    photos = sorted(p.read_bytes() for p in (out / "photos").iterdir())
    assert PHOTO + b"jane@example.org" in photos and len(photos) == 2
    with pytest.raises(ValidationError, match="not empty"):
        export_patient(db, store, actor=DEVICE_OWNER, user_id=jane, out_dir=out)
    with db.read() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "patient_exported"))


def test_withdrawing_consent_stops_sync_and_erases_as_chosen(db: Database, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    jane = _patient(db, store)
    withdraw_consent(db, store, actor=DEVICE_OWNER, choice="stop-sync", user_id=jane)
    with db.read() as session:
        latest = consents.latest(session, jane)
        assert latest is not None and latest.allow_sync is False and latest.allow_storage
    withdraw_consent(db, store, actor=DEVICE_OWNER, choice="erase-photos", user_id=jane)
    with db.read() as session:
        row = analyses.latest_for_user(session, jane)[0]
        assert row.image_sha256 is None and row.thumbnail_sha256 is None
    assert len(store.digests()) == 1  # only the emailed PDF is left
    withdraw_consent(db, store, actor=DEVICE_OWNER, choice="erase-all", user_id=jane)
    with db.read() as session:
        assert session.get(User, jane) is None
    with pytest.raises(ValidationError):
        withdraw_consent(db, store, actor=DEVICE_OWNER, choice="maybe", user_id=jane)  # type: ignore[arg-type]


def test_erasure_leaves_no_copy_in_the_write_ahead_log(sqlite_db: Database, tmp_path: Path) -> None:
    """``secure_delete`` overwrites the database file, but SQLite's write-ahead log keeps the old
    copies of every page it changed until a checkpoint: erasure empties it, so her name is in
    neither file afterwards (this file is plain, so the bytes can be searched)."""
    store = ImageStore(tmp_path / "images")
    _patient(sqlite_db, store, "zebulon.quartermaine@example.org")
    _patient(sqlite_db, store, "other@example.org")
    path = sqlite_db.sqlite_path
    assert path is not None
    wal = path.with_name(path.name + "-wal")
    name = b"zebulon.quartermaine"
    assert name in path.read_bytes() + wal.read_bytes()  # she is there before
    erase_patient(sqlite_db, store, actor=DEVICE_OWNER, email="zebulon.quartermaine@example.org")
    assert wal.stat().st_size == 0
    assert name not in path.read_bytes() + wal.read_bytes()
    with sqlite_db.read() as session:  # the other patient is still readable
        assert users.get_by_email(session, "other@example.org") is not None
