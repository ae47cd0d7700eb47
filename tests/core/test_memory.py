"""``release_free_memory`` hands freed heap memory back to the system: the kiosk soak's growth
was glibc holding blocks that analyses had freed, not memory still in use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import core.memory
from core.memory import release_free_memory
from tests.helpers.paths import REPO

# Run in a fresh interpreter: a process that has freed memory before (the test session) serves
# new blocks from that free space, and its resident size would not move at all.
SCENARIO = """
import ctypes, ctypes.util, json, sys
from pathlib import Path
from core.memory import release_free_memory

def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
BLOCK = 64 * 1024  # under glibc's mmap threshold: served from the heap, as analyses' arrays are
before = rss_mb()
blocks = [libc.malloc(BLOCK) for _ in range(1600)]  # 100 MiB
pin = libc.malloc(64)  # allocated after them: the freed blocks are not the heap's top
for block in blocks:
    ctypes.memset(block, 1, BLOCK)  # resident, as an image's pixels are
for block in blocks:
    libc.free(block)
held = rss_mb()
released = release_free_memory() if sys.argv[1] == "release" else None
print(json.dumps({"before": before, "held": held, "after": rss_mb(), "released": released}))
"""


def _run(mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", SCENARIO, mode], cwd=REPO, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    result: dict[str, float] = json.loads(out.stdout)
    return result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap is Linux's")
def test_freed_heap_blocks_go_back_to_the_system() -> None:
    kept = _run("keep")
    assert kept["held"] - kept["before"] > 80, "the blocks were never resident"
    assert kept["held"] - kept["after"] < 20, "without the call, glibc keeps what was freed"

    released = _run("release")
    assert released["released"] is True
    assert released["held"] - released["after"] > 80, released


def test_does_nothing_where_the_c_library_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    core.memory._malloc_trim.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert release_free_memory() is False
    finally:
        core.memory._malloc_trim.cache_clear()
