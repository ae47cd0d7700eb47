"""The systemd user unit and the XDG autostart entry start the kiosk at login and restart it."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
import time
from pathlib import Path

from core.resources import resources_dir

DEPLOY = resources_dir() / "deploy"


def _ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def test_the_systemd_unit_starts_the_kiosk_in_the_session_and_restarts_it() -> None:
    unit = _ini(DEPLOY / "skinlab-kiosk.service")
    assert shlex.split(unit["Service"]["ExecStart"])[1:] == ["--kiosk"]
    assert unit["Service"]["Restart"] == "always" and int(unit["Service"]["RestartSec"]) > 0
    assert unit["Install"]["WantedBy"] == "graphical-session.target"
    assert "graphical-session.target" in unit["Unit"]["After"]


def test_the_autostart_entry_restarts_the_kiosk_when_it_exits(tmp_path: Path) -> None:
    entry = _ini(DEPLOY / "skinlab-kiosk.desktop")["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["X-GNOME-Autostart-enabled"] == "true"
    command = shlex.split(entry["Exec"])
    assert command[:2] == ["sh", "-c"] and "--kiosk" in command[2]
    # Run the entry's own loop with a stand-in kiosk that dies at once, faster.
    runs = tmp_path / "runs"
    fake = tmp_path / "skinlab"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {runs}\nexit 1\n')
    fake.chmod(0o755)
    loop = re.sub(r"\S*/skinlab(?= )", str(fake), command[2]).replace("sleep 3", "sleep 0.2")
    proc = subprocess.Popen(["sh", "-c", loop])
    try:
        deadline = time.monotonic() + 20
        while not (runs.exists() and len(runs.read_text().splitlines()) >= 3):
            assert time.monotonic() < deadline, "the kiosk was not restarted"
            time.sleep(0.1)
    finally:
        proc.kill()
        proc.wait(10)
    assert set(runs.read_text().splitlines()) == {"--kiosk"}
