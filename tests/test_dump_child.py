"""The first download of a dump of an on-disk store is written by a child process
(kg.dump_writer), streamed as its file grows, and kept only when the child exits whole."""

from __future__ import annotations

import gc
import io
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from kg import dump_writer
from kg.dump_writer import DumpChild, DumpFailed
from kg.formats import RDF_FORMATS
from kg.store import OxigraphStore, Store
from kg.store_child import ChildSource, child_main
from tests.conftest import make_app, wait_until_serving
from tests.engines import free_port
from web import downloads, memory


def _held_then_whole(source, syntax_name, graph, out, errors):
    """A child that writes the ".nt" dump only once the file "go" is in the dump folder."""
    gate = Path(out).parent / "go"
    while syntax_name == "ntriples" and not gate.exists():
        time.sleep(0.02)
    dump_writer.write_dump(source, syntax_name, graph, out, errors)


def _killed_half_way(source, syntax_name, graph, out, errors):
    with open(out, "wb") as file:
        file.write(b"<https://example.org/a> <https://example.org/b> \"written\" .\n")
    os.kill(os.getpid(), signal.SIGKILL)


def _writes_then_hangs(source, syntax_name, graph, out, errors):
    with child_main(errors), open(out, "wb") as file:
        file.write(b"<https://example.org/a> <https://example.org/b> \"written\" .\n")
        file.flush()
        time.sleep(60)


def _children(monkeypatch: pytest.MonkeyPatch, target=None) -> list[DumpChild]:
    """Every DumpChild the app starts, running `target` instead of the real writer if given."""
    started: list[DumpChild] = []

    class Recorded(DumpChild):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, target=target, **kwargs)
            started.append(self)

    monkeypatch.setattr(downloads, "DumpChild", Recorded)
    return started


def _empty_soon(folder: Path) -> bool:
    for _ in range(100):
        if not list(folder.iterdir()):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("name", ["ntriples", "turtle", "nquads"])
