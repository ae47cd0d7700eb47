"""What the import pool's fork server imports once, before it forks any worker.

The workers are forked from it, so they start with the engine, OpenCV, numpy and dlib's models
already loaded: a new import's pool pays none of it (dlib's models alone took ~0.4 s of CPU per
worker, inside every import, and the same 0.4 s in both of a 2-worker pool's workers is time a
second core cannot share). Never imported by the UI process: it has no use for the models.
"""

from __future__ import annotations

import logging

from app.desktop.importing import worker  # noqa: F401  (its imports: the engine, cv2, numpy)
from core.analysis import face

log = logging.getLogger(__name__)


def warm() -> bool:
    """Load the face models now; False (logged) if they cannot load here. The fork server must
    start anyway: its workers then load them at their first photo, and each file's line says
    what failed."""
    try:
        face.load_models()
    except Exception as exc:  # any failure: the workers retry and report it per file
        log.warning("The import workers could not preload the face models: %s", exc)
        return False
    return True


warm()
