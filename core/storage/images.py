"""Images as files named by the SHA-256 of their bytes; rows in ``images`` describe them.

With a :class:`~core.security.cipher.FileCipher` the files are sealed with AES-256-GCM (photos,
thumbnails and queued report PDFs alike); the name stays the plaintext's SHA-256 so that sync can
address them, and each file is bound to its name. Files are created owner-only (0600).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFoundError, StorageError, ValidationError
from core.security.cipher import FileCipher, is_sealed
from core.security.permissions import PRIVATE_DIR
from core.storage.models import EmailMessage, ImageBlob, SkinAnalysisResult

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ImageStore:
    """Content-addressed files: writing the same bytes twice stores them once."""

    def __init__(self, root: Path, *, cipher: FileCipher | None = None) -> None:
        self.root = Path(root)
        self.cipher = cipher

    @property
    def encrypted(self) -> bool:
        return self.cipher is not None

    def path_for(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValidationError(f"{sha256!r} is not a SHA-256 image reference")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Write ``data`` atomically (temp file, fsync, rename) and return its SHA-256."""
        digest = sha256_hex(data)
        target = self.path_for(digest)
        if target.exists() and self._intact(target, digest):
            return digest
        stored = data if self.cipher is None else self.cipher.seal(data, context=_context(digest))
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
            write_atomically(target, stored)
        except OSError as exc:
            raise StorageError(_write_failure(self.root, exc)) from exc
        return digest

    def _intact(self, path: Path, digest: str) -> bool:
        """The file opens and matches its name, and is sealed when this store encrypts."""
        try:
            raw = path.read_bytes()
            if self.cipher is not None and not is_sealed(raw):
                return False  # a plain leftover: write the sealed copy over it
            return sha256_hex(self._decode(raw, digest)) == digest
        except (OSError, StorageError):
            return False

    def _decode(self, raw: bytes, digest: str) -> bytes:
        if not is_sealed(raw):
            return raw  # written before encryption was on; verified by hash like any other
        if self.cipher is None:
            raise StorageError(f"Image {digest[:12]}... is encrypted and this store has no key")
        return self.cipher.open(raw, context=_context(digest))

    def read(self, sha256: str) -> bytes:
        """Return the bytes, verified against their name so a damaged file is never shown."""
        path = self.path_for(sha256)
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"Image {sha256[:12]}... is not on this device") from exc
        try:
            data = self._decode(raw, sha256)
        except StorageError as exc:
            raise StorageError(f"Image {sha256[:12]}... cannot be read: {exc}") from exc
        if sha256_hex(data) != sha256:
            raise StorageError(f"Image {sha256[:12]}... is damaged on disk (hash mismatch)")
        return data

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def delete(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def digests(self) -> list[str]:
        """Every image file's name (for maintenance: encrypting older files, orphan checks)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("??/*") if _SHA256.match(p.name))

    def files(self) -> Iterator[Path]:
        """Every file under the store: named images and ``.part-*`` leftovers alike."""
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if folder.is_dir():
                yield from (p for p in folder.iterdir() if p.is_file())


def _context(digest: str) -> str:
    return f"image:{digest}"


def write_atomically(target: Path, data: bytes) -> None:
    """Temp file (0600) beside ``target``, fsync, rename: a crash leaves the old file or the new."""
    fd, tmp = tempfile.mkstemp(prefix=".part-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_failure(root: Path, exc: OSError) -> str:
    """A sentence a person can act on; the photos already saved are untouched either way."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"The photo was not saved: the disk holding {root} is full. Free some space; nothing saved before was changed."
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"The photo was not saved: the folder {root} is read-only. Fix its permissions; nothing saved before was changed."
    return f"Could not save the image ({exc.strerror or exc})"


@dataclass(frozen=True)
class SweepReport:
    partial: int
    orphans: int


def sweep_image_files(session: Session, store: ImageStore) -> SweepReport:
    """Delete half-written files (``.part-*`` from a crash mid-write) and files no image row
    names (written, then the process died before its row committed). Only safe while no other
    process can be between those two steps: see :mod:`core.storage.instance`."""
    known = set(session.scalars(select(ImageBlob.sha256)))
    for column in (
        SkinAnalysisResult.image_sha256,
        SkinAnalysisResult.thumbnail_sha256,
        EmailMessage.attachment_sha256,  # report attachments are kept beside the images, rowless
    ):
        known.update(d for d in session.scalars(select(column).where(column.is_not(None))) if d)
    partial = orphans = 0
    for path in list(store.files()):
        if path.name.startswith(".part-"):
            partial += 1
        elif path.name in known:
            continue
        else:
            orphans += 1
        path.unlink(missing_ok=True)
    return SweepReport(partial=partial, orphans=orphans)


def save_image(
    session: Session,
    store: ImageStore,
    data: bytes,
    *,
    media_type: str,
    width: int | None = None,
    height: int | None = None,
) -> ImageBlob:
    """Store the file and its row in the caller's unit of work; idempotent for the same bytes."""
    if not data:
        raise ValidationError("An empty image cannot be saved")
    digest = store.put(data)
    blob = session.get(ImageBlob, digest)
    if blob is None:
        blob = ImageBlob(
            sha256=digest, media_type=media_type, size_bytes=len(data), width=width, height=height
        )
        session.add(blob)
    return blob


class Written(NamedTuple):
    """An image file already in the store (``ImageStore.put``), whose row is still to be added."""

    sha256: str
    media_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None


def add_image_rows(session: Session, written: Sequence[Written]) -> None:
    """Add the rows of files already written, except those the database (or this batch) has:
    one query for the lot, where :func:`save_image` asks once per image. The rows are flushed
    with the caller's next flush."""
    digests = {w.sha256 for w in written}
    if not digests:
        return
    with session.no_autoflush:
        have = set(session.scalars(select(ImageBlob.sha256).where(ImageBlob.sha256.in_(digests))))
    for w in written:
        if w.sha256 not in have:
            have.add(w.sha256)
            session.add(ImageBlob(**w._asdict()))


def delete_unused_images(session: Session, digests: set[str]) -> set[str]:
    """Delete the image rows among ``digests`` that no analysis or queued email still uses (each
    leaves a tombstone, so other devices and the server drop them too); return the deleted ones.
    The caller deletes their files once the transaction has committed."""
    if not digests:
        return set()
    used: set[str] = set()
    for column in (
        SkinAnalysisResult.image_sha256,
        SkinAnalysisResult.thumbnail_sha256,
        EmailMessage.attachment_sha256,
    ):
        used.update(d for d in session.scalars(select(column).where(column.in_(digests))) if d)
    unused = digests - used
    for digest in unused:
        blob = session.get(ImageBlob, digest)
        if blob is not None:
            session.delete(blob)
    session.flush()
    return unused
