"""The server's heap is trimmed when its memory grows (web/memory.py, kg/heap.py)."""

from __future__ import annotations

import threading
import time

from kg import heap
from web import memory

MB = 2**20


def test_a_trim_follows_growth_and_not_less() -> None:
    readings = iter([100 * MB, 110 * MB, 150 * MB, 120 * MB, 140 * MB, 155 * MB])
    trims: list[int] = []
    done = threading.Event()

    def resident() -> int | None:
        value = next(readings, None)
        if value is None:
            done.set()
        return value

    trimmer = memory.Trimmer(lambda: trims.append(1), resident, every=0.001, growth=32 * MB)
    assert done.wait(5)
    trimmer.stop()
    # 100 -> 110: no; -> 150: trim (then 120 read after it); -> 140 (+20 over 120): no;
    # -> 155 (+35): trim, after which the readings end.
    assert trimmer.trims == 2 == len(trims)


def test_no_reading_no_thread_work() -> None:
    trimmer = memory.Trimmer(lambda: (_ for _ in ()).throw(AssertionError("trimmed")),
                             lambda: None, every=0.001)
    time.sleep(0.05)
    assert trimmer.trims == 0


def test_the_process_memory_is_read_and_trimmed_here() -> None:
    assert heap.resident_bytes() is None or heap.resident_bytes() > MB  # type: ignore[operator]
    heap.trim()  # no error on glibc, nothing done elsewhere


def test_the_app_has_one_trimmer_per_process(embedded_client) -> None:
    trimmer = embedded_client.application.extensions.get(memory.EXTENSION)
    if heap.glibc() is not None and heap.resident_bytes() is not None:
        assert isinstance(trimmer, memory.Trimmer)
        from tests.conftest import make_app
        assert make_app(embedded_client.application.extensions["kg_store"]).extensions[
            memory.EXTENSION] is trimmer
