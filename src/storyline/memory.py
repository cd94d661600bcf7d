"""Memory a long-running process gives back to the system between pieces of work (``serve``)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable

__all__ = ["trim_heap"]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is not None:
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def trim_heap() -> None:
    """Hand the blocks ``free`` has taken back to the system. glibc's malloc keeps them in its
    per-thread arenas, so without this a server's resident size after a large summary stays near that
    summary's peak, and wanders with whichever threads did the work."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
