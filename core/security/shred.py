"""Remove a plain file so that its bytes are not simply left behind in the file system.

Best effort by nature: the file is overwritten with zeros and synced before it is unlinked, which
defeats undelete tools on ordinary file systems; it cannot reach copies that an SSD's wear
levelling, a copy-on-write file system (btrfs, APFS, ZFS) or a snapshot already made.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)
_CHUNK = 1 << 20


def shred(path: Path) -> None:
    """Overwrite ``path`` with zeros, sync, unlink. Missing files are fine."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    try:
        with open(path, "r+b", buffering=0) as handle:
            zeros = bytes(min(size, _CHUNK))
            left = size
            while left > 0:
                left -= handle.write(zeros[: min(left, _CHUNK)])
            os.fsync(handle.fileno())
    except OSError as exc:
        log.warning("Could not overwrite %s before deleting it: %s", path, exc)
    path.unlink(missing_ok=True)
