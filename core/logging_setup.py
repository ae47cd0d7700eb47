"""Logging to a rotating file in the data directory (and warnings to stderr)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_dir: Path, *, level: str = "INFO", console: bool = False) -> Path:
    """Send SkinLab's logs to ``log_dir/skinlab.log`` (5 files of 2 MB); return the file's path."""
    log_file = Path(log_dir) / "skinlab.log"
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_skinlab", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    file_handler._skinlab = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if console:
        stream = logging.StreamHandler()
        stream.setLevel(logging.WARNING)
        stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        stream._skinlab = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    return log_file
