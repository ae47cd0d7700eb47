"""Database pages read to answer one storage lookup, counted by the kernel: ``python -m bench.storage_pages
[--quick]`` runs each lookup under ``strace`` (Debian package strace) on the storage benchmark's
database and its encrypted copy, a fresh connection per patient, and counts the 4 KiB ``pread64``
calls. A baseline run (open, read the schema, no lookup) is subtracted, so the number is the
lookup's own pages: each one is decrypted and HMAC-checked on an encrypted database. Then the same
SQL is timed on one kept connection per file (the same SQLite build, ``sqlcipher3``, on both), so
the cost of encryption shows without the ORM's decoding around it.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlcipher3
from sqlalchemy import bindparam, select

from bench.bench_storage import BENCH_KEY, LATEST, SEED_VERSION, Size, _encrypted_copy, prepare
from core.storage.database import Database
from core.storage.models import SkinAnalysisResult
from core.storage.sqlcipher import unlock

PATIENTS = 20
TIMED = 600
BASELINE = "SELECT count(*) FROM sqlite_master"


def _queries() -> dict[str, str]:
    """The SQL the repositories send for the two lookups, as SQLite receives it."""
    db = Database("sqlite://")
    try:
        latest = (
            select(SkinAnalysisResult)
            .where(SkinAnalysisResult.user_id == bindparam("u"))
            .order_by(SkinAnalysisResult.created_at.desc())
            .limit(LATEST)
        )
        a = SkinAnalysisResult
        history = (  # patients_record.latest_visits's columns (the covering index's)
            select(a.analysis_id, a.created_at, a.skin_score, a.metrics)
            .add_columns(a.thumbnail_sha256, a.image_sha256, a.engine_version)
            .where(SkinAnalysisResult.user_id == bindparam("u"))
            .order_by(SkinAnalysisResult.created_at.desc())
            .limit(LATEST)
        )
        return {
            "whole rows": str(latest.compile(db.engine)),
            "history": str(history.compile(db.engine)),
        }
    finally:
        db.dispose()


def _child(path: Path, encrypted: bool, sql: str, owners: list[str]) -> None:
    """Runs under strace: one fresh connection per patient."""
    for owner in owners:
        conn = sqlcipher3.connect(str(path))
        if encrypted:
            unlock(conn, BENCH_KEY)
        conn.execute(BASELINE).fetchall()
        if sql != BASELINE:
            rows = conn.execute(sql, _params(sql, owner)).fetchall()
            assert len(rows) == LATEST, (owner, len(rows))
        conn.close()


def _count(path: Path, encrypted: bool, sql: str, owners: list[str]) -> int:
    strace = shutil.which("strace")
    if strace is None:
        raise SystemExit("strace is not installed (apt-get install strace)")
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as log:
        command = [sys.executable, "-m", "bench.storage_pages", "--child", str(path)]
        command += ["--encrypted"] if encrypted else []
        subprocess.run(
            [strace, "-f", "-e", "trace=pread64", "-o", log.name, *command, sql, *owners],
            check=True,
        )
        return sum(1 for line in log if ", 4096, " in line)


def _params(sql: str, owner: str) -> tuple[str | int, ...]:
    return (owner, LATEST, 0) if sql.count("?") == 3 else (owner, LATEST)


def _timed(files: dict[str, tuple[Path, bool]], sql: str, owners: list[str]) -> dict[str, float]:
    """Medians in ms, both files read in a shuffled order per patient."""
    conns = {}
    for label, (path, encrypted) in files.items():
        with path.open("rb") as warm:  # the file in the OS page cache, as in bench_storage
            while warm.read(1 << 24):
                pass
        conn = sqlcipher3.connect(str(path), check_same_thread=False)
        if encrypted:
            unlock(conn, BENCH_KEY)
        conns[label] = conn
    times: dict[str, list[float]] = {label: [] for label in conns}
    order, shuffle = list(conns), random.Random(5).shuffle
    for owner in owners:
        shuffle(order)
        for label in order:
            started = time.perf_counter_ns()
            rows = conns[label].execute(sql, _params(sql, owner)).fetchall()
            times[label].append((time.perf_counter_ns() - started) / 1e6)
            assert len(rows) == LATEST
    for conn in conns.values():
        conn.close()
    return {label: statistics.median(t) for label, t in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", type=Path)
    parser.add_argument("--encrypted", action="store_true")
    parser.add_argument("--file", type=Path, help="count on this copy of the seeded database")
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()
    if args.child is not None:
        _child(args.child, args.encrypted, args.rest[0], args.rest[1:])
        return 0
    size = Size(10_000, 100_000, 500, 100) if args.quick else Size(100_000, 1_000_000, 2_000, 200)
    seeded = prepare(size)
    path = args.file or seeded.path  # e.g. a copy migrated from an older schema
    files = {"plain": (path, False), "SQLCipher": (_encrypted_copy(path), True)}
    owners = [
        uuid.UUID(h).hex for h in random.Random(SEED_VERSION + 4).sample(seeded.regulars, PATIENTS)
    ]
    print(f"pages read per lookup of {LATEST} rows, mean of {PATIENTS} patients:")
    for label, (path, encrypted) in files.items():
        base = _count(path, encrypted, BASELINE, owners)
        for name, sql in _queries().items():
            pages = (_count(path, encrypted, sql, owners) - base) / PATIENTS
            print(f"  {label:9} {name:10} {pages:6.1f}")
    pick = random.Random(SEED_VERSION + 5)
    timed = [uuid.UUID(h).hex for h in pick.choices(seeded.regulars, k=TIMED)]
    print(f"raw SQL, one kept connection per file, medians of {TIMED} patients:")
    for name, sql in _queries().items():
        medians = _timed(files, sql, timed)
        clear, secret = medians["plain"], medians["SQLCipher"]
        print(f"  {name:10} plain {clear:.3f} ms, SQLCipher {secret:.3f} ms, {secret / clear:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
