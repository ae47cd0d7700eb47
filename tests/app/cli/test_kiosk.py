"""``skinlab kiosk set-pin`` through the real parser, once the lead registers the module."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from app.cli import kiosk as kiosk_cli
from app.context import AppContext
from app.kiosk.config import KioskConfigStore, PinRulesError
from core.config import load_settings
from core.errors import ValidationError


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
