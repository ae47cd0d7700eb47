"""The server's proof that a person signed in online on this device (``POST /v1/grants``).

Changes that need an administrator's authority (roles, others' passwords, deactivating or erasing
users) and a user's change of their own password reach the server only with a proof of that
person: the device token says which device speaks, never who sat at it. The proof is kept in
``sync_state`` (so a ``skinlab sync`` process uses it), never the password, and forgotten at
sign-out. A change the server refused only for want of a proof is held in a batch of its own until
a new proof is here (:mod:`core.sync.engine`). A change always goes in the name of the person who
made it (``actor``, recorded when it was made), never of whoever's proof the device holds later.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from core.storage.database import Database
from core.sync import state
from core.sync.protocol import GrantResponse

HELD = "held_for_proof"
"""The key, in a held batch's payload, of the proof it was last refused with ('' for none)."""


@dataclass(frozen=True)
class Grant:
    token: str
    user_id: str
    expires_at: int

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.token.encode()).hexdigest()[:16]


def marker(grant: Grant | None) -> str:
    """What a held batch remembers of the proof it was refused under: it goes again only when
    this changes (a new proof)."""
    return grant.fingerprint if grant is not None else ""


def current(db: Database, *, now: float | None = None) -> Grant | None:
    """The proof held here, unless it has expired by this device's clock."""
    facts = state.read_all(db)
    token, user = facts.get(state.GRANT, ""), facts.get(state.GRANT_USER, "")
    try:
        expires = int(facts.get(state.GRANT_EXPIRES, "0"))
    except ValueError:
        return None
    if not token or not user or expires <= (time.time() if now is None else now):
        return None
    return Grant(token, user, expires)


def store(db: Database, answer: GrantResponse) -> Grant:
    state.write(
        db,
        **{
            state.GRANT: answer.grant,
            state.GRANT_USER: answer.user_id,
            state.GRANT_EXPIRES: str(answer.expires_at),
            state.GRANT_NOTE: "",
        },
    )
    return Grant(answer.grant, answer.user_id, answer.expires_at)


def forget(db: Database, *, note: str = "") -> None:
    """Sign-out: the proof goes; ``note`` says why, for the status line."""
    facts = state.read_all(db)
    if not facts.get(state.GRANT) and facts.get(state.GRANT_NOTE, "") == note:
        return  # nothing held (a device that never asked): nothing to write
    values = {state.GRANT: "", state.GRANT_USER: "", state.GRANT_EXPIRES: "0"}
    state.write(db, **values, **{state.GRANT_NOTE: note})


def note(db: Database, text: str) -> None:
    """Why the last request for a proof failed (offline, refused), for the status line."""
    state.write(db, **{state.GRANT_NOTE: text})
