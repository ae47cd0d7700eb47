"""``skinlab screenshots --out DIR [--size WxH]``: one PNG per screen, for review and the README."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from app.context import AppContext
from core.errors import ValidationError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("screenshots", help="render every screen to PNG files")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    parser.set_defaults(handler=handle)


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{3,5})\s*[xX]\s*(\d{3,5})\s*", text)
    if not match:
        raise ValidationError(f"--size {text!r} should look like 1280x800")
    width, height = int(match[1]), int(match[2])
    if not (640 <= width <= 7680 and 480 <= height <= 4320):
        raise ValidationError(f"--size {text} is outside 640x480 .. 7680x4320")
    return width, height


def handle(args: argparse.Namespace, ctx: AppContext) -> int:
    # lazy: Qt and the screens load only for this command
    from app.desktop.screenshots import render_screens
    from app.kiosk.screenshots import render_kiosk_screens

    size = parse_size(args.size)
    for path in render_screens(args.out, size=size):
        print(path)
    for path in render_kiosk_screens(args.out, size=size):
        print(path)
    return 0
