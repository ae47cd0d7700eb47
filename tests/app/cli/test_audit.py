"""``skinlab audit verify`` on a real data directory: 0 when intact, 1 and where when tampered."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.cli import main
from app.context import AppContext
from core.config import load_settings


def _run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: Path,
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_passes_then_catches_an_edit(tmp_path: Path, capsys, monkeypatch) -> None:
    for email in ("ada@clinic.org", "bob@clinic.org"):
        assert (
            _run(
                capsys,
                monkeypatch,
                tmp_path,
                "users",
                "add",
                "--email",
                email,
                "--first-name",
                "A",
                "--last-name",
                "B",
                "--role",
                "clinician",
                stdin="correct horse\n",
            )[0]
            == 0
        )
    code, out, _ = _run(capsys, monkeypatch, tmp_path, "audit", "verify")
    assert code == 0 and "intact: 2 chained events" in out

    ctx = AppContext(load_settings(data_dir=tmp_path))
    try:
        with ctx.database.connect(write=True) as conn:
            conn.execute(text("UPDATE audit_events SET details = '{}' WHERE chain_seq = 1"))
    finally:
        ctx.close()
    code, out, _ = _run(capsys, monkeypatch, tmp_path, "audit", "verify", "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    assert [(p["chain_seq"], p["kind"]) for p in report["problems"]] == [(1, "edited")]
    code, out, _ = _run(capsys, monkeypatch, tmp_path, "audit", "list")
    assert code == 0 and out.count("user_created") == 2
