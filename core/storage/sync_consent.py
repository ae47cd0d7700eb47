"""Consent that binds: which analyses and photos may leave this device.

An analysis leaves the device only when the consent it was taken under (its ``consent_id``) was
granted with "may be synced", and its person has not withdrawn that since (a later consent of the
same person without it). A photo leaves only when an analysis that may leave shows it. The outbox
(:mod:`core.storage.changes`), the push batches (:mod:`core.sync.batches`) and the photo uploads
(:mod:`core.sync.engine`) all ask here; the server refuses an analysis whose consent says
otherwise (``no_sync_consent``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.storage.models import ConsentRecord, SkinAnalysisResult


def _pending_consent(session: Session, consent_id: uuid.UUID) -> ConsentRecord | None:
    """A consent added in this unit of work but not flushed yet (the outbox runs inside flush)."""
    for obj in session.new:
        if isinstance(obj, ConsentRecord) and obj.consent_id == consent_id:
            return obj
    return None


def consent_allows_sync(consent: ConsentRecord | None) -> bool:
    return consent is not None and consent.granted is True and consent.allow_sync is True


def _withdrawn_since(session: Session, consent: ConsentRecord) -> bool:
    """Has the person given a newer answer that does not allow syncing?"""
    if consent.user_id is None or consent.recorded_at is None:
        return False
    newer = session.scalar(
        select(ConsentRecord.consent_id)
        .where(
            ConsentRecord.user_id == consent.user_id,
            ConsentRecord.recorded_at > consent.recorded_at,
            or_(ConsentRecord.granted.is_(False), ConsentRecord.allow_sync.is_(False)),
        )
        .limit(1)
    )
    return newer is not None


def analysis_may_sync(session: Session, analysis: SkinAnalysisResult) -> bool:
    """May this analysis (and the photos it shows) leave the device?"""
    if analysis.consent_id is None:
        return False
    with session.no_autoflush:
        consent = session.get(ConsentRecord, analysis.consent_id) or _pending_consent(
            session, analysis.consent_id
        )
        if not consent_allows_sync(consent):
            return False
        assert consent is not None
        if consent.user_id != analysis.user_id:
            return False  # a consent is one person's: it cannot cover someone else's analysis
        return not _withdrawn_since(session, consent)


def photos_that_may_sync(session: Session, digests: Iterable[str]) -> set[str]:
    """The photos among ``digests`` that some analysis allowed to leave the device shows."""
    wanted = set(digests)
    if not wanted:
        return set()
    allowed: set[str] = set()
    query = select(SkinAnalysisResult).where(
        or_(
            SkinAnalysisResult.image_sha256.in_(sorted(wanted)),
            SkinAnalysisResult.thumbnail_sha256.in_(sorted(wanted)),
        )
    )
    with session.no_autoflush:
        for analysis in session.scalars(query):
            shown = {analysis.image_sha256, analysis.thumbnail_sha256} & wanted
            if shown - allowed and analysis_may_sync(session, analysis):
                allowed |= shown  # type: ignore[arg-type]
    return allowed
