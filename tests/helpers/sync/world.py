"""The world of the end-to-end sync tests: a real ``skinlab serve`` process on 127.0.0.1 over a real
PostgreSQL, and devices that are real data directories opened with ``AppContext``."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image
from skimage import data as skdata

from app.context import AppContext
from core.storage.changes import acting_as
from core.storage.repositories import audit, consents, notes, users
from core.storage.results import save_analysis
from core.sync import state
from server.app import create_app
from server.cli_support import create_enroll_code
from server.config import ServerSettings
from tests.helpers.paths import REPO
from tests.helpers.server import ADMIN_PASSWORD, make_admin

SKINLAB = [sys.executable, "-c", "import sys, app.cli as c; sys.exit(c.main(sys.argv[1:]))"]
DRIVER = Path(__file__).resolve().parent / "driver.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """``skinlab serve`` as a child process that a test can kill -9 and start again."""

    def __init__(self, database_url: str, blob_dir: Path, log_dir: Path) -> None:
        self.database_url = database_url
        self.blob_dir = blob_dir
        self.log_dir = log_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, *, timeout: float = 60) -> None:
        self.starts += 1
        log = (self.log_dir / f"server-{self.port}-{self.starts}.log").open("wb")
        env = {**os.environ, "SKINLAB_SERVER_DATABASE_URL": self.database_url}
        args = ["--data-dir", str(self.log_dir / "server-data"), "serve", "--port", str(self.port)]
        args += ["--enroll-per-minute", "100000"]  # a device per test; the limit has its tests
        self.process = subprocess.Popen(
            [*SKINLAB, *args, "--blob-dir", str(self.blob_dir), "--host", "127.0.0.1"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"skinlab serve did not start; see {self.log_dir}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions are cut by PostgreSQL."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


@dataclass
class InProcessServer:
    """A server in this process (for settings the command line does not offer)."""

    url: str
    database_url: str
    blob_dir: Path


@contextmanager
def serving(settings: ServerSettings) -> Iterator[InProcessServer]:
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the in-process server did not start")
        time.sleep(0.02)
    try:
        yield InProcessServer(f"http://127.0.0.1:{port}", settings.database_url, settings.blob_dir)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@dataclass
class DeviceDir:
    """One device: its data directory and the app's own wiring over it."""

    name: str
    data_dir: Path
    ctx: AppContext
    admin: str | None = None
    """The administrator :meth:`sign_in_online` made: who this device's erasures name."""

    @property
    def db(self) -> Any:
        return self.ctx.database

    def enroll(self, server_url: str, code: str) -> None:
        self.ctx.sync.enroll(server_url, code, device_name=self.name)

    def sync(self) -> Any:
        return self.ctx.sync.sync_once()

    def sign_in_online(self, database_url: str) -> str:
        """A new administrator of this device's clinic, made on the server, proven signed in
        here (so its administrator changes sync); their id."""
        enrolled = state.enrollment(self.ctx.database)
        assert enrolled is not None
        user_id = make_admin(database_url, enrolled.clinic_name)
        self.ctx.sync.prove_sign_in(user_id, ADMIN_PASSWORD)
        self.admin = user_id
        return user_id

    def reopen(self) -> None:
        """Drop cached engines (after another process wrote the same files)."""
        self.ctx.close()
        self.ctx = AppContext.from_args(self.data_dir)

    def close(self) -> None:
        self.ctx.close()


def open_device(root: Path, name: str) -> DeviceDir:
    data_dir = root / name
    return DeviceDir(name=name, data_dir=data_dir, ctx=AppContext.from_args(data_dir))


def enroll_code(
    database_url: str, clinic: str, *, ttl_hours: float = 24, role: str = "admin"
) -> str:
    """A code for a device with ``role`` (admin by default: the convergence and fault tests
    replicate everything; the access-control tests say which role they use)."""
    return create_enroll_code(database_url, clinic, role=role, ttl_hours=ttl_hours)


# -- photos -----------------------------------------------------------------------------------------
_ASTRONAUT = skdata.astronaut()


def jpeg(pixels: np.ndarray, *, quality: int = 90) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=quality)
    return out.getvalue()


def photo(seed: int, *, size: int = 512) -> tuple[bytes, bytes]:
    """A face photo (the astronaut) made unique by a coloured patch, and its 96x96 thumbnail."""
    rng = np.random.default_rng(seed)
    pixels = _ASTRONAUT.copy()
    y, x = rng.integers(0, 448, size=2)
    pixels[y : y + 64, x : x + 64] = rng.integers(0, 256, size=3, dtype=np.uint8)
    if size != 512:
        pixels = np.asarray(Image.fromarray(pixels).resize((size, size), Image.BILINEAR))
    thumb = np.asarray(Image.fromarray(pixels).resize((96, 96), Image.BILINEAR))
    return jpeg(pixels), jpeg(thumb, quality=80)


