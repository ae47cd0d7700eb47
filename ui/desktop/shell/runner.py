"""Background work on behalf of one signed-in session.

Answers that arrive after the session ended (sign-out, another person signing in) are dropped, so
a slow query started by one clinician can never paint into the next one's screens. An answer that
says the session itself is no longer valid (expired token, deactivated account) goes to the shell,
which locks the window, whatever the screen that asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from core.errors import InactiveUserError, InvalidTokenError, SkinLabError
from ui.background import BackgroundOp, Pools

T = TypeVar("T")
Failure = Callable[[BaseException], None]

SESSION_ERRORS = (InvalidTokenError, InactiveUserError)


def message_for(exc: BaseException) -> str:
    """What to tell a person: our typed errors carry their own message; anything else is a bug."""
    if isinstance(exc, SkinLabError):
        return exc.message
    return f"Something went wrong ({type(exc).__name__}). The details are in the log file."


class SessionRunner:
    def __init__(self, pools: Pools, *, on_session_lost: Failure, on_failure: Failure) -> None:
        self.pools = pools
        self.alive = True
        self._on_session_lost = on_session_lost
        self._on_failure = on_failure

    def close(self) -> None:
        self.alive = False

    def db(
        self, fn: Callable[[], T], done: Callable[[T], None], failed: Failure | None = None
    ) -> None:
        """Database work, on the single database thread."""
        self._run(fn, done, failed, db=True)

    def work(
        self, fn: Callable[[], T], done: Callable[[T], None], failed: Failure | None = None
    ) -> None:
        """Files and image work, on the general pool."""
        self._run(fn, done, failed, db=False)

    def _run(
        self, fn: Callable[[], T], done: Callable[[T], None], failed: Failure | None, *, db: bool
    ) -> None:
        def ok(result: T) -> None:
            if self.alive:
                done(result)

        def err(exc: BaseException) -> None:
            if not self.alive:
                return
            if isinstance(exc, SESSION_ERRORS):
                self._on_session_lost(exc)
            elif failed is not None:
                failed(exc)
            else:
                self._on_failure(exc)

        BackgroundOp(fn).success(ok).failure(err).run(self.pools.db if db else self.pools.work)
