"""``skinlab kiosk set-pin`` through the real parser, once the lead registers the module."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from app.cli import kiosk as kiosk_cli
from app.context import AppContext
from app.kiosk.config import KioskConfigStore
from core.config import load_settings
from core.errors import ValidationError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skinlab")
    kiosk_cli.register(parser.add_subparsers())
    return parser


def test_set_pin_stores_only_a_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = AppContext(load_settings(data_dir=tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("97531\n"))
    args = _parser().parse_args(["kiosk", "set-pin"])
    assert args.handler(args, ctx) == 0
    store = KioskConfigStore(ctx.settings)
    assert store.check_pin("97531") and not store.check_pin("97530")
    assert "97531" not in store.path.read_text()
    monkeypatch.setattr("sys.stdin", io.StringIO("12ab\n"))
    with pytest.raises(ValidationError, match="4 to 12 digits"):
        args.handler(args, ctx)
    ctx.close()