def analysis_result(score: float) -> dict[str, Any]:
    return {
        "analysis_id": str(uuid.uuid4()),
        "skin_score": score,
        "engine_version": "e2e-1",
        "metrics": {"hydration": 51.5, "oiliness": 40.0, "elasticity": 62.0, "pores": 18.0},
        "conditions": ["mild_redness"],
        "recommendations": ["moisturise"],
        "created_at": datetime.now(UTC).isoformat(),
    }


# -- what a clinic does on a device -------------------------------------------------------------------
def add_patient(
    device: DeviceDir, email: str, *, password: str | None = None, first: str = "Pat"
) -> uuid.UUID:
    return device.ctx.auth.register(
        email=email, first_name=first, last_name="Doe", role="patient", password=password
    )


def add_analysis(
    device: DeviceDir,
    user_id: uuid.UUID | None,
    *,
    seed: int,
    size: int = 512,
    pictures: tuple[bytes, bytes] | None = None,
    allow_sync: bool = True,
) -> uuid.UUID:
    """A capture with its photos, taken under a consent recorded with it ("may be synced" unless
    ``allow_sync`` is False)."""
    image, thumbnail = pictures or photo(seed, size=size)
    with device.db.write() as session:
        consent = consents.record(
            session,
            user_id=user_id,
            text_version="2026-1",
            granted=True,
            allow_storage=True,
            allow_sync=allow_sync,
        )
        row = save_analysis(
            session,
            device.ctx.images,
            result=analysis_result(50 + seed % 40),
            user_id=user_id,
            image=image,
            thumbnail=thumbnail,
            image_size=(size, size),
            consent_id=consent.consent_id,
        )
        audit.record(session, "analysis_saved", target_type="analysis", target_id=row.analysis_id)
        return row.analysis_id


def add_note(device: DeviceDir, patient: uuid.UUID, body: str) -> uuid.UUID:
    with device.db.write() as session:
        return notes.add(session, patient_id=patient, author_id=None, body=body).note_id


def add_consent(device: DeviceDir, user_id: uuid.UUID) -> uuid.UUID:
    with device.db.write() as session:
        return consents.record(
            session, user_id=user_id, text_version="2026-1", granted=True, allow_sync=True
        ).consent_id


def edit_user(device: DeviceDir, user_id: uuid.UUID, **values: Any) -> None:
    with device.db.write() as session:
        user = users.get(session, user_id)
        assert user is not None
        for name, value in values.items():
            setattr(user, name, value)


def erase_user(device: DeviceDir, user_id: uuid.UUID) -> None:
    """As the app does it: erase in one transaction, in the name of the device's signed-in
    administrator (if any), then delete the photo files it returns."""
    with acting_as(device.admin), device.db.write() as session:
        user = users.get(session, user_id)
        assert user is not None
        photos = users.erase(session, user)
    for digest in photos:
        device.ctx.images.delete(digest)


def bulk_patients(device: DeviceDir, *, count: int, seed: int, size: int = 512) -> None:
    """``count`` patients, each with an analysis (photo + thumbnail), a note and a consent."""
    for i in range(count):
        with device.db.write() as session:
            user = users.create(
                session,
                email=f"p{seed}-{i}-{uuid.uuid4().hex[:6]}@{device.name}.test",
                first_name="Bulk",
                last_name=f"Patient {i}",
            )
            image, thumbnail = photo(seed * 1000 + i, size=size)
            consent = consents.record(
                session, user_id=user.user_id, text_version="2026-1", granted=True, allow_sync=True
            )
            row = save_analysis(
                session,
                device.ctx.images,
                result=analysis_result(60),
                user_id=user.user_id,
                image=image,
                thumbnail=thumbnail,
                image_size=(size, size),
                consent_id=consent.consent_id,
            )
            notes.add(session, patient_id=user.user_id, author_id=None, body=f"note {i}")
            audit.record(session, "user_created", target_type="user", target_id=user.user_id)
            assert row.analysis_id


def sync_until_quiet(*devices: DeviceDir, rounds: int = 2) -> None:
    """Each device syncs ``rounds`` times, in the given order."""
    for _ in range(rounds):
        for device in devices:
            device.sync()
