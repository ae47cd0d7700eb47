"""Saving analysed files in batches: each file succeeds or fails on its own, one unit of work for
the batch, nothing orphaned, and a patient erased before the batch gets nothing of it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.context import AppContext
from app.desktop.importing.errors import AlreadyImportedError, PatientGoneError
from app.desktop.importing.saving import ImportSaver, ToSave
from app.desktop.importing.worker import Analysed, analyse_file
from core.config import load_settings
from core.privacy.actor import Actor
from core.privacy.erasure import erase_patient
from core.storage.models import AuditEvent, ImageBlob, SkinAnalysisResult, User
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
