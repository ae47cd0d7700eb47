"""Sign-in timing: an unknown email must cost what a wrong password for a known email costs,
so response times do not reveal which accounts exist. Also the argon2id hash cost itself."""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench import Row
from core.auth import AuthService, LockoutPolicy, TokenSettings
from core.auth.passwords import hash_password
from core.errors import AuthError
from core.storage import Database, sqlite_url
from core.storage.migrate import upgrade


def _time_login(auth: AuthService, email: str, password: str) -> float:
    started = time.perf_counter()
    with contextlib.suppress(AuthError):
        auth.login(email, password)
    return time.perf_counter() - started


def run(quick: bool) -> list[Row]:
    rounds = 20 if quick else 100
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(sqlite_url(Path(scratch) / "auth.db"))
        upgrade(db)
        tokens = TokenSettings("k" * 64, "skinlab", "skinlab-local", timedelta(minutes=5))
        # A threshold above the rounds, so the known account never locks during the run.
        auth = AuthService(db, tokens, LockoutPolicy(threshold=10 * rounds))
        auth.register(
            email="known@clinic.org",
            first_name="K",
            last_name="N",
            role="clinician",
            password="right password",
        )
        known, unknown = [], []
        for i in range(rounds):  # interleaved, so machine noise hits both alike
            known.append(_time_login(auth, "known@clinic.org", f"wrong password {i}"))
            unknown.append(_time_login(auth, f"nobody{i}@clinic.org", "wrong password"))
        hashing = []
        for _ in range(max(5, rounds // 5)):
            started = time.perf_counter()
            hash_password("a reasonably long pass phrase")
            hashing.append(time.perf_counter() - started)
        db.dispose()
    known_ms = statistics.median(known) * 1000
    unknown_ms = statistics.median(unknown) * 1000
    return [
        Row("auth", "failed login, known email, median", known_ms, "ms"),
        Row("auth", "failed login, unknown email, median", unknown_ms, "ms"),
        Row("auth", "unknown/known login time ratio", unknown_ms / known_ms, "x", "0.8-1.25"),
        Row(
            "auth",
            "argon2id hash (m=19MiB,t=2,p=1), median",
            statistics.median(hashing) * 1000,
            "ms",
        ),
    ]
