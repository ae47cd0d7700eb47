"""``skinlab kiosk set-pin`` and ``unlock-code`` through the real parser."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import kiosk as kiosk_cli
from app.context import AppContext
from app.kiosk.config import KioskConfigStore, PinRulesError
from core.audit import actions
from core.config import load_settings
from core.errors import ValidationError
from core.storage.models import AuditEvent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skinlab")
    kiosk_cli.register(parser.add_subparsers())
    return parser


def test_set_pin_stores_only_a_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = AppContext(load_settings(data_dir=tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("975310\n"))
    args = _parser().parse_args(["kiosk", "set-pin"])
    assert args.handler(args, ctx) == 0
    store = KioskConfigStore(ctx.settings)
    assert store.pin_matches("975310") and not store.pin_matches("975311")
    assert "975310" not in store.path.read_text()
    for bad in ("12ab56", "1234", "12345", "1234567890123"):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{bad}\n"))
        with pytest.raises(PinRulesError, match="6 to 12 digits") as refused:
            args.handler(args, ctx)
        assert refused.value.code == "pin_rules" and isinstance(refused.value, ValidationError)
    assert store.pin_matches("975310"), "a refused PIN leaves the old one"
    ctx.close()


def test_unlock_code_is_printed_once_stored_hashed_audited_and_replaces_the_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = AppContext(load_settings(data_dir=tmp_path))
    args = _parser().parse_args(["kiosk", "unlock-code"])
    codes = []
    for _ in range(2):
        assert args.handler(args, ctx) == 0
        shown = capsys.readouterr().out
        groups = shown.splitlines()[1].split()
        assert len(groups) == 6 and all(len(g) == 4 and g.isdigit() for g in groups)
        codes.append("".join(groups))
    store = KioskConfigStore(ctx.settings)
    first, second = codes
    assert first != second
    assert store.unlock_code_matches(second) and not store.unlock_code_matches(first)
    assert first not in store.path.read_text() and second not in store.path.read_text()
    with ctx.database.read() as session:
        made = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == actions.KIOSK_UNLOCK_CODE_SET)
        ).all()
    assert len(made) == 2
    ctx.close()
