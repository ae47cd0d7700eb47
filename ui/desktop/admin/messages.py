"""How an Administration tab tells the person what happened: one line under the tabs."""

from __future__ import annotations

from collections.abc import Callable

Say = Callable[[str, bool], None]
"""``say(text, is_error)``."""
