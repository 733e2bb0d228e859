"""The rate limits' counters (web.rate_counts): fixed windows that end on time, no threads."""

from __future__ import annotations

import threading

from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from web import rate_counts
from web.client_limits import STORAGE_URI
from web.rate_counts import FixedWindowCounts


def test_the_scheme_is_registered_with_limits() -> None:
    assert isinstance(storage_from_string(STORAGE_URI), FixedWindowCounts)


def test_counts_within_a_window_and_start_again_after_it(monkeypatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(rate_counts.time, "time", lambda: now[0])
    counts = FixedWindowCounts()
    assert [counts.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert counts.get("a") == 3 and counts.get("b") == 0
    assert counts.get_expiry("a") == 1060.0
    now[0] = 1059.9
    assert counts.incr("a", 60) == 4
    now[0] = 1060.0  # the window has ended: forgotten, and a new one starts
    assert counts.get("a") == 0
    assert counts.incr("a", 60) == 1 and counts.get_expiry("a") == 1120.0


def test_ended_windows_are_swept_so_memory_stays_bounded(monkeypatch) -> None:
    now = [0.0]
    monkeypatch.setattr(rate_counts.time, "time", lambda: now[0])
    counts = FixedWindowCounts()
    for i in range(100):
        counts.incr(f"client-{i}", 1)
    now[0] = 5.0
    counts.incr("late", 1)
    assert list(counts._counts) == ["late"]
    counts.clear("late")
    assert counts.reset() == 0


def test_no_thread_is_started_by_counting() -> None:
    before = threading.active_count()
    limiter = FixedWindowRateLimiter(FixedWindowCounts())
    item = RateLimitItemPerSecond(3)
    assert [limiter.hit(item, "x") for _ in range(4)] == [True, True, True, False]
    assert threading.active_count() == before
