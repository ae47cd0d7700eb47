"""Small kiosk screens. Every kiosk screen is laid out for 1280x800 or more; on a smaller touch
screen (7-inch 1024x600 panels are common) the same layout is drawn smaller instead of squeezed.

Qt takes its scale factor (``QT_SCALE_FACTOR``) only before it starts, and the screen's size is
known only after, so a full-screen kiosk on a small screen starts itself once more with the factor
set (:func:`relaunch_if_small`). A factor the person set themselves is kept.
"""

from __future__ import annotations

import logging
import math
import os
import sys

SMALLEST = (1280, 800)
"""The smallest screen the kiosk's layouts are made for, in pixels."""
MIN_SCALE = 0.5
"""Below this the type is too small to read at arm's length: the kiosk stays squeezed instead."""
SCALE_ENV = "QT_SCALE_FACTOR"
RELAUNCHED_ENV = "SKINLAB_KIOSK_RELAUNCHED"
"""Set on the second start, so a screen that still reports too small a size is never a loop."""

log = logging.getLogger(__name__)


def fit_scale(width: int, height: int) -> float | None:
    """The factor (a multiple of 0.05) that fits :data:`SMALLEST` on a ``width`` x ``height``
    screen, or None when the screen is big enough or too small for any readable factor."""
    factor = min(width / SMALLEST[0], height / SMALLEST[1])
    if factor >= 1:
        return None
    stepped = math.floor(factor * 20 + 1e-9) / 20
    return stepped if stepped >= MIN_SCALE else None


def relaunch_argv() -> list[str]:
    """The command that started this process: the app's own binary when built, else Python with
    the same arguments (``-m app``, the ``skinlab`` script...)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *sys.argv[1:]]
    return [sys.executable, *sys.orig_argv[1:]]


def relaunch_if_small(width: int, height: int) -> None:
    """Start again with Qt's scale factor set when the screen is smaller than :data:`SMALLEST`.
    Returns only when nothing is to be done; otherwise the process is replaced."""
    if SCALE_ENV in os.environ or RELAUNCHED_ENV in os.environ:
        return
    factor = fit_scale(width, height)
    if factor is None:
        return
    log.info("Screen %dx%d is smaller than %dx%d: starting again at %.2fx", width, height,
             *SMALLEST, factor)  # fmt: skip
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    env = {**os.environ, SCALE_ENV: f"{factor:g}", RELAUNCHED_ENV: "1"}
    argv = relaunch_argv()
    os.execve(argv[0], argv, env)
