"""A SkinLab process to kill: ``python -m tests.helpers.crash_worker MODE DATA_DIR``.

It works through the real app context in a loop and prints one line per finished step, flushed,
so the test knows exactly what was reported done before its ``kill -9``:
``save`` (analyses with photos), ``migrate`` (a fresh database to the newest schema), ``cache``
(analysis-cache entries) and ``backup`` (online backups of a database of a few MB).
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

from app.context import AppContext
from core.storage.migrate import backup_sqlite
from core.storage.results import save_analysis


def fake_result() -> dict[str, object]:
    return {
        "analysis_id": str(uuid.uuid4()),
        "skin_score": 61.0,
        "engine_version": "crash-test",
        "metrics": {"hydration": 50.0, "oiliness": 40.0, "elasticity": 60.0, "pores": 30.0},
    }


def save_forever(ctx: AppContext) -> None:
    ctx.database  # noqa: B018
    print("ready", flush=True)
    while True:
        photo = os.urandom(int.from_bytes(os.urandom(2), "big") % 60_000 + 20_000)
        result = fake_result()
        with ctx.database.write() as session:
            save_analysis(session, ctx.images, result=result, user_id=None, image=photo,
                          media_type="image/jpeg", thumbnail=photo[:4000])  # fmt: skip
        print(f"saved {result['analysis_id']}", flush=True)


def cache_forever(ctx: AppContext) -> None:
    ctx.cache.get("warm-up")
    print("ready", flush=True)
    n = 0
    while True:
        key = f"entry-{n}"
        ctx.cache.set(key, {"n": n, "blob": os.urandom(20_000).hex()})
        print(f"cached {key}", flush=True)
        n += 1


def backup_forever(ctx: AppContext) -> None:
    db = ctx.database
    with db.write() as session:  # a database worth backing up: a few MB of rows
        for _ in range(120):
            padded = {**fake_result(), "padding": os.urandom(16_000).hex()}
            save_analysis(session, ctx.images, result=padded, user_id=None, image=None)
    print("ready", flush=True)
    while True:
        made = backup_sqlite(db, ctx.paths.backups, label="crash")
        print(f"backup {made.name if made else None}", flush=True)


def main(mode: str, data_dir: str) -> None:
    ctx = AppContext.from_args(Path(data_dir))
    if mode == "migrate":
        ctx.at_rest  # noqa: B018  (the data directory and its key first: not what is tested)
        print("migrating", flush=True)
        ctx.database  # noqa: B018
        print("migrated", flush=True)
    elif mode == "save":
        save_forever(ctx)
    elif mode == "cache":
        cache_forever(ctx)
    elif mode == "backup":
        backup_forever(ctx)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
