"""One sync pass of a device, as its own process, for tests that kill it with SIGKILL.

It runs the app's own ``SyncService.sync_once`` on a real data directory and prints a line
``MARK <method> <path>`` (flushed) just before each request the test asked to be told about, and
``ANSWER <status>`` when its answer has arrived (before the device records it), so the test can
time its kill inside a push or an image upload rather than anywhere at random.

    python sync_driver.py DATA_DIR [--mark push|patch] [--slow-upload] [--hold SECONDS]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.context import AppContext
from core.errors import SkinLabError
from core.sync import transport as transport_module

MARKS = {"push": ("POST", "/v1/push"), "patch": ("PATCH", "/v1/blobs/")}


def _slowly(data: bytes, *, piece: int = 16 * 1024, pause: float = 0.002) -> Iterator[bytes]:
    """The body at about 8 MB/s, like a clinic's Wi-Fi, so a kill can land inside an upload."""
    for start in range(0, len(data), piece):
        yield data[start : start + piece]
        time.sleep(pause)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--mark", choices=sorted(MARKS), action="append", default=[])
    parser.add_argument("--slow-upload", action="store_true")
    parser.add_argument("--hold", type=float, default=0.0, help="seconds to pause after an answer")
    args = parser.parse_args()
    marked = [MARKS[m] for m in args.mark]
    original = transport_module.Transport.request

    def request(self: Any, method: str, path: str, **kwargs: Any) -> Any:
        watched = any(method == m and path.startswith(p) for m, p in marked)
        if watched:
            print(f"MARK {method} {path}", flush=True)
        if args.slow_upload and method == "PATCH" and isinstance(kwargs.get("content"), bytes):
            body = kwargs.pop("content")
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Content-Length": str(len(body))}
            kwargs["content"] = _slowly(body)
        response = original(self, method, path, **kwargs)
        if watched:
            print(f"ANSWER {response.status_code}", flush=True)
            time.sleep(args.hold)  # a slow device: the answer is in, not yet recorded
        return response

    transport_module.Transport.request = request  # type: ignore[method-assign]
    ctx = AppContext.from_args(args.data_dir)
    try:
        report = ctx.sync.sync_once()
    except SkinLabError as exc:
        print(f"FAILED {exc.code}: {exc.message}", flush=True)
        return 1
    finally:
        ctx.close()
    print(f"DONE pushed={report.pushed} pulled={report.pulled} up={report.images_up}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
