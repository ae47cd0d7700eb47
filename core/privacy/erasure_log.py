"""The erasure list: which patients were erased, kept in a small append-only file beside (not in)
the database, so that a database restored from a backup can be cleaned again before it is used.

One JSON line per erasure, ``{"user_id", "erased_at", "prev"}`` where ``prev`` is the SHA-256 of
the line before: a removed or edited line is noticed (and reported) when the list is read. It holds
ids only, never names or emails; the file is owner-only like everything in the data directory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from core.errors import StorageError
from core.security.permissions import PRIVATE_FILE

log = logging.getLogger(__name__)
START = "0" * 64


class ErasureLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _lines(self) -> list[str]:
        try:
            return [line for line in self.path.read_text(encoding="utf-8").splitlines() if line]
        except FileNotFoundError:
            return []

    def user_ids(self) -> list[uuid.UUID]:
        """Every erased patient, oldest first. A broken link is reported, never skipped over."""
        ids: list[uuid.UUID] = []
        previous = START
        for number, line in enumerate(self._lines(), start=1):
            try:
                entry = json.loads(line)
                ids.append(uuid.UUID(entry["user_id"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise StorageError(f"{self.path} line {number} is unreadable ({exc})") from exc
            if entry.get("prev") != previous:
                log.warning("%s line %d does not follow the line before it", self.path, number)
            previous = hashlib.sha256(line.encode("utf-8")).hexdigest()
        return ids

    def append(self, user_id: uuid.UUID) -> None:
        lines = self._lines()
        previous = hashlib.sha256(lines[-1].encode("utf-8")).hexdigest() if lines else START
        entry = {
            "user_id": str(user_id),
            "erased_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "prev": previous,
        }
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, separators=(",", ":")) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
