"""Fuzz the photo intake and ``skinlab analyze`` with mutated images (its own command, long):

    python -m bench.fuzz [--count 10000] [--out DIR] [--cli-every 20]

Hypothesis draws each input from a real face photo (JPEG, PNG, WebP, TIFF, BMP) and mutates it:
bytes flipped, inserted, deleted, duplicated, truncated, header fields overwritten. Every input
goes through ``core.analysis.analyze`` (intake first); every ``--cli-every``-th one also through
``skinlab analyze --json`` in-process. Passes when nothing crashes, no input takes over 5 s of CPU time (wall time is reported too:
on a shared machine it also counts other people's work; the watchdog ends a real hang), and
every failure is a typed ``SkinLabError`` (with ``skinlab analyze`` exiting 0 or 2 with a JSON
error code). Inputs that break a rule are kept in ``--out``.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import io
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import skimage.data
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from app.cli import main as skinlab
from core.analysis import INPUT_ERROR_CODES, analyze
from core.errors import SkinLabError

HANG_SECONDS = 5.0
SEED_SIDE = 448
WATCHDOG_SECONDS = 120  # an input stuck this long is a hang: dump every stack and exit non-zero


def seeds() -> list[bytes]:
    """One real face in every format intake accepts, kept small so 10,000 runs fit in an hour, but
    big enough (448 px, eyes ~90 px apart) that the unmutated face is analysed: at 320 px engine 2.2
    declines it as too small, and the fuzz would then never reach the measures."""
    face = cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)  # type: ignore[no-untyped-call]
    face = cv2.resize(face, (SEED_SIDE, SEED_SIDE), interpolation=cv2.INTER_AREA)
    out = []
    for ext, params in ((".jpg", [cv2.IMWRITE_JPEG_QUALITY, 85]), (".png", []), (".webp", []),
                        (".tiff", []), (".bmp", [])):  # fmt: skip
        ok, encoded = cv2.imencode(ext, face, params)
        assert ok, ext
        out.append(encoded.tobytes())
    return out


SEEDS = seeds()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(SEEDS[draw(st.integers(0, len(SEEDS) - 1))])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "dup", "truncate", "header"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 512))]
        elif kind == "dup":
            chunk = data[at : at + draw(st.integers(1, 2048))]
            data[at:at] = chunk
        elif kind == "truncate":
            del data[at:]
        elif kind == "header":  # dimensions, markers and chunk lengths live in the first bytes
            pos = draw(st.integers(0, min(64, max(len(data) - 1, 0))))
            value = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80, 0x01]))
            if data:
                data[pos] = value
    return bytes(data)


@dataclass
class Tally:
    inputs: int = 0
    analysed: int = 0
    typed: Counter[str] = field(default_factory=Counter)
    untyped: list[str] = field(default_factory=list)
    slow: list[float] = field(default_factory=list)
    cli_runs: int = 0
    cli_bad: list[str] = field(default_factory=list)
    longest: float = 0.0
    longest_wall: float = 0.0


def _keep(out: Path, data: bytes, why: str, tally: Tally) -> str:
    path = out / f"input-{tally.inputs:05d}.bin"
    path.write_bytes(data)
    return f"{path.name}: {why}"


def _cli(path: Path, data_dir: Path) -> tuple[int, str]:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
        code = skinlab(["--data-dir", str(data_dir), "analyze", str(path), "--json"])
    return code, stdout.getvalue()


def run(count: int, out: Path, cli_every: int) -> Tally:
    tally = Tally()
    work = Path(tempfile.mkdtemp(prefix="skinlab-fuzz-"))
    analyze(SEEDS[0])  # load the models once: their first-use cost is not a hang
    (work / "seed.jpg").write_bytes(SEEDS[0])
    _cli(work / "seed.jpg", work / "data")

    @settings(max_examples=count, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(mutated())
    def one(data: bytes) -> None:
        tally.inputs += 1
        faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True)
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            analyze(data)
            tally.analysed += 1
        except SkinLabError as exc:
            tally.typed[exc.code] += 1
        except Exception as exc:  # the finding this command exists for
            tally.untyped.append(_keep(out, data, f"{type(exc).__name__}: {exc}", tally))
        # CPU time of this thread: on a shared machine the wall clock also counts other people's work.
        elapsed = time.thread_time() - cpu_started
        faulthandler.cancel_dump_traceback_later()
        tally.longest = max(tally.longest, elapsed)
        tally.longest_wall = max(tally.longest_wall, time.perf_counter() - started)
        if elapsed > HANG_SECONDS:
            tally.slow.append(elapsed)
            _keep(out, data, f"took {elapsed:.1f} s", tally)
        if cli_every and tally.inputs % cli_every == 0:
            path = work / "input.img"
            path.write_bytes(data)
            code, printed = _cli(path, work / "data")
            tally.cli_runs += 1
            line = json.loads(printed.splitlines()[0]) if printed.strip() else {}
            error = line.get("error", {}).get("code") if isinstance(line, dict) else None
            if not (code == 0 and "skin_score" in line) and not (
                code == 2 and error in INPUT_ERROR_CODES
            ):
                tally.cli_bad.append(
                    _keep(out, data, f"skinlab analyze exit {code}: {printed[:200]}", tally)
                )
        if tally.inputs % 500 == 0:
            print(f"  {tally.inputs} inputs, {len(tally.untyped)} untyped, longest {tally.longest:.2f} s",
                  file=sys.stderr, flush=True)  # fmt: skip

    one()
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("bench/.data/fuzz"))
    parser.add_argument("--cli-every", type=int, default=20)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    np.seterr(all="ignore")
    started = time.perf_counter()
    tally = run(args.count, args.out, args.cli_every)
    minutes = (time.perf_counter() - started) / 60
    print(f"fuzz: {tally.inputs} mutated images in {minutes:.1f} min; analysed {tally.analysed}, "
          f"typed errors {sum(tally.typed.values())} {dict(tally.typed.most_common())}; "
          f"untyped {len(tally.untyped)}; over {HANG_SECONDS:.0f} s {len(tally.slow)}; "
          f"longest {tally.longest:.2f} s CPU ({tally.longest_wall:.2f} s wall); skinlab analyze runs {tally.cli_runs}, "
          f"wrong {len(tally.cli_bad)}")  # fmt: skip
    for problem in (tally.untyped + tally.cli_bad)[:20]:
        print("  " + problem)
    return 0 if not (tally.untyped or tally.slow or tally.cli_bad) else 1


if __name__ == "__main__":
    raise SystemExit(main())
