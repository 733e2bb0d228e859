"""Heap freed by long requests is handed back to the system (web/memory.py)."""

from __future__ import annotations

import threading

import pytest

from web import memory


class FakeLibc:
    def __init__(self) -> None:
        self.trimmed = threading.Event()

    def malloc_trim(self, pad: int) -> int:
        assert pad == 0
        self.trimmed.set()
        return 1


def test_the_trimmer_trims_when_asked() -> None:
    libc = FakeLibc()
    trimmer = memory.Trimmer(libc)  # type: ignore[arg-type]
    assert not libc.trimmed.wait(0.2)  # nothing until asked
    trimmer.ask()
    assert libc.trimmed.wait(5)


@pytest.fixture
def asked(embedded_client, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    trimmer = embedded_client.application.extensions.get(memory.EXTENSION)
    if trimmer is None:
        pytest.skip("not glibc: nothing to trim")
    calls: list[bool] = []
    monkeypatch.setattr(trimmer, "ask", lambda: calls.append(True))
    return calls


def test_a_long_request_asks_for_a_trim_once_sent(embedded_client, asked: list[bool],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "SLOW_REQUEST_S", 0.0)
    response = embedded_client.get("/api/search?q=acu")
    assert response.status_code == 200
    response.close()
    assert asked == [True]


def test_a_quick_request_does_not(embedded_client, asked: list[bool],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "SLOW_REQUEST_S", 3600.0)
    response = embedded_client.get("/api/search?q=acu")
    assert response.status_code == 200
    response.close()
    assert asked == []
