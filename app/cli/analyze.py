"""``skinlab analyze PATH... [--json] [--overlay DIR] [--save --user EMAIL]``.

One result per input; an input that cannot be analysed is reported with its error code and the
others still run; the exit status is 2 when any input failed. With ``--json`` each input gives one
JSON object on its own line on stdout (the engine's ``AnalysisResult.to_json()``); without it, one
summary line, then an indented line per measure not measured, with its reason.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from app.analysis_store import patient_id_for, save_result
from core import vocabulary as vocab
from core.analysis import (
    AnalysisError,
    AnalysisInputError,
    AnalysisResult,
    Preferences,
    analyze,
    write_overlay,
)
from core.analysis.result import not_measured
from core.errors import SkinLabError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "analyze", help="analyse face photos (skin measures, quality, advice)"
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="photo files")
    parser.add_argument("--json", action="store_true", help="one JSON object per input and line")
    parser.add_argument(
        "--overlay", type=Path, metavar="DIR", help="write a PNG of regions and masks per input"
    )
    parser.add_argument("--no-cache", action="store_true", help="analyse again even if cached")
    parser.add_argument(
        "--fragrance-free", action="store_true", help="only fragrance-free products"
    )
    parser.add_argument("--pregnancy", action="store_true", help="leave out retinoids and similar")
    parser.add_argument("--sensitive", action="store_true", help="gentle products only")
    parser.add_argument("--save", action="store_true", help="store the results for --user")
    parser.add_argument("--user", metavar="EMAIL", help="whose results --save stores")
    parser.set_defaults(handler=handle)


class Progress:
    """A one-line progress bar on a stream; silent for a single input."""

    def __init__(self, total: int, *, stream: TextIO, width: int = 28) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.enabled = total > 1
        self.started = time.perf_counter()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        filled = round(self.width * done / self.total)
        rate = done / max(time.perf_counter() - self.started, 1e-6)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total}  {rate:.1f} images/s")
        if done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def error_object(image: str, exc: SkinLabError) -> dict[str, Any]:
    return {"image": image, "error": {"code": exc.code, "message": exc.message}}


def overlay_path(directory: Path, source: Path, index: int) -> Path:
    """``<stem>.overlay.png``, prefixed with the input's position when several share a stem."""
    return directory / f"{index:03d}-{source.stem}.overlay.png"


def _score(result: AnalysisResult) -> str:
    """The score and its band, and how many measures it rests on when it is not all of them."""
    band = vocab.score_band(result.skin_score).label
    text = f"skin score {vocab.shown_score(result.skin_score)} ({band})"
    uses = result.skin_score_uses
    if uses and len(uses) < len(result.measures):
        return f"{text} from {len(uses)} of {len(result.measures)} measures"
    return text


def _skin_type(key: str) -> str:
    kind = vocab.skin_type(key)
    if key == "unknown":  # the vocabulary says what it needed
        return f"skin type {kind.label.lower()} ({kind.meaning.rstrip('.').lower()})"
    return f"{kind.label.lower()} skin"


def _origin(result: AnalysisResult) -> str:
    """Where the numbers came from when not from this run: the cache, and when they were made."""
    if not result.cached:
        return ""
    if result.cached_from is None:
        return "; from the cache"
    made = datetime.fromisoformat(result.cached_from).astimezone()
    return f"; from the cache, analysed {made.isoformat(timespec='minutes')}"


def summary_line(result: AnalysisResult) -> str:
    """One line in the clinician's words (``core.vocabulary``): score and band, type, tone, levels."""
    metrics = ", ".join(
        f"{vocab.measure(k).clinical_label} "
        + ("not measured" if v is None else f"{v:.0f}")
        + (" (estimate)" if vocab.measure(k).estimate else "")
        for k, v in result.metrics.items()
    )
    advice = "; ".join(result.quality["messages"])
    passed = f"ok ({advice})" if advice else "ok"
    quality = passed if result.quality["ok"] else f"poor: {advice}"
    tone = result.skin_tone
    shade = (
        f"tone {vocab.tone_category(tone['category']).label.lower()} "
        f"(ITA {tone['ita_deg']:.0f}°, Monk {tone['monk']})"
        if "category" in tone
        else "tone not measured"
    )
    return (
        f"{result.image}: {_score(result)}, {_skin_type(result.skin_type)}, "
        f"{shade}; {metrics}; photo quality {quality}{_origin(result)}"
    )


def declined_lines(result: AnalysisResult) -> list[str]:
    """Under the summary: which face was analysed when the photo showed several, the regions left
    out of every measure and the measures the photo did not allow, one a line with the reason."""
    chosen = [f"  face analysed: {result.face['chosen']}"] if result.other_faces else []
    left_out = {vocab.region_label(k): why for k, why in result.excluded_regions.items()}
    declined = {
        vocab.measure(k).clinical_label: why for k, why in not_measured(result.to_json()).items()
    }
    return [*chosen, *_listed("left out: ", left_out), *_listed("not measured: ", declined)]


def _listed(head: str, reasons: dict[str, str]) -> list[str]:
    """``reasons`` one a line, ``name \u2014 why``, under ``head`` written once."""
    return [
        f"  {head if i == 0 else ' ' * len(head)}{name} \u2014 {why}"
        for i, (name, why) in enumerate(reasons.items())
    ]


def analyse_one(
    path: Path,
    index: int,
    args: argparse.Namespace,
    ctx: Any,
    cache: Any,
    prefs: Preferences,
    patient: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The JSON object for one input: a result, or ``{"image", "error"}``."""
    try:
        wants_visuals = args.overlay is not None or patient is not None  # the thumbnail needs them
        result = analyze(path, cache=cache, preferences=prefs, need_visuals=wants_visuals)
        if args.overlay is not None:
            write_overlay(result, overlay_path(args.overlay, path, index))
        if patient is not None:
            save_result(ctx, result, source=path, user_id=patient)
        return result.to_json()
    except (AnalysisInputError, AnalysisError) as exc:
        return error_object(str(path), exc)


def _cache(args: argparse.Namespace, ctx: Any) -> Any:
    if args.no_cache or ctx is None:
        return None
    try:
        return ctx.cache
    except (SkinLabError, OSError):
        return None


def handle(args: argparse.Namespace, ctx: Any) -> int:
    if args.save and not args.user:
        print("skinlab analyze: --save needs --user EMAIL", file=sys.stderr)
        return 2
    patient = patient_id_for(ctx, args.user) if args.save else None
    prefs = Preferences(
        fragrance_free=args.fragrance_free, pregnancy=args.pregnancy, sensitive=args.sensitive
    )
    cache = _cache(args, ctx)
    progress = Progress(len(args.paths), stream=sys.stderr)
    failed = 0
    for index, path in enumerate(args.paths, start=1):
        obj = analyse_one(path, index, args, ctx, cache, prefs, patient)
        if "error" in obj:
            failed += 1
        if args.json:
            sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif "error" in obj:
            print(f"{path}: {obj['error']['code']}: {obj['error']['message']}", file=sys.stderr)
        else:
            result = AnalysisResult.from_json(obj)
            print("\n".join([summary_line(result), *declined_lines(result)]))
        progress.update(index)
    return 2 if failed else 0
