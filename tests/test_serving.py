"""`kg serve`'s servers (web.serving): granian's worker never outlives `kg serve`, a taken port
is a message, and both servers answer alike where the server shows."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import OxigraphStore, Store
from tests.conftest import wait_until_serving
from tests.engines import free_port

KG = Path(sys.executable).with_name("kg")


def _serve(store: Store, tmp_path: Path, server: str = "granian") -> tuple[subprocess.Popen, str]:
    assert isinstance(store, OxigraphStore) and store.path
    port = free_port()
    process = subprocess.Popen(
        [str(KG), "--store", str(store.path), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmp_path), "KG_SERVER": server})
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(process, url + "/")
    return process, url


def _descendants(pid: int) -> list[int]:
    """Every process under `pid`: granian's worker, and the fork server and query workers
    under that."""
    out, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = [(t / "children").read_text() for t in Path(f"/proc/{parent}/task").iterdir()]
        except FileNotFoundError:  # it ended meanwhile
            continue
        children = [int(c) for text in tasks for c in text.split()]
        out += children
        todo += children
    return out


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's reaper here may be slow to reap)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_gone(pids: list[int], seconds: float = 8) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if _running(p)]


def _port_free(url: str) -> bool:
    host, port = url.rsplit("/", 1)[-1].split(":")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError:
            return False
    return True


@pytest.fixture
def granian_serving(synthetic_disk_store: Store,
                    tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str, list[int]]]:
    """`kg serve` under granian, its query workers started (an answer run), and the processes
    under it."""
    process, url = _serve(synthetic_disk_store, tmp_path)
    try:
        # The worker starts the query workers' fork server as it starts, before any query (a
        # first dump waited 0.35-1.2 s at 1M for it), as `kg serve` does beside waitress.
        deadline = time.monotonic() + 10
        while not any(b"multiprocessing.forkserver" in _command(p)
                      for p in _descendants(process.pid)):
            assert time.monotonic() < deadline, "no fork server under granian's worker"
            time.sleep(0.1)
        with urllib.request.urlopen(url + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                                    timeout=30) as response:
            assert response.read()
        under = _descendants(process.pid)
        assert under, "granian serves from a worker process"
        yield process, url, under
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_sigkill_of_kg_serve_ends_its_worker_and_frees_the_port(granian_serving) -> None:
    # Nothing stops granian's worker when its parent dies without a word, unless the worker
    # asks the kernel for a signal then (it served on, holding the store and the port).
    process, url, under = granian_serving
    process.kill()
    process.wait(timeout=10)
    assert _wait_gone(under) == []
    assert _port_free(url)


def test_sigterm_of_kg_serve_stops_its_worker_which_removes_its_dump_folder(
        granian_serving, tmp_path: Path) -> None:
    # The dump folder is the worker's (it runs the app): multiprocessing ends a worker with
    # os._exit, without its exit handlers, unless the worker runs them itself.
    process, url, under = granian_serving
    with urllib.request.urlopen(url + "/downloads/remedy-kg.nt", timeout=30) as response:
        assert response.read()
    (folder,) = tmp_path.glob("kg-dumps-*")
    assert (folder / "remedy-kg.nt").exists()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert _wait_gone(under) == []
    assert not folder.exists()


@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_a_taken_port_is_a_message_not_a_traceback(runner, monkeypatch, server: str) -> None:
    from kg.cli import main

    monkeypatch.setattr("kg.query_workers.start_fork_server", lambda: None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", "--store", ":memory:", "--port", str(port),
                                      "--server", server])
    assert result.exit_code == 1, result.output
    assert f"cannot serve on 127.0.0.1:{port}: the port is in use" in result.output
    assert "Traceback" not in result.output


ECHO = """
import sys
from web.serving import serve

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["REMOTE_ADDR"].encode()]

serve(lambda: app, "127.0.0.1", int(sys.argv[1]), 2, sys.argv[2])
"""


@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_both_servers_give_the_client_address_and_name_themselves_alike(server: str) -> None:
    # The rate limiter keys on REMOTE_ADDR: granian must give the client's address alone, as
    # waitress does. The Server header names the site, not the server software.
    import http.client

    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", ECHO, str(port), server],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               cwd=Path(__file__).resolve().parents[1])
    try:
        wait_until_serving(process, f"http://127.0.0.1:{port}/")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        assert response.read() == b"127.0.0.1"
        assert response.headers.get_all("Server") == ["remedy-kg"]
        kept = connection.sock
        connection.request("HEAD", "/")  # on the same connection: kept alive
        response = connection.getresponse()
        assert response.status == 200 and response.read() == b""
        assert connection.sock is kept
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_granian_runs_the_app_named_and_reading_files_in_large_blocks() -> None:
    # granian gives no wsgi.file_wrapper; werkzeug's own reads a kept dump 8 kB at a time.
    import io

    from web.serving import FILE_BLOCK, SERVER_NAME, _named

    seen: dict = {}

    def app(environ, start_response):
        seen["wrapper"] = environ["wsgi.file_wrapper"](io.BytesIO(b"x" * 10), 8192)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    sent: list = []
    body = _named(app)({}, lambda status, headers, exc_info=None: sent.append(headers))
    assert body == [b"ok"] and ("Server", SERVER_NAME) in sent[0]
    assert seen["wrapper"].buffer_size == FILE_BLOCK > 8192


def test_granian_naming_leaves_the_apps_own_header_list_alone() -> None:
    # An app may send one list with every response: adding Server to it grew it per request.
    from web.serving import SERVER_NAME, _named

    shared = [("Content-Type", "text/plain")]

    def app(environ, start_response):
        start_response("200 OK", shared)
        return [b"ok"]

    sent: list = []
    for _ in range(3):
        _named(app)({}, lambda status, headers, exc_info=None: sent.append(headers))
    assert shared == [("Content-Type", "text/plain")]
    assert all(headers.count(("Server", SERVER_NAME)) == 1 for headers in sent)


ORPHAN = """
import os, signal, time
from web.serving import _die_with_parent

signal.signal(signal.SIGTERM, signal.SIG_IGN)  # as a SIGTERM that comes while the app loads
_die_with_parent(os.getppid(), grace=0.3)
print("ready", flush=True)
time.sleep(60)
"""
PARENT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE)
print(child.pid, flush=True)
print(child.stdout.readline().decode().strip(), flush=True)
child.wait()
"""


def test_a_worker_whose_sigterm_is_lost_is_killed_once_its_parent_is_gone() -> None:
    # granian installs its SIGTERM handler only once the app is loaded: a parent that dies
    # before that sends a SIGTERM that does nothing, and the watchdog must end the worker.
    parent = subprocess.Popen([sys.executable, "-c", PARENT, ORPHAN], stdout=subprocess.PIPE,
                              cwd=Path(__file__).resolve().parents[1])
    try:
        child = int(parent.stdout.readline())
        assert parent.stdout.readline() == b"ready\n"
    finally:
        parent.kill()
        parent.wait(timeout=10)
    assert _wait_gone([child], 5) == []
