"""``skinlab patient`` end to end: an unknown patient is one line and exit 1; export then erase."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from app.cli import main


def _run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: Path, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_erase_and_export_from_the_command_line(tmp_path: Path, capsys, monkeypatch) -> None:
    data = tmp_path / "data"
    code, _, err = _run(capsys, monkeypatch, data, "patient", "erase", "--email", "no@one.org")
    assert code == 1 and "no patient" in err.lower() and len(err.strip().splitlines()) == 1
    assert (
        _run(
            capsys,
            monkeypatch,
            data,
            "users",
            "add",
            "--email",
            "pat@example.org",
            "--first-name",
            "Pat",
            "--last-name",
            "Doe",
            "--role",
            "patient",
            "--no-password",
        )[0]
        == 0
    )
    code, out, _ = _run(
        capsys,
        monkeypatch,
        data,
        "patient",
        "export",
        "--email",
        "pat@example.org",
        "--out",
        str(tmp_path / "export"),
    )
    assert code == 0
    assert (
        json.loads((tmp_path / "export" / "patient.json").read_text())["account"]["first_name"]
        == "Pat"
    )
    code, out, _ = _run(capsys, monkeypatch, data, "patient", "erase", "--email", "pat@example.org")
    assert code == 0 and "erased patient" in out
    code, out, _ = _run(capsys, monkeypatch, data, "users", "list")
    assert "pat@example.org" not in out
    assert _run(capsys, monkeypatch, data, "audit", "verify")[0] == 0
    code, _, err = _run(capsys, monkeypatch, data, "patient", "purge-expired", "--days", "0")
    assert code == 1 and "above zero" in err
