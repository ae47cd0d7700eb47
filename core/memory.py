"""Give the memory a process has freed back to the operating system (``release_free_memory``).

glibc keeps what a program frees inside its heaps for the next allocation, and each thread that
allocates gets a heap of its own (an "arena"). An analysis allocates and frees large images and
heat maps on worker threads; past the first few, glibc raises its mmap threshold and serves them
from those heaps, and a freed block in the middle of a heap stays in the process's resident memory.
The kiosk soak measured it: over 1,000 visits resident memory grew by 243 MB while the memory in
use stayed flat; 200 MB of it was free space that malloc held and never handed back
(``docs/benchmarks.md``). ``malloc_trim(0)`` returns the free pages of every heap to the system.

Setting a fixed, low mmap threshold instead (``mallopt(M_MMAP_THRESHOLD, 1 MiB)``) also keeps
memory flat, but costs each analysis ~25% more CPU time in page faults: it maps and unmaps every
large array afresh. Trimming once a visit costs a few milliseconds, off the UI thread.

Other C libraries (macOS, Windows, musl) return freed memory their own way or offer no such call:
there this does nothing and says so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from functools import cache

log = logging.getLogger(__name__)


@cache
def _malloc_trim() -> ctypes._FuncPointer | None:
    """glibc's ``malloc_trim``, or ``None`` where the C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Return the free pages of every malloc heap to the operating system; any thread may call
    it. False where the C library cannot (nothing is done then)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
