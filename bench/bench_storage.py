"""Storage lookups through the ORM against the same SQL in raw ``sqlite3``, on a large database,
and the same ORM lookups on a SQLCipher-encrypted copy of it (the cost of encryption at rest): a
user by email, a patient's 50 latest analyses as whole rows, and the 50 latest visits as the app's
history reads them (``patients_record.latest_visits``, from the covering index).

The database is built by the real migrations, then seeded with raw ``sqlite3`` in one transaction
in the exact text formats SQLAlchemy writes on SQLite, and cached under ``bench/.data/``.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import inspect, select
from sqlalchemy.orm import Mapper

from bench import Row
from core.storage.database import BUSY_TIMEOUT_MS, Database, sqlite_url
from core.storage.migrate import MIGRATIONS, head_revision, upgrade
from core.storage.models import SkinAnalysisResult, User
from core.storage.repositories import analyses, patients_record, users
from core.storage.sqlcipher import CIPHER_SETTINGS, attach_encrypted

SEED_VERSION = 2
DATA_DIR = Path(__file__).resolve().parent / ".data"
REGULAR_SHARE = 10  # one user in REGULAR_SHARE comes back often and has REGULAR_VISITS analyses
REGULAR_VISITS = 60
LATEST = 50
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)
FIRST = ("ana", "ben", "chloe", "dev", "eva", "farid", "grace", "hugo", "ines", "jon")
LAST = ("smith", "garcia", "nguyen", "muller", "rossi", "kim", "okafor", "silva", "berg")
SKIN_TYPES = ("normal", "dry", "oily", "combination", "sensitive")
REGIONS = ("forehead", "nose", "left_cheek", "right_cheek", "chin")
USER_COLUMNS = (
    "user_id, email, first_name, last_name, hashed_password, age, skin_type, is_active, "
    "preferences, profile_picture_url, last_login, role, failed_login_count, locked_until, "
    "created_at, updated_at"
)
ANALYSIS_COLUMNS = (
    "analysis_id, user_id, skin_type_detected, engine_version, created_at, updated_at, "
    "image_sha256, thumbnail_sha256, analysis_duration_seconds, skin_score, hydration_level, "
    "oiliness_level, elasticity_level, pore_size, confidence_score, "
    "conditions, recommendations, routine, metrics, region_metrics, result"
)

Lookup = Callable[[Any], int]


@dataclass(frozen=True)
class Size:
    users: int
    analyses: int
    lookups: int
    warmup: int


@dataclass(frozen=True)
class Seeded:
    path: Path
    seconds: float
    emails: list[str]
    regulars: list[str]


def _sa_datetime(moment: datetime) -> str:
    """SQLAlchemy's DateTime text on SQLite: naive UTC, always six digits of microseconds."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _uuid_hex(rng: random.Random) -> str:
    """SQLAlchemy's ``Uuid`` on SQLite: 32 hex digits, no dashes."""
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _analysis_json(r: random.Random) -> tuple[str, ...]:
    """One analysis's six JSON columns, shaped like engine output, dumped as SQLAlchemy does."""

    def level() -> float:
        return round(r.random(), 4)

    advice = [f"Use a gentle cleanser twice a day ({level()})", "Apply SPF 30 every morning"]
    routine = {"morning": ["cleanser", "serum", "spf"], "evening": ["cleanser", "retinol"]}
    metrics = {k: level() for k in ("hydration", "oiliness", "elasticity", "pores", "redness")}
    regions = {g: {"redness": level(), "oiliness": level()} for g in REGIONS}
    result = {"quality": {"blur": level(), "brightness": level()}, "face_found": True}
    conditions = r.sample(["acne", "redness", "dryness", "pores"], 2)
    return tuple(json.dumps(v) for v in (conditions, advice, routine, metrics, regions, result))


