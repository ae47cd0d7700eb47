"""Erase a patient: their account, analyses, photos and thumbnails, consents, notes, queued or sent
emails with their PDFs, and the cache entries computed from their photos, in one unit of work. The deletions leave tombstones,
so sync erases them on every device and the server keeps them denied; the erasure list (outside the
database) lets a restored backup be cleaned again. The erasure itself is audited (ids only).

The desktop calls :func:`erase_patient` and :func:`withdraw_consent`; the CLI is ``skinlab patient``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit.actions import CONSENT_WITHDRAWN, ERASURE_REPLAYED, PATIENT_ERASED
from core.cache import DiskCache, photo_group
from core.errors import ValidationError
from core.privacy.actor import ERASE, Actor, UnknownPatientError, require
from core.privacy.erasure_log import ErasureLog
from core.storage.changes import acting_as
from core.storage.database import Database
from core.storage.images import ImageStore, delete_unused_images
from core.storage.models import EmailMessage, SkinAnalysisResult, User
from core.storage.repositories import audit, consents
from core.storage.repositories.validation import normalise_email

log = logging.getLogger(__name__)

Choice = Literal["stop-sync", "erase-photos", "erase-all"]
CHOICES: tuple[Choice, ...] = ("stop-sync", "erase-photos", "erase-all")


@dataclass(frozen=True)
class ErasureReport:
    user_id: uuid.UUID
    analyses: int
    images: int
    emails: int


def find_patient(
    session: Session, *, email: str | None = None, user_id: uuid.UUID | str | None = None
) -> User:
    """The patient named by email or id, or :class:`UnknownPatientError`."""
    if (email is None) == (user_id is None):
        raise ValidationError("Name the patient by email or by id (one of them)")
    if user_id is not None:
        try:
            user = session.get(User, uuid.UUID(str(user_id)))
        except ValueError as exc:
            raise ValidationError(f"{user_id!r} is not a patient id") from exc
        what = f"id {user_id}"
    else:
        address = normalise_email(str(email))
        user = session.scalar(select(User).where(func.lower(User.email) == address))
        what = f"email {address}"
    if user is None:
        raise UnknownPatientError(f"There is no patient with the {what} on this device")
    if user.role != "patient":
        raise ValidationError(
            f"{user.email} is a {user.role} account, not a patient: deactivate it instead"
        )
    return user


def _erase_in(session: Session, user: User) -> tuple[ErasureReport, set[str], set[str]]:
    """Erase in the caller's unit of work: the report, the image rows deleted (their files go
    after the commit) and the patient's photos (their cache entries go too)."""
    digests: set[str] = set()
    for row in user.analyses:
        digests.update(d for d in (row.image_sha256, row.thumbnail_sha256) if d)
    photos = set(digests)
    mails = session.scalars(
        select(EmailMessage).where(func.lower(EmailMessage.to_address) == user.email.lower())
    ).all()
    digests.update(m.attachment_sha256 for m in mails if m.attachment_sha256)
    analyses = len(user.analyses)
    for mail in mails:
        session.delete(mail)
    session.delete(user)  # cascades to analyses, consents and notes, each with a tombstone
    session.flush()
    unused = delete_unused_images(session, digests)
    return ErasureReport(user.user_id, analyses, len(unused), len(mails)), unused, photos


def erase_patient(
    db: Database,
    images: ImageStore,
    *,
    actor: Actor,
    email: str | None = None,
    user_id: uuid.UUID | str | None = None,
    erasure_log: ErasureLog | None = None,
    cache: DiskCache | None = None,
) -> ErasureReport:
    """Erase one patient everywhere this device can reach; raises UnknownPatientError. The
    deletions name ``actor`` (:func:`acting_as`): the server accepts them only from an
    administrator signed in online on this device."""
    with acting_as(actor.user_id), db.write() as session:
        user = find_patient(session, email=email, user_id=user_id)
        require(actor, ERASE, patient_id=user.user_id)
        report, unused, photos = _erase_in(session, user)
        audit.record(
            session,
            PATIENT_ERASED,
            actor_id=actor.user_id,
            target_type="user",
            target_id=report.user_id,
            details={"by_role": actor.role, "analyses": report.analyses, "emails": report.emails},
        )
    _after_commit(db, images, unused, cache, photos)
    if erasure_log is not None:
        erasure_log.append(report.user_id)
    return report


