"""``skinlab serve`` and ``skinlab server ...`` end to end (the command module is registered here
for the test; the CLI's module list is owned by app/cli/__init__.py)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from typing import IO

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import app.cli
from tests.helpers.paths import REPO
from tests.helpers.server import public_key_text

pytestmark = pytest.mark.postgres


@pytest.fixture
def skinlab(monkeypatch, capsys, tmp_path):
    assert "app.cli.server" in app.cli.COMMAND_MODULES
    monkeypatch.delenv("SKINLAB_SERVER_DATABASE_URL", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = app.cli.main(["--data-dir", str(tmp_path / "data"), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_enroll_code_devices_and_revoke(skinlab, server, clinic):
    code, out, err = skinlab(
        "server",
        "enroll-code",
        "--database-url",
        server.database_url,
        "--clinic",
        clinic,
        "--role",
        "workstation",
    )
    assert code == 0 and clinic in err and "workstation" in err
    enroll_code = out.strip()
    response = httpx.post(
        f"{server.url}/v1/enroll",
        json={
            "code": enroll_code,
            "public_key": public_key_text(Ed25519PrivateKey.generate()),
            "device_name": "Desk 2",
        },
        headers={"X-SkinLab-Protocol": "1"},
    )
    device_id = response.json()["device_id"]
    code, out, _ = skinlab(
        "server", "devices", "--database-url", server.database_url, "--clinic", clinic, "--json"
    )
    assert code == 0
    (listed,) = json.loads(out)
    assert (
        listed["device_id"] == device_id
        and listed["name"] == "Desk 2"
        and listed["role"] == "workstation"
        and listed["revoked_at"] is None
    )
    code, out, _ = skinlab(
        "server", "set-role", "--database-url", server.database_url, device_id, "admin"
    )
    assert code == 0 and "admin" in out
    _, out, _ = skinlab(
        "server", "devices", "--database-url", server.database_url, "--clinic", clinic, "--json"
    )
    assert json.loads(out)[0]["role"] == "admin"
    code, out, _ = skinlab("server", "revoke", "--database-url", server.database_url, device_id)
    assert code == 0 and device_id in out
    code, out, _ = skinlab(
        "server", "devices", "--database-url", server.database_url, "--clinic", clinic
    )
    assert code == 0 and device_id in out and "revoked" in out.splitlines()[0]


def test_the_url_may_come_from_the_environment(skinlab, server, clinic, monkeypatch):
    monkeypatch.setenv("SKINLAB_SERVER_DATABASE_URL", server.database_url)
    # argparse reads the default when the parser is built, i.e. inside main().
    code, out, _ = skinlab("server", "enroll-code", "--clinic", clinic, "--role", "kiosk")
    assert code == 0 and len(out.strip()) == 19


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("server", "enroll-code", "--clinic", "X", "--role", "kiosk"), "--database-url"),
        (("server", "revoke", "--database-url", "sqlite:///x.db", "abc"), "PostgreSQL"),
        (
            ("server", "revoke", "--database-url", "postgresql://u@127.0.0.1:1/x", "abc"),
            "not a device id",
        ),
        (("server", "devices", "--database-url", "postgresql://u@127.0.0.1:1/x"), "database"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(skinlab, args, message):
    code, _, err = skinlab(*args)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1


def test_revoking_an_unknown_device(skinlab, server):
    code, _, err = skinlab(
        "server",
        "revoke",
        "--database-url",
        server.database_url,
        "00000000-0000-0000-0000-000000000000",
    )
    assert code == 1 and "No device" in err


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read_lines(stream: IO[str], lines: list[str], ready: threading.Event) -> None:
    """Collect a server's stderr as it runs (a pipe nobody reads fills up and stalls the server);
    ``ready`` is set once uvicorn listens."""
    for line in stream:
        lines.append(line)
        if "Uvicorn running on" in line:
            ready.set()


def test_serve_migrates_answers_and_logs_json(postgres_url, tmp_path):
    port = _port()
    script = "import sys, app.cli as c; sys.exit(c.main(sys.argv[1:]))"
    env = {**os.environ, "SKINLAB_SERVER_DATABASE_URL": postgres_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            script,
            "--data-dir",
            str(tmp_path / "data"),
            "serve",
            "--port",
            str(port),
            "--blob-dir",
            str(tmp_path / "blobs"),
            "--docs",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()
    assert process.stderr is not None
    reader = threading.Thread(target=_read_lines, args=(process.stderr, lines, ready), daemon=True)
    reader.start()
    try:
        # Its own signal that it listens, not a guess of how long start-up takes: importing,
        # migrating and binding take seconds, far more on a loaded machine.
        while not ready.wait(0.2):  # (a server that hangs silently meets pytest's timeout)
            assert process.poll() is None, "".join(lines)
        health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=120)
        assert health.json() == {"status": "ok", "database": "ok", "protocol": 1}
        docs = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=120)
        assert docs.status_code == 200  # --docs
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
        reader.join(timeout=60)
    err = "".join(lines)
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert process.returncode in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in err
    records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    access = [record for record in records if record["logger"] == "skinlab.server.access"]
    assert {"method", "path", "status", "ms", "device"} <= set(access[0])
    assert any(a["path"] == "/v1/health" and a["status"] == 200 for a in access)
    assert "password" not in err.lower() or "***" in err


def test_create_admin_reads_the_password_from_stdin(skinlab, server, clinic, monkeypatch):
    import io

    skinlab(
        "server",
        "enroll-code",
        "--database-url",
        server.database_url,
        "--clinic",
        clinic,
        "--role",
        "kiosk",
    )
    args = (
        "server",
        "create-admin",
        "--database-url",
        server.database_url,
        "--clinic",
        clinic,
        "--email",
        "Boss@Clinic.test",
        "--first-name",
        "Ana",
        "--last-name",
        "Roy",
        "--password-stdin",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("a good long password\n"))
    code, out, _ = skinlab(*args)
    assert code == 0 and "boss@clinic.test" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("a good long password\n"))
    code, _, err = skinlab(*args)
    assert code == 1 and "already has an account" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = skinlab(*args[:6], "--email", "two@clinic.test", *args[-5:])
    assert code == 1 and "at least" in err