def _user_rows(rng: random.Random, count: int) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        created = _sa_datetime(EPOCH + SPAN * rng.random() / 4)
        salt = hashlib.sha256(f"salt{i}".encode()).hexdigest()
        hashed = f"$argon2id$v=19$m=19456,t=2,p=1${salt[:22]}${salt[22:]}"
        rows.append(
            (
                _uuid_hex(rng),
                f"{first}.{last}.{i}@example.org",
                first.title(),
                last.title(),
                hashed,
                rng.randint(16, 90),
                rng.choice(SKIN_TYPES),
                1,
                json.dumps({"language": "en", "units": "metric", "reminders": rng.random() < 0.5}),
                None,
                created,
                "admin" if i == 0 else "patient",
                0,
                None,
                created,
                created,
            )
        )
    return rows


def _analysis_rows(
    rng: random.Random, *, user_ids: Sequence[str], count: int, images: Sequence[str]
) -> Iterator[tuple[Any, ...]]:
    """Analyses in time order, as a real database fills (on SQLite the schema's trigger,
    migration 0010, stores each patient's rows together as they arrive)."""
    regulars = len(user_ids) // REGULAR_SHARE
    owners = [i for i in range(regulars) for _ in range(REGULAR_VISITS)]
    owners += rng.choices(range(regulars, len(user_ids)), k=count - len(owners))
    rng.shuffle(owners)
    pool = [_analysis_json(rng) for _ in range(1024)]
    step = SPAN / count
    for i, owner in enumerate(owners):
        created = _sa_datetime(EPOCH + step * i)
        numbers = (round(rng.uniform(40, 95), 2), *(rng.random() for _ in range(5)))
        yield (
            *(_uuid_hex(rng), user_ids[owner], rng.choice(SKIN_TYPES), "0.1.0", created, created),
            *(rng.choice(images), rng.choice(images), rng.uniform(0.5, 3.0), *numbers),
            *rng.choice(pool),
        )


def _insert(table: str, columns: str) -> str:
    """Name the columns, so columns that later migrations add take their server defaults."""
    marks = ", ".join("?" * len(columns.split(",")))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"


