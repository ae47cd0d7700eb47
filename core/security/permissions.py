"""Owner-only files: the data directory and every folder in it 0700, every file 0600.

POSIX only; on Windows the per-user profile folder's ACL is what protects the data (os.chmod
there only toggles read-only), so these functions do nothing there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077
POSIX = os.name == "posix"


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it owner-only."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if POSIX:
        info = path.stat()
        if stat.S_IMODE(info.st_mode) != PRIVATE_DIR and info.st_uid == os.getuid():
            path.chmod(PRIVATE_DIR)  # a folder someone else owns is theirs to set
    return path


def tighten_tree(root: Path) -> int:
    """Make ``root`` and everything below it owner-only; return how many entries were changed.

    Symbolic links are not followed (a link to a file elsewhere is not ours to change).
    """
    if not POSIX or not root.exists():
        return 0
    changed = 0
    for current, dirs, files in os.walk(root):
        for name, wanted in [(current, PRIVATE_DIR)] + [
            (os.path.join(current, f), PRIVATE_FILE) for f in files
        ]:
            info = os.lstat(name)
            if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
                continue
            if stat.S_IMODE(info.st_mode) != wanted:
                os.chmod(name, wanted)
                changed += 1
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(current, d))]
    return changed


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new owner-only file beside ``path``, fsync, and rename it into place."""
    tmp = path.with_name(f".{path.name}.part")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def create_private_file(path: Path) -> None:
    """Create an empty owner-only file if none exists (before a library opens it with its own mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        return
