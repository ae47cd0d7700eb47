"""Saving analysed files in batches: each file succeeds or fails on its own, one unit of work for
the batch, nothing orphaned, and a patient erased before the batch gets nothing of it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.context import AppContext
from app.desktop.importing.errors import AlreadyImportedError, PatientGoneError
from app.desktop.importing.saving import ImportSaver, ToSave
from app.desktop.importing.worker import Analysed, analyse_file
from core.config import load_settings
from core.errors import StorageError, ValidationError
from core.privacy.actor import Actor
from core.privacy.erasure import erase_patient
from core.storage.models import AuditEvent, ImageBlob, SkinAnalysisResult, SyncOutbox, User
from core.storage.repositories.audit import verify_database
from tests.helpers.desktop import add_accounts
from tests.helpers.import_photos import good_faces

VISIT = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> list[Analysed]:
    files = good_faces(tmp_path_factory.mktemp("faces"), 3)
    found = [analyse_file(str(f)) for f in files]
    assert all(isinstance(a, Analysed) for a in found)
    return found  # type: ignore[return-value]


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = AppContext(load_settings(data_dir=tmp_path / "data"))
    context.database  # noqa: B018
    add_accounts(context)
    yield context
    context.close()


def _saver(ctx: AppContext) -> ImportSaver:
    with ctx.database.read() as session:
        admin = session.scalar(select(User).where(User.role == "admin"))
        patient = session.scalar(select(User).where(User.role == "patient"))
        assert admin is not None and patient is not None
        return ImportSaver(
            ctx, actor_id=admin.user_id, patient_id=patient.user_id, patient_name="Pat Doe"
        )


def _count(ctx: AppContext, model: type) -> int:
    with ctx.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_batch_saves_each_file_and_a_duplicate_fails_alone(
    ctx: AppContext, analysed: list[Analysed]
) -> None:
    saver = _saver(ctx)
    first, second, third = (ToSave(a, VISIT, "exif") for a in analysed)
    assert isinstance(saver.save(first.analysed, visit=VISIT, date_source="exif"), str)
    outcomes = saver.save_many([second, first, third])  # the first again, between two new ones
    assert isinstance(outcomes[0], str) and isinstance(outcomes[2], str)
    assert isinstance(outcomes[1], AlreadyImportedError)
    assert _count(ctx, SkinAnalysisResult) == 3
    with ctx.database.read() as session:
        imported = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "analysis_imported")
        ).all()
        blobs = set(session.scalars(select(ImageBlob.sha256)))
    assert {e.details["analysis_id"] for e in imported} >= {outcomes[0], outcomes[2]}
    assert len(imported) == 3  # one event per saved file, none for the duplicate
    assert set(ctx.images.digests()) == blobs  # every file has its row, no orphan


def test_a_patient_erased_before_the_batch_gets_none_of_it(
    ctx: AppContext, analysed: list[Analysed]
) -> None:
    saver = _saver(ctx)
    erase_patient(ctx.database, ctx.images, actor=Actor(role="admin"), user_id=saver.patient_id)
    with pytest.raises(PatientGoneError):
        saver.save_many([ToSave(a, VISIT, "file") for a in analysed])
    assert _count(ctx, SkinAnalysisResult) == 0
    assert ctx.images.digests() == []  # the files written first were removed


def _imported_events(ctx: AppContext) -> list[AuditEvent]:
    with ctx.database.read() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "analysis_imported")
                .order_by(AuditEvent.chain_seq)
            )
        )


def test_a_file_that_cannot_be_written_fails_alone_and_the_rest_of_its_batch_is_saved(
    ctx: AppContext, analysed: list[Analysed]
) -> None:
    saver = _saver(ctx)
    first, broken, third = analysed
    # Something that is not a file where the photo must go: its write fails on the disk.
    blocked = ctx.images.path_for(hashlib.sha256(broken.image).hexdigest())
    (blocked / "in-the-way").mkdir(parents=True)
    outcomes = saver.save_many([ToSave(a, VISIT, "exif") for a in (first, broken, third)])
    assert isinstance(outcomes[0], str) and isinstance(outcomes[2], str)
    assert isinstance(outcomes[1], StorageError)
    assert "Could not save the image" in outcomes[1].message
    with ctx.database.read() as session:
        saved = {str(a) for a in session.scalars(select(SkinAnalysisResult.analysis_id))}
        blobs = set(session.scalars(select(ImageBlob.sha256)))
    assert saved == {outcomes[0], outcomes[2]}
    assert [e.details["analysis_id"] for e in _imported_events(ctx)] == [outcomes[0], outcomes[2]]
    files = set(ctx.images.digests()) - {blocked.name}  # the test's own obstacle
    assert hashlib.sha256(broken.thumbnail).hexdigest() not in files  # written, then removed
    assert files == blobs
    assert verify_database(ctx.database).ok


def test_an_incomplete_result_and_a_photo_twice_in_one_batch_fail_alone(
    ctx: AppContext, analysed: list[Analysed]
) -> None:
    saver = _saver(ctx)
    first, second, third = analysed
    incomplete = replace(second, result={k: v for k, v in second.result.items() if k != "metrics"})
    later = datetime(2026, 5, 6, 9, 0, tzinfo=UTC)
    outcomes = saver.save_many(
        [
            ToSave(first, VISIT, "exif"),
            ToSave(incomplete, VISIT, "exif"),
            ToSave(third, later, "file"),
            ToSave(first, later, "file"),
        ]
    )
    assert isinstance(outcomes[0], str) and isinstance(outcomes[2], str)
    assert isinstance(outcomes[1], ValidationError) and "incomplete" in outcomes[1].message
    assert isinstance(outcomes[3], AlreadyImportedError)
    assert "04 Mar 2026" in outcomes[3].message  # the date of the copy saved in this batch
    with ctx.database.read() as session:
        rows = {str(r.analysis_id): r for r in session.scalars(select(SkinAnalysisResult))}
    assert set(rows) == {outcomes[0], outcomes[2]}
    assert rows[outcomes[2]].created_at == later
    assert rows[outcomes[0]].image_sha256 == hashlib.sha256(first.image).hexdigest()
    assert rows[outcomes[0]].thumbnail_sha256 == hashlib.sha256(first.thumbnail).hexdigest()
    events = _imported_events(ctx)
    assert [e.details for e in events] == [
        {"analysis_id": outcomes[0], "date_from": "exif", "turned": first.turned},
        {"analysis_id": outcomes[2], "date_from": "file", "turned": third.turned},
    ]
    assert hashlib.sha256(second.image).hexdigest() not in set(ctx.images.digests())
    assert verify_database(ctx.database).ok


def test_a_batch_queues_its_photos_for_sync_like_files_saved_one_by_one(
    ctx: AppContext, analysed: list[Analysed]
) -> None:
    saver = _saver(ctx)
    outcomes = saver.save_many([ToSave(a, VISIT, "exif") for a in analysed])
    assert all(isinstance(o, str) for o in outcomes)
    with ctx.database.read() as session:
        queued = session.execute(select(SyncOutbox.entity, SyncOutbox.entity_id)).all()
        images = session.scalars(select(ImageBlob)).all()
    digests = {hashlib.sha256(b).hexdigest() for a in analysed for b in (a.image, a.thumbnail)}
    assert {b.sha256 for b in images} == digests and all(b.hlc for b in images)
    assert {e for e, i in queued if e == "images"} == {"images"}
    assert {i for e, i in queued if e == "images"} == digests
    # the analyses were taken under no consent to sync: stamped, never queued
    assert not {i for e, i in queued if e == "skin_analysis_results"}
