"""Heap freed by long requests is handed back to the system (web/memory.py)."""

from __future__ import annotations

import threading

import pytest

from kg import heap
from web import memory


def test_the_trimmer_trims_when_asked() -> None:
    trimmed = threading.Event()
    trimmer = memory.Trimmer(trimmed.set)
    assert not trimmed.wait(0.2)  # nothing until asked
    trimmer.ask()
    assert trimmed.wait(5)


def test_trim_runs_on_this_c_library() -> None:
    heap.trim()  # no error on glibc, nothing done elsewhere


@pytest.fixture
def asked(embedded_client, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    trimmer = embedded_client.application.extensions.get(memory.EXTENSION)
    if trimmer is None:
        pytest.skip("not glibc: nothing to trim")
    calls: list[bool] = []
    monkeypatch.setattr(trimmer, "ask", lambda: calls.append(True))
    return calls


@pytest.mark.parametrize(("slow_after_s", "trims"), [(0.0, [True]), (3600.0, [])],
                         ids=["a long request asks once sent", "a quick one does not"])
def test_a_request_asks_for_a_trim_only_when_it_was_long(
        embedded_client, asked: list[bool], monkeypatch: pytest.MonkeyPatch,
        slow_after_s: float, trims: list[bool]) -> None:
    monkeypatch.setattr(memory, "SLOW_REQUEST_S", slow_after_s)
    response = embedded_client.get("/api/search?q=acu")
    assert response.status_code == 200
    response.close()
    assert asked == trims


def test_a_streamed_dump_asks_when_it_ends(embedded_client, asked: list[bool],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "SLOW_REQUEST_S", 3600.0)  # the request's time is not it
    response = embedded_client.get("/downloads/ontology.ttl")
    assert response.status_code == 200 and response.is_streamed
    assert response.get_data()  # the whole dump, read
    response.close()
    assert asked == [True]


@pytest.fixture
def no_glibc(monkeypatch: pytest.MonkeyPatch):
    """A C library without malloc_trim (musl, macOS): loading libc.so.6 fails."""
    def missing(name: str, *args: object, **kwargs: object) -> None:
        raise OSError(f"{name}: cannot open shared object file")

    heap.glibc.cache_clear()
    monkeypatch.setattr(heap.ctypes, "CDLL", missing)
    yield
    heap.glibc.cache_clear()


def test_without_glibc_trimming_and_arena_limits_do_nothing(no_glibc: None) -> None:
    assert heap.glibc() is None
    heap.trim()
    heap.limit_arenas(2)
