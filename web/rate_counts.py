"""Fixed-window request counts for the rate limits, in this process's memory.

The `limits` package's own `memory://` storage starts a `threading.Timer` to expire counters
whenever its last one has ended, which is 10 ms after it started: with requests a millisecond
or more apart, nearly every counted request started a thread, about 0.3 ms of a `/sparql`
query's time (bench/sparql_overhead.py, load average ~3). These counters expire when read
instead, and expired keys are swept at most once a second, under the lock that counting
takes anyway. Registered with `limits` as the `kg-memory://` scheme (its documented way to add
a storage), for the fixed-window strategy that web.limits uses.
"""

from __future__ import annotations

import threading
import time

from limits.storage import Storage

SWEEP_SECONDS = 1.0


class FixedWindowCounts(Storage):
    STORAGE_SCHEME = ["kg-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: float | str | bool):
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, window end)
        self._lock = threading.Lock()
        self._next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            count, ends = self._counts.get(key, (0, 0.0))
            if ends <= now:  # a new window starts with this request
                count, ends = 0, now + expiry
            count += amount
            self._counts[key] = (count, ends)
            return count

    def get(self, key: str) -> int:
        count, ends = self._counts.get(key, (0, 0.0))
        return count if ends > time.time() else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        _, ends = self._counts.get(key, (0, now))
        return ends if ends > now else now

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            count = len(self._counts)
            self._counts.clear()
            return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def _sweep(self, now: float) -> None:
        """Forget windows that have ended (clients that stopped asking); caller holds the lock."""
        for key in [k for k, (_, ends) in self._counts.items() if ends <= now]:
            del self._counts[key]
        self._next_sweep = now + SWEEP_SECONDS
