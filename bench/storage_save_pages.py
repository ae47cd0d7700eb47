"""Pages one save of an analysis reads and writes, counted by the kernel, plain and SQLCipher:
``python -m bench.storage_save_pages [--quick]`` runs ``bench_storage_writes``'s unit of work on
fresh copies of the storage benchmark's plain and encrypted exports under ``strace`` (Debian
package strace), and counts, between the warm-up and the end, the 4 KiB ``pread64`` calls on the
database file (pages not in SQLite's cache: on SQLCipher each one is HMAC-checked and decrypted)
and the 4 KiB frames written to the write-ahead log (on SQLCipher each one is encrypted and
HMAC'd). The checkpoint's copies from the log to the file move encrypted pages as they are and are
not counted. Unlike a time, these counts do not move with the machine's load.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

from bench.bench_storage import BENCH_KEY, SEED_VERSION, Size, _encrypted_copy, _plain_copy, prepare
from bench.bench_storage_writes import _inserter, _scratch
from core.storage.database import Database, sqlite_url

SAVES, WARMUP = 300, 50
MARK = "/skinlab-bench-mark"  # looked up (and not found) between the warm-up and the saves
_OPEN = re.compile(r'openat\(.*?"(?P<path>[^"]*)".*= (?P<fd>\d+)$')
_IO = re.compile(r"(?P<call>pread64|pwrite64)\((?P<fd>\d+), .*, 4096, \d+\)\s+= 4096")


def _child(path: Path, encrypted: bool, owners: list[str]) -> None:
    """Runs under strace: the warm-up, the mark, the counted saves, the mark."""
    db = Database(sqlite_url(path), key=BENCH_KEY if encrypted else None)
    insert = _inserter(db, random.Random(1))
    try:
        for position, owner in enumerate(owners):
            if position in (WARMUP, len(owners) - 1):
                os.path.exists(MARK)
            insert(uuid.UUID(owner))
    finally:
        db.dispose()


def _count(source: Path, encrypted: bool, owners: list[str]) -> tuple[float, float]:
    """(pages read from the database file, frames written to the log) per counted save."""
    strace = shutil.which("strace")
    if strace is None:
        raise SystemExit("strace is not installed (apt-get install strace)")
    path = _scratch(source, "save-pages.db")
    try:
        with tempfile.NamedTemporaryFile("r", suffix=".strace") as log:
            command = [sys.executable, "-m", "bench.storage_save_pages", "--child", str(path)]
            command += ["--encrypted"] if encrypted else []
            trace = "trace=openat,pread64,pwrite64,newfstatat,stat"
            subprocess.run(
                [strace, "-f", "-e", trace, "-o", log.name, *command, *owners], check=True
            )
            files: dict[str, str] = {}
            counts: Counter[str] = Counter()
            marks = 0
            for line in log:
                if MARK in line:
                    marks += 1
                elif (opened := _OPEN.search(line)) is not None:
                    files[opened["fd"]] = opened["path"]
                elif marks == 1 and (io := _IO.search(line)) is not None:
                    name = files.get(io["fd"], "")
                    if io["call"] == "pread64" and name == str(path):
                        counts["read"] += 1
                    elif io["call"] == "pwrite64" and name == f"{path}-wal":
                        counts["written"] += 1
    finally:
        for side in ("", "-wal", "-shm"):
            Path(f"{path}{side}").unlink(missing_ok=True)
    saves = len(owners) - 1 - WARMUP
    return counts["read"] / saves, counts["written"] / saves


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", type=Path)
    parser.add_argument("--encrypted", action="store_true")
    parser.add_argument("owners", nargs="*")
    args = parser.parse_args()
    if args.child is not None:
        _child(args.child, args.encrypted, args.owners)
        return 0
    size = Size(10_000, 100_000, 500, 100) if args.quick else Size(100_000, 1_000_000, 2_000, 200)
    seeded = prepare(size)
    pick = random.Random(SEED_VERSION + 3)  # the patients bench_storage_writes saves for
    owners = pick.choices(seeded.regulars, k=SAVES + WARMUP + 1)
    print(f"pages a save reads from the file / writes to the log, mean of {SAVES} saves:")
    for label, source, encrypted in (
        ("plain", _plain_copy(seeded.path), False),
        ("SQLCipher", _encrypted_copy(seeded.path), True),
    ):
        read, written = _count(source, encrypted, owners)
        print(f"  {label:9} read {read:5.1f}  written {written:5.1f}  in all {read + written:5.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
