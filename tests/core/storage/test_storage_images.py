"""Images as files named by their SHA-256, with a row per image, on both engines."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.errors import NotFoundError, SkinLabError, StorageError, ValidationError
from core.storage import Database, ImageStore, save_image, sha256_hex
from core.storage.images import Written, add_image_rows
from core.storage.models import ImageBlob, SkinAnalysisResult
from core.storage.repositories import analyses

JPEG_LIKE = b"\xff\xd8\xff\xe0" + random.Random(5).randbytes(4096) + b"\xff\xd9"


def test_files_are_named_by_the_sha256_of_their_bytes(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    digest = store.put(JPEG_LIKE)
    assert digest == hashlib.sha256(JPEG_LIKE).hexdigest() == sha256_hex(JPEG_LIKE)
    assert store.path_for(digest).read_bytes() == JPEG_LIKE
    assert store.read(digest) == JPEG_LIKE
    assert store.exists(digest)


def test_the_same_bytes_are_stored_once(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    assert store.put(JPEG_LIKE) == store.put(JPEG_LIKE)
    files = [p for p in (tmp_path / "images").rglob("*") if p.is_file()]
    assert len(files) == 1  # and no temporary files left behind


def test_a_damaged_file_is_never_returned(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    digest = store.put(JPEG_LIKE)
    path = store.path_for(digest)
    path.write_bytes(b"\x00" + JPEG_LIKE[1:])
    with pytest.raises(StorageError):
        store.read(digest)


def test_putting_the_bytes_again_repairs_a_damaged_file(tmp_path: Path) -> None:
    """Re-saving (or re-downloading) an image is how a damaged copy gets fixed; a file of the
    right size but wrong content must not be taken as already stored."""
    store = ImageStore(tmp_path / "images")
    digest = store.put(JPEG_LIKE)
    store.path_for(digest).write_bytes(b"\x00" + JPEG_LIKE[1:])
    assert store.put(JPEG_LIKE) == digest
    assert store.read(digest) == JPEG_LIKE


def test_a_missing_image_is_not_found(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    with pytest.raises(NotFoundError):
        store.read(sha256_hex(b"never stored"))


@pytest.mark.parametrize(
    "reference", ["", "../../etc/passwd", "ABC", "g" * 64, sha256_hex(b"x").upper()]
)
def test_references_that_are_not_sha256_are_refused(tmp_path: Path, reference: str) -> None:
    store = ImageStore(tmp_path / "images")
    with pytest.raises(ValidationError):
        store.path_for(reference)


def test_save_image_records_one_row_per_content(db: Database, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    with db.write() as session:
        first = save_image(
            session, store, JPEG_LIKE, media_type="image/jpeg", width=640, height=480
        )
        again = save_image(session, store, JPEG_LIKE, media_type="image/jpeg")
        assert first is again
        result = analyses.from_metrics(
            user_id=None,
            skin_score=50.0,
            engine_version="test-1",
            metrics={},
            image_sha256=first.sha256,
        )
        analyses.add(session, result)
    with db.read() as session:
        blob = session.get(ImageBlob, sha256_hex(JPEG_LIKE))
        assert blob is not None
        assert (blob.size_bytes, blob.width, blob.height) == (len(JPEG_LIKE), 640, 480)
        assert session.scalar(select(func.count()).select_from(ImageBlob)) == 1
        stored = session.scalar(select(SkinAnalysisResult))
        assert stored is not None and stored.image_sha256 == blob.sha256


def test_rows_of_written_files_are_added_once_each_and_kept_when_already_there(
    db: Database, tmp_path: Path
) -> None:
    store = ImageStore(tmp_path / "images")
    other = JPEG_LIKE[:-2] + b"\x00\xff\xd9"
    with db.write() as session:
        save_image(session, store, JPEG_LIKE, media_type="image/jpeg", width=64, height=48)
    digests = [store.put(JPEG_LIKE), store.put(other)]
    with db.write() as session:
        add_image_rows(
            session,
            [
                Written(digests[0], "image/png", 1),  # already has its row: left as it was
                Written(digests[1], "image/jpeg", len(other), 32, 24),
                Written(digests[1], "image/jpeg", len(other), 32, 24),  # twice in one call
            ],
        )
        add_image_rows(session, [])
    with db.read() as session:
        rows = {b.sha256: b for b in session.scalars(select(ImageBlob))}
    assert set(rows) == set(digests)
    kept, added = rows[digests[0]], rows[digests[1]]
    assert (kept.media_type, kept.size_bytes, kept.width) == ("image/jpeg", len(JPEG_LIKE), 64)
    assert (added.size_bytes, added.width, added.height) == (len(other), 32, 24)


def test_an_empty_image_is_refused(db: Database, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    with pytest.raises(ValidationError), db.write() as session:
        save_image(session, store, b"", media_type="image/jpeg")
    assert not (tmp_path / "images").exists() or not any((tmp_path / "images").rglob("*"))


def test_an_analysis_cannot_reference_an_unknown_image(db: Database) -> None:
    with pytest.raises(SkinLabError), db.write() as session:
        analyses.add(
            session,
            analyses.from_metrics(
                user_id=None,
                skin_score=50.0,
                engine_version="test-1",
                metrics={},
                image_sha256=sha256_hex(b"no such image"),
            ),
        )
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(SkinAnalysisResult)) == 0
