"""Heap freed by large requests goes back to the system (glibc's malloc), so the server's
memory follows what it keeps, not the largest answer it ever wrote.

At a million triples, after the bench's sequence (pages, canned questions, search, dumps), the
server's RSS was 809 MB of which glibc held 538 MB freed but not returned: large answers and
question pages are built and dropped in the waitress threads' arenas, and glibc gives memory
back only from the top of a heap. `malloc_trim(0)` returned 378 MB of it. So:

- glibc keeps at most two arenas (one per core here) instead of eight per core: fewer heaps,
  each with its own freed but kept memory;
- after a request that took long (a big answer, a first render, the label index), and after
  a streamed dump ends (web.downloads), a background thread calls `malloc_trim(0)` (kg.heap),
  at most once a second. A fast request (a page from the cache, a search) allocates little
  and triggers nothing. A trigger on the RSS alone (a thread reading it each second,
  trimming when it grew by 32 MB) missed the memory a long dump frees at its end, which does
  not lower the RSS: it left the server at 595 MB at 1M, against 394 MB with this.

On a C library without these functions (musl, macOS) this does nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask

from kg import heap

SLOW_REQUEST_S = 0.1  # a request this long has likely built (and freed) a large answer
MIN_INTERVAL_S = 1.0  # between two trims: a trim walks every arena
MAX_ARENAS = 2
EXTENSION = "kg_memory_trimmer"


class Trimmer:
    """One daemon thread that trims the heap when asked, at most once per MIN_INTERVAL_S."""

    def __init__(self, trim: Callable[[], None] = heap.trim):
        self.trim = trim
        self.asked = threading.Event()
        self.trims = 0
        threading.Thread(target=self._run, name="malloc trim", daemon=True).start()

    def ask(self) -> None:
        self.asked.set()

    def _run(self) -> None:
        while True:
            self.asked.wait()
            self.asked.clear()
            self.trim()
            self.trims += 1
            time.sleep(MIN_INTERVAL_S)


_trimmer: Trimmer | None = None
_lock = threading.Lock()


def _shared_trimmer() -> Trimmer:
    # One per process: the heap is the process's, whichever app asks.
    global _trimmer
    with _lock:
        if _trimmer is None:
            heap.limit_arenas(MAX_ARENAS)  # before the server's threads start
            _trimmer = Trimmer()
    return _trimmer


def init_app(app: Flask) -> None:
    if heap.glibc() is None:
        return
    trimmer = app.extensions[EXTENSION] = _shared_trimmer()
    inner = app.wsgi_app

    # Around the whole app, not Flask's request hooks: two clock readings per request
    # (Flask hooks and a close callback added 24 us to each request in the test client).
    def timed(environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.monotonic()
        try:
            return inner(environ, start_response)
        finally:
            if time.monotonic() - started >= SLOW_REQUEST_S:
                trimmer.ask()

    app.wsgi_app = timed  # type: ignore[method-assign]


def after_large_work(app: Flask) -> None:
    """Ask for a trim after work done outside the request's time (a streamed dump)."""
    trimmer = app.extensions.get(EXTENSION)
    if trimmer is not None:
        trimmer.ask()
