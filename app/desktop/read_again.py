"""Two stored visits read again like for like: both photos analysed anew, each without every
region only one of them measured (``core.analysis.comparison.left_out``). The compare screen and
the progress report use it for the measures the stored analyses read from different skin.

The caller has checked that the session may read the patient's results; the engine is imported on
first use, as for the heat maps (sign-in must not wait for OpenCV and dlib)."""

from __future__ import annotations

from typing import Any

from core.errors import NotFoundError, StorageError, ValidationError
from core.storage.images import ImageStore
from core.storage.models import SkinAnalysisResult

Shared = tuple[dict[str, Any], dict[str, Any]]


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


def read_again(images: ImageStore, before: SkinAnalysisResult, after: SkinAnalysisResult) -> Shared:
    """Both photos analysed again on the skin both showed. Raises NotFoundError when a photo is
    not on this device, ValidationError when the engine cannot read one of them that way (too
    little left to measure once the regions are left out)."""
    from core.analysis import analyze
    from core.analysis.comparison import left_out
    from core.analysis.errors import AnalysisInputError

    drop = left_out(before.result or {}, after.result or {})
    first, last = (stored_photo(images, row) for row in (before, after))
    try:
        return analyze(first, leave_out=drop).to_json(), analyze(last, leave_out=drop).to_json()
    except AnalysisInputError as exc:
        raise ValidationError(
            f"The two photos cannot be read again on the skin both showed: {exc.message}"
        ) from exc
