"""``skinlab report ANALYSIS_ID --out FILE.pdf``: the same PDF the kiosk hands out, from the CLI."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import Any

from core.errors import ValidationError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("report", help="write the PDF report of a saved analysis")
    parser.add_argument("analysis_id", metavar="ANALYSIS_ID", help="the analysis's id (a UUID)")
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE.pdf", help="where to write the PDF"
    )
    parser.set_defaults(handler=handle)


def parse_analysis_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError as exc:
        raise ValidationError(
            f"{text!r} is not an analysis id (expected a UUID such as "
            "3f2b8c1e-9d4a-4c5b-8e7f-0a1b2c3d4e5f)"
        ) from exc


def handle(args: argparse.Namespace, ctx: Any) -> int:
    analysis_id = parse_analysis_id(args.analysis_id)
    from app.reports import build_report_data  # Qt and the engine load only for this command
    from ui.reports.pdf import check_target, render_report

    check_target(args.out.expanduser())  # before the photo is analysed again for its overlays
    written = render_report(build_report_data(ctx, analysis_id), args.out)
    print(written)
    return 0
