"""Sync throughput: a device pushes 10,000 analyses with their 96x96 JPEG thumbnails over loopback
to ``skinlab serve`` on PostgreSQL, compared with a raw ``COPY`` of the same rows (and the same
thumbnail bytes) into the same PostgreSQL in the same run.

PostgreSQL comes from ``SKINLAB_BENCH_DATABASE_URL`` (a server URL; a scratch database is created
and dropped), else an ephemeral ``pgserver``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psycopg
from PIL import Image
from sqlalchemy import create_engine, select, text

from app.context import AppContext
from bench import Row
from core.storage.models import ImageBlob, SkinAnalysisResult
from core.storage.repositories import consents, users
from core.storage.results import save_analysis
from core.sync import blobs
from core.sync.codec import row_change
from core.sync.engine import SyncEngine, SyncReport
from server.cli_support import create_enroll_code
from server.config import normalize_database_url

REPO = Path(__file__).resolve().parent.parent
SKINLAB = [sys.executable, "-c", "import sys, app.cli as c; sys.exit(c.main(sys.argv[1:]))"]


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A scratch database URL (SQLAlchemy form), dropped afterwards."""
    configured = os.environ.get("SKINLAB_BENCH_DATABASE_URL")
    with contextlib.ExitStack() as stack:
        if configured:
            server_url = configured
        else:
            import pgserver

            root = Path("/tmp") / f"skinlab-bench-pg-{os.getpid()}"
            pg = pgserver.get_server(root, cleanup_mode="delete")  # type: ignore[attr-defined]
            stack.callback(pg.cleanup)
            server_url = pg.get_uri()
        admin = create_engine(normalize_database_url(server_url), isolation_level="AUTOCOMMIT")
        stack.callback(admin.dispose)
        name = f"skinlab_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin.url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc), 0 where there is none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def _serve(database_url: str, scratch: Path, *options: str) -> Iterator[tuple[str, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = (scratch / "server.log").open("wb")
    process = subprocess.Popen(
        [
            *SKINLAB,
            *("--data-dir", str(scratch / "server-data"), "serve", "--port", str(port)),
            *("--blob-dir", str(scratch / "blobs")),
            *options,
        ],
        cwd=REPO,
        env={**os.environ, "SKINLAB_SERVER_DATABASE_URL": database_url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"skinlab serve did not start; see {scratch / 'server.log'}")
            time.sleep(0.05)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _thumbnails(count: int) -> Iterator[bytes]:
    """Distinct 96x96 JPEG thumbnails of a face (the astronaut), about 3.5 KB each."""
    from skimage import data

    face = data.astronaut()  # type: ignore[no-untyped-call]
    base = np.asarray(Image.fromarray(face).resize((96, 96), Image.Resampling.BILINEAR))
    seen: set[bytes] = set()
    for i in range(count):
        pixels = base.copy()
        for block in range(5):  # the index in base 16, one 8x8 block per digit: JPEG keeps it
            digit = (i >> (4 * block)) & 15
            pixels[88:96, 8 * block : 8 * block + 8] = 8 + 16 * digit
        out = io.BytesIO()
        Image.fromarray(pixels).save(out, format="JPEG", quality=85)
        if out.getvalue() in seen:
            raise RuntimeError(f"thumbnail {i} is not distinct")
        seen.add(out.getvalue())
        yield out.getvalue()


def _seed(ctx: AppContext, count: int) -> None:
    """``count`` analyses of ``count // 10`` patients, each with its own thumbnail."""
    thumbs = _thumbnails(count)
    patients = max(1, count // 10)
    done = 0
    while done < count:
        with ctx.database.write() as session:
            owners = [
                users.create(
                    session,
                    email=f"bench-{done + i}@clinic.test",
                    first_name="Bench",
                    last_name=f"Patient {done + i}",
                ).user_id
                for i in range(min(50, patients))
            ]
            patients -= len(owners)
            # Only analyses taken under a consent to sync leave the device.
            given = {
                owner: consents.record(
                    session, user_id=owner, text_version="bench", granted=True, allow_sync=True
                ).consent_id
                for owner in owners
            }
            for i in range(min(500, count - done)):
                save_analysis(
                    session,
                    ctx.images,
                    result={
                        "analysis_id": str(uuid.uuid4()),
                        "skin_score": 60 + i % 30,
                        "engine_version": "bench",
                        "metrics": {"hydration": 50.0, "oiliness": 40.0, "redness": 12.5},
                        "conditions": ["mild_redness"],
                        "recommendations": ["moisturise", "spf 50"],
                    },
                    user_id=owners[i % len(owners)] if owners else None,
                    image=None,
                    thumbnail=next(thumbs),
                    consent_id=given[owners[i % len(owners)]] if owners else None,
                )
            done += min(500, count - done)


def _copy_rows(ctx: AppContext) -> tuple[list[tuple[Any, ...]], list[tuple[str, bytes]]]:
    """The rows as the server stores them (records), and the thumbnails' bytes."""
    clinic = str(uuid.uuid4())
    rows: list[tuple[Any, ...]] = []
    with ctx.database.read() as session:
        for model in (SkinAnalysisResult, ImageBlob):
            for obj in session.scalars(select(model)):
                change = row_change(obj)
                subject = change["fields"].get("user_id")
                rows.append(
                    (
                        clinic,
                        change["entity"],
                        change["entity_id"],
                        json.dumps(change["fields"]),
                        json.dumps(change["clocks"]),
                        change["hlc"],
                        False,
                        subject,
                    )
                )
        digests = list(session.scalars(select(ImageBlob.sha256)))
    return rows, [(d, ctx.images.read(d)) for d in digests]


def _copy(
    database_url: str, rows: list[tuple[Any, ...]], files: list[tuple[str, bytes]]
) -> tuple[float, float]:
    """Seconds to COPY the rows into a table shaped like ``records``; and rows plus the bytes."""
    dsn = create_engine(database_url).url.set(drivername="postgresql")
    with psycopg.connect(dsn.render_as_string(hide_password=False)) as conn:
        conn.execute(
            "CREATE TABLE bench_records (clinic_id uuid, entity text, entity_id text, "
            "fields jsonb, clocks jsonb, hlc text, deleted boolean, subject_id text, "
            "server_seq bigserial)"
        )
        conn.execute("CREATE TABLE bench_blobs (sha256 text, data bytea)")
        conn.commit()
        started = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY bench_records (clinic_id, entity, entity_id, fields, clocks, hlc, deleted, "
                "subject_id) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        conn.commit()
        rows_s = time.perf_counter() - started
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_blobs (sha256, data) FROM STDIN") as copy:
            for item in files:
                copy.write_row(item)
        conn.commit()
        return rows_s, rows_s + time.perf_counter() - started


def _server_counts(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        found = dict(
            conn.execute(text("SELECT entity, count(*) FROM records GROUP BY entity")).all()
        )
        found["blobs"] = conn.execute(
            text("SELECT count(*) FROM blobs WHERE complete")
        ).scalar_one()
    engine.dispose()
    return {k: int(v) for k, v in found.items()}


# The server's per-device rate limit as shipped, and (for comparison) one no device reaches.
LIMITS = {
    "rate limits on (100/s, burst 1000)": (),
    "rate limits off": ("--rate", "1000000", "--burst", "100000000"),
}


def run(quick: bool) -> list[Row]:
    rows: list[Row] = []
    for label, options in LIMITS.items():
        rows += _run_once(quick, label=label, options=options)
    return rows


def _run_once(quick: bool, *, label: str, options: tuple[str, ...]) -> list[Row]:
    count = 1_000 if quick else 10_000
    name = f"sync: push {count:,} analyses + thumbnails, {label}"
    with tempfile.TemporaryDirectory() as tmp, postgres() as database_url:
        scratch = Path(tmp)
        with _serve(database_url, scratch, *options) as (url, server_pid):
            ctx = AppContext.from_args(scratch / "device")
            try:
                ctx.sync.enroll(
                    url,
                    create_enroll_code(database_url, "Bench", role="admin"),
                    device_name="bench",
                )
                _seed(ctx, count)
                rows, files = _copy_rows(ctx)
                uploading = [0.0]
                upload = blobs.upload

                def timed_upload(*args: Any, **kwargs: Any) -> bool:
                    started = time.perf_counter()
                    try:
                        return upload(*args, **kwargs)
                    finally:
                        uploading[0] += time.perf_counter() - started

                blobs.upload = timed_upload
                link = ctx.sync.transport()
                report = SyncReport()
                try:
                    started, server_cpu = time.perf_counter(), cpu_s(server_pid)
                    SyncEngine(ctx.database, ctx.images, link).push_all(report)
                    push_s = time.perf_counter() - started
                    server_cpu = cpu_s(server_pid) - server_cpu
                finally:
                    blobs.upload = upload
                    link.close()
            finally:
                ctx.close()
        counts = _server_counts(database_url)
        if counts.get("skin_analysis_results") != count or counts.get("blobs") != count:
            raise RuntimeError(f"the server did not receive everything: {counts}")
        copy_rows_s, copy_all_s = _copy(database_url, rows, files)
    thumb_kb = sum(len(data) for _, data in files) / len(files) / 1024
    return [
        Row(name, "push (uploads + batches), analyses/s", count / push_s, "1/s"),
        Row(name, "push total", push_s, "s"),
        Row(name, "server process CPU during the push", server_cpu, "s"),
        Row(name, "thumbnail upload time, summed over parallel uploads", uploading[0], "s"),
        Row(name, "changes pushed", report.pushed, "rows"),
        Row(name, "thumbnail size, mean", thumb_kb, "KB"),
        Row(name, "COPY of the same rows", copy_rows_s, "s"),
        Row(name, "COPY of the rows + thumbnail bytes", copy_all_s, "s"),
        Row(name, "push / COPY rows", push_s / copy_rows_s, "x"),
        Row(name, "push / COPY rows + bytes", push_s / copy_all_s, "x"),
    ]
