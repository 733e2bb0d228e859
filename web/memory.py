"""Heap freed by large requests goes back to the system (glibc's malloc), so the server's
memory follows what it keeps, not the largest answer it ever wrote.

At a million triples, after the bench's sequence (pages, canned questions, search, dumps), the
server's RSS was 809 MB of which glibc held 538 MB freed but not returned: large answers and
question pages are built and dropped in the waitress threads' arenas, and glibc gives memory
back only from the top of a heap. `malloc_trim(0)` returned 378 MB of it. So:

- glibc keeps at most two arenas (one per core here) instead of eight per core: fewer heaps,
  each with its own freed but kept memory;
- a daemon thread reads the process's RSS once a second and, when it has grown by
  GROWTH_BYTES since the last look after a trim, calls `malloc_trim(0)` (kg.heap). Nothing
  runs per request: a page from the cache or a search costs what it did.

On a C library without these functions (musl, macOS) this does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from kg import heap

CHECK_EVERY_S = 1.0
GROWTH_BYTES = 32 * 2**20  # less is not worth a trim (a trim walks every arena: ~10-70 ms)
MAX_ARENAS = 2
EXTENSION = "kg_memory_trimmer"


class Trimmer:
    """A daemon thread that trims the heap when the RSS has grown by GROWTH_BYTES."""

    def __init__(self, trim: Callable[[], None] = heap.trim,
                 resident: Callable[[], int | None] = heap.resident_bytes,
                 every: float = CHECK_EVERY_S, growth: int = GROWTH_BYTES):
        self.trim, self.resident, self.every, self.growth = trim, resident, every, growth
        self.trims = 0
        self.stopped = threading.Event()
        threading.Thread(target=self._run, name="malloc trim", daemon=True).start()

    def _run(self) -> None:
        # `low`: the RSS after the last trim, or lower if seen lower since; what grows past it
        # by `growth` is trimmed once (memory that stays after a trim, e.g. the engine's own
        # cache, becomes the new `low` and does not trigger again).
        low = self.resident()
        while low is not None and not self.stopped.wait(self.every):
            now = self.resident()
            if now is None:
                return
            if now - low >= self.growth:
                self.trim()
                self.trims += 1
                now = self.resident() or now
                low = now
            low = min(low, now)

    def stop(self) -> None:
        self.stopped.set()


_trimmer: Trimmer | None = None
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """One trimmer per process (the heap is the process's, whichever app runs in it)."""
    global _trimmer
    if heap.glibc() is None or heap.resident_bytes() is None:
        return
    with _lock:
        if _trimmer is None:
            heap.limit_arenas(MAX_ARENAS)  # before the server's threads start
            _trimmer = Trimmer()
    app.extensions[EXTENSION] = _trimmer