def _after_commit(
    db: Database, images: ImageStore, unused: set[str], cache: DiskCache | None, photos: set[str]
) -> None:
    if not db.checkpoint():  # the write-ahead log still held the erased rows' old pages
        log.warning("The database's write-ahead log could not be emptied after an erasure yet")
    for digest in unused:  # files last: a failed transaction leaves every file in place
        images.delete(digest)
    if cache is not None:  # the results computed from these photos; everyone else's stay
        for digest in photos:
            cache.drop_group(photo_group(digest))


def withdraw_consent(
    db: Database,
    images: ImageStore,
    *,
    actor: Actor,
    choice: Choice,
    email: str | None = None,
    user_id: uuid.UUID | str | None = None,
    erasure_log: ErasureLog | None = None,
    cache: DiskCache | None = None,
    text_version: str = "withdrawal",
) -> ErasureReport | None:
    """Record the withdrawal (no more sync), then erase as the patient chose: ``stop-sync`` keeps
    the data on this device, ``erase-photos`` deletes photos and thumbnails, ``erase-all`` erases."""
    if choice not in CHOICES:
        raise ValidationError(f"Choose one of: {', '.join(CHOICES)}")
    if choice == "erase-all":
        with db.write() as session:
            user = find_patient(session, email=email, user_id=user_id)
            require(actor, ERASE, patient_id=user.user_id)
            audit.record(
                session,
                CONSENT_WITHDRAWN,
                actor_id=actor.user_id,
                target_type="user",
                target_id=user.user_id,
                details={"choice": choice},
            )
            target = user.user_id
        return erase_patient(
            db, images, actor=actor, user_id=target, erasure_log=erasure_log, cache=cache
        )
    unused: set[str] = set()
    with acting_as(actor.user_id), db.write() as session:
        user = find_patient(session, email=email, user_id=user_id)
        require(actor, ERASE, patient_id=user.user_id)
        consents.record(
            session,
            user_id=user.user_id,
            text_version=text_version,
            granted=True,
            allow_storage=True,
            allow_sync=False,
        )
        photos = 0
        digests: set[str] = set()
        if choice == "erase-photos":
            for row in session.scalars(
                select(SkinAnalysisResult).where(SkinAnalysisResult.user_id == user.user_id)
            ):
                digests.update(d for d in (row.image_sha256, row.thumbnail_sha256) if d)
                row.image_sha256 = row.thumbnail_sha256 = None
            session.flush()
            unused = delete_unused_images(session, digests)
            photos = len(unused)
        audit.record(
            session,
            CONSENT_WITHDRAWN,
            actor_id=actor.user_id,
            target_type="user",
            target_id=user.user_id,
            details={"choice": choice, "photos_erased": photos},
        )
    _after_commit(db, images, unused, cache, digests)
    return None


def replay_erasures(
    db: Database, images: ImageStore, log: ErasureLog, *, cache: DiskCache | None = None
) -> int:
    """Erase again every listed patient a (restored) database still holds; how many were found."""
    again = 0
    for user_id in log.user_ids():
        with db.read() as session:
            present = session.get(User, user_id) is not None
        if not present:
            continue
        with db.write() as session:
            user = session.get(User, user_id)
            if user is None:
                continue
            _, unused, photos = _erase_in(session, user)
            audit.record(session, ERASURE_REPLAYED, target_type="user", target_id=user_id)
        _after_commit(db, images, unused, cache, photos)
        again += 1
    return again
