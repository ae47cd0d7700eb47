"""Where things are: the repository and the shared photos beside it."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
SHARED_FACES = SHARED_DATA / "faces"
