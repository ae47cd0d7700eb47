"""The tamper-evident audit log: a hash chain per device over ``audit_events``.

Append with :func:`core.storage.repositories.audit.record` inside a unit of work; check with
:func:`core.storage.repositories.audit.verify_database` (``skinlab audit verify``). The chain maths in
:mod:`core.audit.chain` is pure, so the sync server verifies pushed rows with the same code.
"""

from core.audit.chain import (
    CHAINED_FIELDS,
    GENESIS,
    ChainProblem,
    ChainReport,
    compute_hash,
    verify_rows,
)

__all__ = [
    "CHAINED_FIELDS",
    "GENESIS",
    "ChainProblem",
    "ChainReport",
    "compute_hash",
    "verify_rows",
]
