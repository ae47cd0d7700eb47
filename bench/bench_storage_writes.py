"""The cost of saving one analysis, plain against SQLCipher-encrypted, on the storage benchmark's
large database (``bench_storage`` builds and caches it): the app's own unit of work
(``Database.write`` + ``analyses.add``: the row, its index entries, the change-capture outbox row
and the commit with ``synchronous = FULL``), in shuffled order, on throw-away copies of the plain
and the encrypted export of the seeded file (same pages, see ``bench_storage._exported_copy``).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench import Row
from bench.bench_storage import (
    BENCH_KEY,
    DATA_DIR,
    SEED_VERSION,
    Size,
    _analysis_json,
    _encrypted_copy,
    _plain_copy,
    prepare,
)
from core.storage.database import Database, sqlite_url
from core.storage.repositories import analyses

Insert = Callable[[uuid.UUID], None]


def _scratch(source: Path, name: str) -> Path:
    """A copy to write into, so the cached database stays as seeded."""
    target = DATA_DIR / "scratch" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    for side in ("", "-wal", "-shm"):
        Path(f"{target}{side}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def _inserter(db: Database, rng: random.Random) -> Insert:
    images = [hashlib.sha256(f"image{i}".encode()).hexdigest() for i in range(16)]
    pool = [_analysis_json(rng) for _ in range(64)]

    def insert(owner: uuid.UUID) -> None:
        conditions, advice, routine, metrics, regions, result = (
            json.loads(text) for text in rng.choice(pool)
        )
        with db.write() as session:
            analyses.add(
                session,
                analyses.from_metrics(
                    user_id=owner,
                    skin_score=round(rng.uniform(40, 95), 2),
                    engine_version="0.1.0",
                    metrics=metrics,
                    skin_type_detected="normal",
                    conditions=conditions,
                    recommendations=advice,
                    routine=routine,
                    region_metrics=regions,
                    result=result,
                    image_sha256=rng.choice(images),
                    thumbnail_sha256=rng.choice(images),
                    analysis_duration_seconds=rng.uniform(0.5, 3.0),
                ),
            )

    return insert


def run(quick: bool) -> list[Row]:
    size = Size(10_000, 100_000, 500, 100) if quick else Size(100_000, 1_000_000, 2_000, 200)
    seeded = prepare(size)
    writes, warmup = (200, 20) if quick else (500, 50)
    plain_path = _scratch(_plain_copy(seeded.path), "writes-plain.db")
    encrypted_path = _scratch(_encrypted_copy(seeded.path), "writes-encrypted.db")
    plain = Database(sqlite_url(plain_path))
    encrypted = Database(sqlite_url(encrypted_path), key=BENCH_KEY)
    pick = random.Random(SEED_VERSION + 3)
    owners = [uuid.UUID(h) for h in pick.choices(seeded.regulars, k=writes + warmup)]
    calls = {  # the same rows on both sides, in the same order
        "plain": _inserter(plain, random.Random(1)),
        "encrypted": _inserter(encrypted, random.Random(1)),
    }
    times: dict[str, list[float]] = {name: [] for name in calls}
    order = list(calls)
    try:
        for position, owner in enumerate(owners):
            pick.shuffle(order)
            for name in order:
                started = time.perf_counter_ns()
                calls[name](owner)
                if position >= warmup:
                    times[name].append((time.perf_counter_ns() - started) / 1e6)
    finally:
        plain.dispose()
        encrypted.dispose()
        for path in (plain_path, encrypted_path):
            for side in ("", "-wal", "-shm"):
                Path(f"{path}{side}").unlink(missing_ok=True)
    name = "storage encrypted: save one analysis"
    plain_p50, encrypted_p50 = (
        statistics.median(times["plain"]),
        statistics.median(times["encrypted"]),
    )
    return [
        Row(name, "ORM plain p50", plain_p50, "ms"),
        Row(name, "ORM SQLCipher p50", encrypted_p50, "ms"),
        Row(name, "encrypted / plain (medians)", encrypted_p50 / plain_p50, "x", "<= 1.3"),
    ]