def _seed(path: Path, size: Size) -> None:
    tmp = path.with_suffix(".tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    db = Database(sqlite_url(tmp))
    upgrade(db)
    db.dispose()
    rng = random.Random(SEED_VERSION)
    user_rows = _user_rows(rng, size.users)
    images = [hashlib.sha256(f"image{i}".encode()).hexdigest() for i in range(10_000)]
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "cache_size = -2000000",
            "foreign_keys = ON",
        ):
            conn.execute(f"PRAGMA {pragma}")
        stamp = _sa_datetime(EPOCH)
        conn.execute("BEGIN")
        conn.executemany(_insert("users", USER_COLUMNS), user_rows)
        conn.executemany(
            "INSERT INTO images (sha256, media_type, size_bytes, width, height, created_at, "
            "updated_at) VALUES (?, 'image/jpeg', 250000, 1280, 960, ?, ?)",
            ((sha, stamp, stamp) for sha in images),
        )
        conn.executemany(
            _insert("skin_analysis_results", ANALYSIS_COLUMNS),
            _analysis_rows(
                rng, user_ids=[r[0] for r in user_rows], count=size.analyses, images=images
            ),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    tmp.replace(path)


def prepare(size: Size) -> Seeded:
    """Seed once per schema (migration scripts) and seed version; later runs reuse the file."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    scripts = hashlib.sha256(b"".join(f.read_bytes() for f in sorted(MIGRATIONS.rglob("*.py"))))
    schema = f"{head_revision()}-{scripts.hexdigest()[:8]}"
    stem = f"storage-{schema}-v{SEED_VERSION}-{size.users}u-{size.analyses}a"
    path, meta = DATA_DIR / f"{stem}.db", DATA_DIR / f"{stem}.json"
    if not (path.exists() and meta.exists()):
        print(f"  seeding {path.name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        _seed(path, size)
        meta.write_text(json.dumps({"seed_seconds": time.perf_counter() - started}))
    seconds = float(json.loads(meta.read_text())["seed_seconds"])
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        emails = [e for (e,) in conn.execute("SELECT email FROM users")]
        regulars = [
            u
            for (u,) in conn.execute(
                "SELECT user_id FROM skin_analysis_results GROUP BY user_id HAVING count(*) >= ?",
                (LATEST,),
            )
        ]
    finally:
        conn.close()
    return Seeded(path=path, seconds=seconds, emails=emails, regulars=regulars)


def _loaded_columns(model: type[User] | type[SkinAnalysisResult]) -> list[Any]:
    """The columns the ORM selects, in its order: deferred ones (the users' search key) are left out."""
    mapper: Mapper[Any] = inspect(model)
    return [prop.columns[0] for prop in mapper.column_attrs if not prop.deferred]


def _decoder(
    model: type[User] | type[SkinAnalysisResult],
) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """Turn a raw row into the Python values the ORM gives, to show what plain decoding costs."""

    def as_datetime(text: str | None) -> datetime | None:
        return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)

    def convert(column: Any) -> Callable[[Any], Any]:
        kind = type(column.type).__name__
        if kind == "Uuid":
            return lambda v: None if v is None else uuid.UUID(v)
        if kind == "JSON":
            return json.loads
        if kind == "UTCDateTime":
            return as_datetime
        if kind == "Boolean":
            return bool
        return lambda v: v

    converters = [convert(c) for c in _loaded_columns(model)]
    return lambda row: tuple(f(v) for f, v in zip(converters, row, strict=True))


def _statements(db: Database) -> tuple[str, str]:
    """The exact SQL the repositories send, so the raw side runs the same query shape."""
    by_email = select(User).where(User.email == "")
    latest = (
        select(SkinAnalysisResult)
        .where(SkinAnalysisResult.user_id == uuid.uuid4())
        .order_by(SkinAnalysisResult.created_at.desc())
        .limit(LATEST)
    )
    return str(by_email.compile(db.engine)), str(latest.compile(db.engine))


def _check(ok: bool, problem: str) -> None:
    if not ok:
        raise RuntimeError(f"benchmark database is not what the ORM expects: {problem}")


def _verify(db: Database, conn: sqlite3.Connection, seeded: Seeded) -> None:
    """Read seeded rows back through the ORM; binding its values must match the stored text."""
    decode_user, decode_analysis = _decoder(User), _decoder(SkinAnalysisResult)
    by_email, latest = _statements(db)
    with db.read() as session:
        user = users.get_by_email(session, seeded.emails[-1])
        _check(user is not None, "a seeded user is not found by email")
        assert user is not None
        raw = conn.execute(by_email, (user.email,)).fetchone()
        loaded = tuple(getattr(user, c.key) for c in _loaded_columns(User))
        _check(decode_user(raw) == loaded, f"user row {raw} reads back as {loaded}")
        same = select(User.email).where(
            User.user_id == user.user_id, User.created_at == user.created_at
        )
        _check(session.scalar(same) == user.email, "UUID or datetime text differs")
        owner = uuid.UUID(seeded.regulars[0])
        rows = analyses.latest_for_user(session, owner, limit=LATEST)
        raw_rows = conn.execute(latest, (owner.hex, LATEST, 0)).fetchall()
        columns = _loaded_columns(SkinAnalysisResult)
        _check(
            len(rows) == LATEST
            and [decode_analysis(r) for r in raw_rows]
            == [tuple(getattr(a, c.key) for c in columns) for a in rows],
            "analyses read through the ORM differ from the raw rows",
        )


def _plan(conn: sqlite3.Connection, sql: str, params: Sequence[Any], *, needs: str) -> str:
    plan = "; ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    if needs not in plan or "TEMP B-TREE" in plan:
        raise RuntimeError(f"query does not use {needs} as expected: {plan}")
    return plan


def _measure(
    calls: dict[str, Lookup], keys: Sequence[Any], *, warmup: int
) -> dict[str, list[float]]:
    """Time each call on the same keys, in a shuffled order per key; every call must agree."""
    order = list(calls)
    shuffle = random.Random(7).shuffle
    times: dict[str, list[float]] = {name: [] for name in calls}
    for position, key in enumerate(keys):
        shuffle(order)
        counts: set[int] = set()
        for name in order:
            started = time.perf_counter_ns()
            counts.add(calls[name](key))
            if position >= warmup:
                times[name].append((time.perf_counter_ns() - started) / 1e6)
        if len(counts) != 1 or 0 in counts:
            raise AssertionError(f"the variants returned different row counts for {key!r}")
    return times


def _rows(benchmark: str, times: dict[str, list[float]]) -> list[Row]:
    def pct(name: str, p: int) -> float:
        return statistics.quantiles(times[name], n=100, method="inclusive")[p - 1]

    return [
        Row(benchmark, "ORM p50", pct("orm", 50), "ms"),
        Row(benchmark, "ORM p95", pct("orm", 95), "ms"),
        Row(benchmark, "raw sqlite3 p50", pct("raw", 50), "ms"),
        Row(benchmark, "raw sqlite3 p95", pct("raw", 95), "ms"),
        Row(benchmark, "ORM / raw (medians)", pct("orm", 50) / pct("raw", 50), "x", "<= 2"),
        Row(benchmark, "ORM / raw+decode (medians)", pct("orm", 50) / pct("decoded", 50), "x"),
    ]


def _open_raw(path: Path) -> sqlite3.Connection:
    """A plain driver connection with the app's pragmas, so both sides read the same way."""
    conn = sqlite3.connect(path, check_same_thread=False)
    for pragma in (f"busy_timeout = {BUSY_TIMEOUT_MS}", "foreign_keys = ON", "synchronous = FULL"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def _lookups(db: Database, conn: sqlite3.Connection) -> tuple[dict[str, Lookup], dict[str, Lookup]]:
    """ORM, raw and raw-plus-decoding variants of both queries; raw runs the ORM's exact SQL."""
    by_email, latest = _statements(db)
    index = "ix_skin_analysis_results_user_history (user_id=?)"
    plans = (
        _plan(conn, by_email, ("x",), needs="(email=?)"),
        _plan(conn, latest, ("x", LATEST, 0), needs=index),
    )
    print("  query plans: " + " | ".join(plans), file=sys.stderr)
    decode_user, decode_analysis = _decoder(User), _decoder(SkinAnalysisResult)

    def orm_user(email: str) -> int:
        with db.read() as session:
            return int(users.get_by_email(session, email) is not None)

    def raw_user(email: str) -> int:
        return int(conn.execute(by_email, (email,)).fetchone() is not None)

    def decoded_user(email: str) -> int:
        return len([decode_user(r) for r in conn.execute(by_email, (email,)).fetchmany(1)])

    def orm_latest(owner: tuple[uuid.UUID, str]) -> int:
        with db.read() as session:
            return len(analyses.latest_for_user(session, owner[0], limit=LATEST))

    def raw_latest(owner: tuple[uuid.UUID, str]) -> int:
        return len(conn.execute(latest, (owner[1], LATEST, 0)).fetchall())

    def decoded_latest(owner: tuple[uuid.UUID, str]) -> int:
        rows = conn.execute(latest, (owner[1], LATEST, 0)).fetchall()
        return len([decode_analysis(r) for r in rows])

    return (
        {"orm": orm_user, "raw": raw_user, "decoded": decoded_user},
        {"orm": orm_latest, "raw": raw_latest, "decoded": decoded_latest},
    )


BENCH_KEY = hashlib.sha256(b"skinlab storage benchmark key").digest()


def _exported_copy(seeded: Path, *, encrypted: bool) -> Path:
    """The seeded file exported once by SQLCipher (cached beside it): encrypted, as the app stores
    an existing database it encrypts, or plain. Both copies come out of the same export, page for
    page in the same order and fill, so plain against encrypted measures the encryption alone: the
    seeded file itself has half-filled pages where the export packs them, and packed pages split
    on an insert (a save on the packed copy writes ~4 more pages, docs/benchmarks.md)."""
    settings = hashlib.sha256(repr(CIPHER_SETTINGS).encode()).hexdigest()[:6]
    kind = f"encrypted-{settings}" if encrypted else "exported"
    target = seeded.with_name(f"{seeded.stem}-{kind}.db")
    if target.exists():
        return target
    tmp = target.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlcipher3.connect(str(seeded))
    try:
        if encrypted:
            attach_encrypted(conn, tmp, BENCH_KEY)
        else:
            conn.execute("ATTACH DATABASE ? AS encrypted KEY ''", (str(tmp),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    tmp.replace(target)
    return target


def _encrypted_copy(seeded: Path) -> Path:
    return _exported_copy(seeded, encrypted=True)


def _plain_copy(seeded: Path) -> Path:
    return _exported_copy(seeded, encrypted=False)


def _encryption_rows(seeded: Seeded, size: Size) -> list[Row]:
    """ORM lookups on the plain and the encrypted copy of the seeded file, same keys, shuffled
    per key."""
    plain_path, encrypted_path = _plain_copy(seeded.path), _encrypted_copy(seeded.path)
    for path in (plain_path, encrypted_path):
        with path.open("rb") as warm:
            while warm.read(1 << 24):
                pass
    plain, encrypted = (
        Database(sqlite_url(plain_path)),
        Database(sqlite_url(encrypted_path), key=BENCH_KEY),
    )
    try:

        def by_email(db: Database) -> Lookup:
            def lookup(email: str) -> int:
                with db.read() as session:
                    return int(users.get_by_email(session, email) is not None)

            return lookup

        def latest(db: Database) -> Lookup:
            def lookup(owner: uuid.UUID) -> int:
                with db.read() as session:
                    return len(analyses.latest_for_user(session, owner, limit=LATEST))

            return lookup

        def history(db: Database) -> Lookup:
            def lookup(owner: uuid.UUID) -> int:
                with db.read() as session:
                    return len(patients_record.latest_visits(session, owner, limit=LATEST))

            return lookup

        pick = random.Random(SEED_VERSION + 2)
        count = size.lookups + size.warmup
        emails = pick.choices(seeded.emails, k=count)
        owners = [uuid.UUID(h) for h in pick.choices(seeded.regulars, k=count)]
        user_times = _measure(
            {"plain": by_email(plain), "encrypted": by_email(encrypted)},
            emails,
            warmup=size.warmup,
        )
        latest_times = _measure(
            {"plain": latest(plain), "encrypted": latest(encrypted)}, owners, warmup=size.warmup
        )
        history_times = _measure(
            {"plain": history(plain), "encrypted": history(encrypted)}, owners, warmup=size.warmup
        )
    finally:
        plain.dispose()
        encrypted.dispose()
    rows: list[Row] = []
    for label, times in (
        ("user by email", user_times),
        (f"latest {LATEST} analyses, whole rows", latest_times),
        (f"latest {LATEST} visits (history)", history_times),
    ):
        name = f"storage encrypted: {label}"
        plain_p50 = statistics.median(times["plain"])
        encrypted_p50 = statistics.median(times["encrypted"])
        rows += [
            Row(name, "ORM plain p50", plain_p50, "ms"),
            Row(name, "ORM SQLCipher p50", encrypted_p50, "ms"),
            Row(name, "encrypted / plain (medians)", encrypted_p50 / plain_p50, "x", "<= 1.3"),
        ]
    return rows


def run(quick: bool) -> list[Row]:
    size = Size(10_000, 100_000, 500, 100) if quick else Size(100_000, 1_000_000, 2_000, 200)
    seeded = prepare(size)
    with seeded.path.open("rb") as warm:  # measure with the file in the OS page cache
        while warm.read(1 << 24):
            pass
    db = Database(sqlite_url(seeded.path))
    conn = _open_raw(seeded.path)
    try:
        _verify(db, conn, seeded)
        user_lookups, latest_lookups = _lookups(db, conn)
        pick = random.Random(SEED_VERSION + 1)
        count = size.lookups + size.warmup
        emails = pick.choices(seeded.emails, k=count)
        owners = [(uuid.UUID(h), h) for h in pick.choices(seeded.regulars, k=count)]
        user_times = _measure(user_lookups, emails, warmup=size.warmup)
        latest_times = _measure(latest_lookups, owners, warmup=size.warmup)
    finally:
        conn.close()
        db.dispose()
    seed_label = f"storage: seed {size.users:,} users + {size.analyses:,} analyses"
    return [
        *_rows("storage: user by email", user_times),
        *_rows(f"storage: latest {LATEST} analyses", latest_times),
        Row(seed_label, "seeding time (when the cache was built)", seeded.seconds, "s", "<= 180"),
        *_encryption_rows(seeded, size),
    ]
