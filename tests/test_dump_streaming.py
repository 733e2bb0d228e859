"""Dumps are streamed as they are written, kept once complete, and their folder removed."""

from __future__ import annotations

import gc
import io
import threading

import pytest

from kg.formats import RDF_FORMATS
from kg.store import Store
from tests.conftest import make_app
from web import downloads


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_a_streamed_dump_is_the_store_dump_and_is_kept(synthetic_store: Store,
                                                       name: str) -> None:
    syntax = RDF_FORMATS[name]
    client = make_app(synthetic_store).test_client()
    first = client.get(f"/downloads/remedy-kg.{syntax.extension}")
    assert first.status_code == 200 and first.mimetype == syntax.media_type
    assert first.is_streamed
    expected = io.BytesIO()
    synthetic_store.dump(expected, syntax)
    assert sorted(first.data.splitlines()) == sorted(expected.getvalue().splitlines())
    again = client.get(f"/downloads/remedy-kg.{syntax.extension}")
    assert again.data == first.data
    assert again.headers.get("Content-Length") == str(len(first.data))  # the kept file


def test_downloads_do_not_wait_for_each_other(synthetic_store: Store,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # While one dump is being written (held here until the gate opens), another download
    # must not wait for it: one global lock used to make every download wait.
    gate = threading.Event()
    real_dump = synthetic_store.dump

    def held_dump(out, syntax, graph=None):
        if syntax.extension == "nt":
            gate.wait(30)
        real_dump(out, syntax, graph)

    monkeypatch.setattr(synthetic_store, "dump", held_dump)
    client = make_app(synthetic_store).test_client()
    held = threading.Thread(target=lambda: client.get("/downloads/remedy-kg.nt").data,
                            daemon=True)
    held.start()
    try:
        other = client.get("/downloads/remedy-kg.ttl")
        assert other.status_code == 200 and other.data
        assert held.is_alive()  # the first is still being written
    finally:
        gate.set()
        held.join(30)


def test_an_abandoned_download_leaves_no_file(synthetic_store: Store,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(downloads, "CHUNK", 64)
    monkeypatch.setattr(downloads, "QUEUED_CHUNKS", 1)
    app = make_app(synthetic_store)
    client = app.test_client()
    response = client.get("/downloads/remedy-kg.nt", buffered=False)
    next(iter(response.response))
    response.close()
    folder = app.extensions["kg_dumps"]
    for _ in range(100):
        if not list(folder.iterdir()):
            break
        threading.Event().wait(0.05)
    assert list(folder.iterdir()) == []


def test_the_dump_folder_goes_with_the_app(synthetic_store: Store) -> None:
    app = make_app(synthetic_store)
    assert app.test_client().get("/downloads/remedy-kg.nt").data  # read to the end
    folder = app.extensions["kg_dumps"]
    assert (folder / "remedy-kg.nt").exists()
    del app
    gc.collect()
    assert not folder.exists()