def test_a_child_writes_the_dump_and_the_server_reads_no_store(
        synthetic_disk_store: Store, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    syntax = RDF_FORMATS[name]
    expected = io.BytesIO()
    synthetic_disk_store.dump(expected, syntax)

    def not_here(*args, **kwargs):
        raise AssertionError("the server process wrote the dump itself")

    monkeypatch.setattr(synthetic_disk_store, "dump", not_here)
    started = _children(monkeypatch)
    app = make_app(synthetic_disk_store)
    client = app.test_client()
    first = client.get(f"/downloads/remedy-kg.{syntax.extension}")
    assert first.status_code == 200 and first.mimetype == syntax.media_type
    assert first.is_streamed
    assert sorted(first.data.splitlines()) == sorted(expected.getvalue().splitlines())
    assert len(started) == 1 and started[0].process.exitcode == 0
    again = client.get(f"/downloads/remedy-kg.{syntax.extension}")
    assert again.data == first.data
    assert again.headers.get("Content-Length") == str(len(first.data))  # the kept file
    assert len(started) == 1
    folder = app.extensions["kg_dumps"]
    assert [p.name for p in folder.iterdir()] == [f"remedy-kg.{syntax.extension}"]
    del app, client, first, again
    gc.collect()
    assert not folder.exists()


def test_a_killed_child_cuts_the_download_and_leaves_no_file(
        synthetic_disk_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _children(monkeypatch, _killed_half_way)
    app = make_app(synthetic_disk_store)
    response = app.test_client().get("/downloads/remedy-kg.nt", buffered=False)
    assert response.status_code == 200  # the first bytes came before the child died
    body = iter(response.response)
    assert b"written" in next(body)
    with pytest.raises(DumpFailed, match="ended with signal 9"):
        for _ in body:
            pass
    response.close()
    assert list(app.extensions["kg_dumps"].iterdir()) == []


def test_a_child_that_cannot_open_the_store_is_an_error_response(
        synthetic_disk_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = ChildSource(path=str(tmp_path / "gone"), base=synthetic_disk_store.namespaces.base)
    monkeypatch.setattr(downloads.ChildSource, "of", classmethod(lambda cls, store: missing))
    app = make_app(synthetic_disk_store)
    response = app.test_client().get("/downloads/remedy-kg.ttl")
    assert response.status_code == 503
    assert "no store at" in response.get_data(as_text=True)
    assert list(app.extensions["kg_dumps"].iterdir()) == []


def test_a_client_that_goes_away_stops_the_child(synthetic_disk_store: Store,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    started = _children(monkeypatch, _writes_then_hangs)
    app = make_app(synthetic_disk_store)
    response = app.test_client().get("/downloads/remedy-kg.nt", buffered=False)
    assert b"written" in next(iter(response.response))
    response.close()
    assert started[0].process.exitcode == -signal.SIGKILL
    assert _empty_soon(app.extensions["kg_dumps"])


def test_first_downloads_do_not_wait_for_each_other(synthetic_disk_store: Store,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _children(monkeypatch, _held_then_whole)
    app = make_app(synthetic_disk_store)
    client = app.test_client()
    held_data: list[bytes] = []
    held = threading.Thread(target=lambda: held_data.append(
        client.get("/downloads/remedy-kg.nt").data), daemon=True)
    held.start()
    try:
        other = client.get("/downloads/remedy-kg.ttl")
        assert other.status_code == 200 and b"@prefix" in other.data
        assert held.is_alive()  # the first is still being written
    finally:
        (app.extensions["kg_dumps"] / "go").touch()
        held.join(30)
    assert held_data and held_data[0].count(b"\n") > 1000


def test_only_a_store_of_this_process_is_dumped_here(synthetic_store: Store,
                                                     synthetic_disk_store: Store) -> None:
    assert ChildSource.of(synthetic_store) is None  # in memory: no other process can read it
    source = ChildSource.of(synthetic_disk_store)
    assert source is not None and source.path is not None


def test_kg_serve_stopped_by_sigterm_removes_its_dump_folder(synthetic_disk_store: Store,
                                                             tmp_path: Path) -> None:
    # A service manager stops the server with SIGTERM; Python's default ended it without its
    # exit handlers, and every stopped server left its dumps in the temporary folder.
    assert isinstance(synthetic_disk_store, OxigraphStore) and synthetic_disk_store.path
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("kg")), "--store", str(synthetic_disk_store.path),
         "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(process, url + "/")
        with urllib.request.urlopen(url + "/downloads/remedy-kg.nt", timeout=30) as response:
            assert response.read()
        (folder,) = tmp_path.glob("kg-dumps-*")
        assert (folder / "remedy-kg.nt").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0
    assert not folder.exists()


def test_a_dump_written_by_a_child_asks_for_a_trim_once_sent(
        synthetic_disk_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # It is sent after the view returns, where the slow-request trim does not see it.
    app = make_app(synthetic_disk_store)
    trimmer = app.extensions.get(memory.EXTENSION)
    if trimmer is None:
        pytest.skip("not glibc: nothing to trim")
    asked: list[bool] = []
    monkeypatch.setattr(trimmer, "ask", lambda: asked.append(True))
    monkeypatch.setattr(memory, "SLOW_REQUEST_S", 3600.0)
    response = app.test_client().get("/downloads/remedy-kg.nt")
    assert response.get_data()
    response.close()
    assert asked == [True]


def test_the_child_exits_when_the_server_s_end_of_its_pipe_closes(
        synthetic_disk_store: Store, tmp_path: Path) -> None:
    # As when the server is killed: the child's parent is the fork server, which outlives it.
    source = ChildSource.of(synthetic_disk_store)
    assert source is not None
    (tmp_path / "out.nt").touch()  # made by the server before it starts the child
    child = DumpChild(source, RDF_FORMATS["ntriples"], None, tmp_path / "out.nt",
                      target=_writes_then_hangs)
    with (tmp_path / "out.nt").open("rb", buffering=0) as file:
        assert b"written" in child.read(file, 1024, 30)
    child.pipe.close()
    child.process.join(10)
    assert child.process.exitcode == 1 and not child.whole
