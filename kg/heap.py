"""glibc's heap, handed back to the system after large work (one place for the ctypes calls).

Python frees the objects of a large answer, but glibc keeps the freed memory mapped unless it
sits at the top of a heap; `malloc_trim(0)` returns every free page. On a C library without it
(musl, macOS) these do nothing.
"""

from __future__ import annotations

import ctypes
from functools import cache

_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


@cache
def glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim, libc.mallopt  # noqa: B018 - both must exist
    except (OSError, AttributeError):
        return None
    return libc


def trim() -> None:
    """Give every free page of the heap back to the system (ctypes lets go of the GIL)."""
    libc = glibc()
    if libc is not None:
        libc.malloc_trim(0)


def limit_arenas(count: int) -> None:
    """At most `count` glibc arenas (each keeps its own freed memory); call before threads
    start allocating."""
    libc = glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, count)

