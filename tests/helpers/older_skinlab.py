"""Stand in for an older SkinLab that is still running on a data directory: it holds the process
lock shared (as every SkinLab that opens the database does) and, unless ``--lock-only``, keeps the
plain database open and writes to it when told.

``python -m tests.helpers.older_skinlab DATA_DIR [--lock-only | --no-lock]`` (``--no-lock``: a
SkinLab from before the process lock, with only the database open); prints ``ready``, then reads
lines: ``add EMAIL`` copies the first user under a new id and email and commits (answers ``ok``);
``quit`` (or end of input) exits.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import sqlcipher3

from core.storage.instance import ProcessLock


def main(argv: list[str]) -> int:
    root = Path(argv[0])
    lock = None if "--no-lock" in argv else ProcessLock(root)
    if lock is not None:
        lock.share()  # started: other processes may start beside it
    conn = None if "--lock-only" in argv else sqlcipher3.connect(str(root / "skinlab.db"))
    if conn is not None:
        conn.execute(
            "SELECT count(*) FROM users"
        ).fetchone()  # opened, as SQLAlchemy's pool keeps it
    print("ready", flush=True)
    try:
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "quit":
                break
            if command == "add" and conn is not None:
                stored = [  # generated columns (hidden 2, 3) are computed, not inserted
                    r[1] for r in conn.execute("PRAGMA table_xinfo(users)") if r[6] == 0
                ]
                conn.row_factory = sqlcipher3.Row
                first = conn.execute("SELECT * FROM users LIMIT 1").fetchone()
                row = {name: first[name] for name in stored}
                row.update(user_id=uuid.uuid4().hex, email=argument)
                columns = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                conn.execute(f"INSERT INTO users ({columns}) VALUES ({marks})", list(row.values()))
                conn.commit()
                print("ok", flush=True)
    finally:
        if conn is not None:
            conn.close()
        if lock is not None:
            lock.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
