"""Two stored visits read again like for like: both photos analysed anew, without every region
only one of them measured (``core.analysis.comparison.left_out``). The desktop's compare screen,
the progress report, the visit report and the kiosk (this visit's photo against the patient's
previous one) use it for the measures the two analyses read from different skin.

The caller has checked that the session may read the patient's results; the engine is imported on
first use, as for the heat maps (sign-in must not wait for OpenCV and dlib)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.errors import NotFoundError, StorageError, ValidationError
from core.storage.images import ImageStore
from core.storage.models import SkinAnalysisResult
from core.vocabulary import SKIN_SCORE

if TYPE_CHECKING:  # the engine loads on first use
    from core.analysis.comparison import MeasureChange


@dataclass(frozen=True)
class Reading:
    """Two visits read again like for like."""

    changes: dict[str, MeasureChange]
    """Measure -> its change on the skin both photos showed (only those that could be read)."""
    score: tuple[float, float] | None
    """The two skin scores on that skin, when both use the same measures."""
    where: str
    """What both photos left out, in words ("without the chin")."""
    engine_version: str
    """The engine that read them again."""
    score_spread: float | None = None
    """The spread the score's change on that skin must exceed (a score read from part of the face:
    ``core.analysis.comparison.part_spread``)."""


def stored_photo(images: ImageStore, row: SkinAnalysisResult) -> bytes:
    """The visit's photo; NotFoundError, with what a person can read, when it is not here."""
    if row.image_sha256 is None:
        raise NotFoundError(f"No photo was kept with the visit of {row.created_at:%d %b %Y}.")
    try:
        return images.read(row.image_sha256)
    except (NotFoundError, StorageError, OSError) as exc:
        raise NotFoundError(
            f"The photo of {row.created_at:%d %b %Y} cannot be read: {getattr(exc, 'message', exc)}"
        ) from exc


def read_photos(
    first: bytes,
    last: bytes,
    results: tuple[Mapping[str, Any], Mapping[str, Any]],
    *,
    keys: Iterable[str],
) -> Reading:
    """The changes of ``keys`` between two photos (earlier, later) and their analyses
    (``results``), both photos read again on the skin both showed (the changes that still read
    different skin are left out). Raises ValidationError when the engine cannot read one of them
    that way (too little left to measure once the regions are left out)."""
    # lazy: the engine loads on first use (sign-in must not wait for OpenCV and dlib)
    from core.analysis import analyze
    from core.analysis.comparison import (
        left_out,
        like_for_like,
        part_spread,
        shared_scores,
        without,
    )
    from core.analysis.errors import AnalysisInputError

    drop = left_out(*results)
    try:
        shared = analyze(first, leave_out=drop).to_json(), analyze(last, leave_out=drop).to_json()
    except AnalysisInputError as exc:
        raise ValidationError(
            f"The two photos cannot be read again on the skin both showed: {exc.message}"
        ) from exc
    changes = {
        key: change
        for key in keys
        if (change := like_for_like(key, *results, shared=shared)) is not None
        and change.verdict != "different_skin"
    }
    engine = str(shared[0].get("engine_version"))
    score_spread = part_spread(SKIN_SCORE, *results)
    return Reading(changes, shared_scores(shared), without(drop), engine, score_spread)


def read_like_for_like(
    images: ImageStore,
    before: SkinAnalysisResult,
    after: SkinAnalysisResult,
    *,
    keys: Iterable[str],
) -> Reading:
    """:func:`read_photos` of two stored visits. Raises NotFoundError when a photo is not on this
    device, ValidationError as :func:`read_photos`."""
    first, last = (stored_photo(images, row) for row in (before, after))
    return read_photos(first, last, (before.result or {}, after.result or {}), keys=keys)


def read_if_possible(
    images: ImageStore,
    before: SkinAnalysisResult,
    after: SkinAnalysisResult,
    *,
    keys: Iterable[str],
) -> Reading | None:
    """:func:`read_like_for_like`, or None when it cannot be done (a photo not on this device, or
    too little left to measure): a report then says the change was not compared."""
    try:
        photo = stored_photo(images, after)
    except NotFoundError:
        return None
    return read_since_if_possible(images, before, photo, after.result or {}, keys=keys)


def read_since_if_possible(
    images: ImageStore,
    before: SkinAnalysisResult,
    photo: bytes,
    result: Mapping[str, Any],
    *,
    keys: Iterable[str],
) -> Reading | None:
    """A stored visit against a photo not stored yet (the kiosk's, as it analysed it) and its
    ``result``; None when it cannot be done, as :func:`read_if_possible`."""
    try:
        first = stored_photo(images, before)
        return read_photos(first, photo, (before.result or {}, result), keys=keys)
    except (NotFoundError, ValidationError):
        return None


@dataclass(frozen=True)
class SinceThen:
    """The change since a previous visit, once what could be read like for like is folded in."""

    not_compared: dict[str, str] = field(default_factory=dict)
    """Measure (or ``skin_score``) -> why its change is still not shown."""
    spreads: dict[str, float] = field(default_factory=dict)
    """Measure (or ``skin_score``) -> the spread its change must exceed (wider for a like-for-like
    reading)."""
    pairs: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Measure (or ``skin_score``) -> (previous, now) read like for like."""
    where: str = ""
    """What both photos left out for ``pairs``, in words ("without the chin")."""


def since_then(
    not_compared: Mapping[str, str], spreads: Mapping[str, float], reading: Reading | None
) -> SinceThen:
    """What ``reading`` could read moves from ``not_compared`` to a pair of levels on the shared
    skin, with its wider spread; the rest stays not compared."""
    left, wider = dict(not_compared), dict(spreads)
    if reading is None:
        return SinceThen(left, wider)
    pairs: dict[str, tuple[float, float]] = {}
    for key, change in reading.changes.items():
        pairs[key] = (change.before, change.after)
        wider[key] = change.spread
        left.pop(key, None)
    if reading.score is not None and SKIN_SCORE in left:
        pairs[SKIN_SCORE] = reading.score
        left.pop(SKIN_SCORE)
        if reading.score_spread is not None:
            wider[SKIN_SCORE] = reading.score_spread
    return SinceThen(left, wider, pairs, reading.where)
