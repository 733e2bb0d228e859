"""How `kg serve` serves the app: the WSGI server and its settings, in one place (the
benchmarks serve their bare baselines through it too, so both are served alike).

granian (a Rust HTTP server) is the default: at 1M it answered `ASK {}` at /sparql 0.39-0.41 ms
sooner than waitress run every time (0.11-0.15 ms kept), the typical queries run every time
0.39-0.51 ms sooner, and it served 13-66 % more `ASK {}` requests per second; its serving
memory was waitress's in PSS, 33 MB more in RSS, which counts twice the pages its worker
shares with the parent that forked it (bench/results/2026-11-30-vm-1m-s22-granian.md).
waitress stays selectable (`kg serve --server waitress`, or KG_SERVER=waitress): one process,
nothing to supervise.

granian runs the app in a worker process forked from `kg serve`. That worker must never
outlive `kg serve` (it holds the store, the answer cache and the query workers): `kg serve`'s
SIGTERM or Ctrl-C stops it through granian (killed after WORKER_KILL_TIMEOUT_S); a `kg serve`
that dies without a word (SIGKILL, a crash) sends it SIGTERM through the kernel
(PR_SET_PDEATHSIG), and a watchdog thread kills it ORPHAN_GRACE_S later if it is still there.
The worker runs the exit handlers a process normally runs at exit (multiprocessing ends its
children without them), so its dump folder goes with it.

waitress's settings were measured too: only the deprecated `send_bytes` moved its latency (by
0.04 ms), so none is set.
"""

from __future__ import annotations

import atexit
import ctypes
import errno
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import click

WSGIApp = Callable[..., Any]
SERVERS = ("granian", "waitress")
SERVER_NAME = "remedy-kg"  # the Server header, whichever server sends the answer
WORKER_KILL_TIMEOUT_S = 10  # a worker that has not stopped this long after SIGTERM is killed
ORPHAN_GRACE_S = 3.0  # an orphaned worker's time to stop cleanly before it kills itself
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
FILE_BLOCK = 256 * 1024  # bytes per read of a file sent whole (a kept dump)


class PortInUse(Exception):
    """The address is taken (another server on the port)."""


def serve(make_app: Callable[[], WSGIApp], host: str, port: int, threads: int,
          server: str = SERVERS[0]) -> None:
    """Serve until interrupted. `make_app` is called where the app will run: in this process
    for waitress; in granian's worker process for granian (which must open the store itself,
    not inherit the parent's open files). Raises PortInUse when the address is taken."""
    if server == "waitress":
        from waitress import serve as waitress_serve

        app = make_app()
        try:
            waitress_serve(app, host=host, port=port, threads=threads, ident=SERVER_NAME)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(str(exc)) from exc
            raise
    elif server == "granian":
        _serve_granian(make_app, host, port, threads)
    else:
        raise ValueError(f"unknown server {server!r}; choose one of: {', '.join(SERVERS)}")


def _serve_granian(make_app: Callable[[], WSGIApp], host: str, port: int,
                   threads: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    _check_port_free(host, port)  # granian's own bind error ends in a Rust traceback
    if sys.platform.startswith("linux") and multiprocessing.get_start_method(True) is None:
        # granian starts its worker the default way, or with "spawn" where the default is the
        # fork server (Python 3.14), which would have to pickle `make_app`: fork, as on 3.11.
        multiprocessing.set_start_method("fork")
    # Errors only: at warning level granian calls 8 threads on 2 cores "quite high" at every
    # start, but a streamed dump holds one for as long as its client reads.
    Granian("unused", address=host, port=port, interface=Interfaces.WSGI, workers=1,
            blocking_threads=threads, log_access=False, log_level=LogLevels.error,
            workers_kill_timeout=WORKER_KILL_TIMEOUT_S).serve(
        spawn_target=_granian_worker,
        target_loader=partial(_load_in_worker, make_app, os.getpid()), wrap_loader=False)


def _check_port_free(host: str, port: int) -> None:
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(f"[Errno {exc.errno}] {exc.strerror}") from exc
            raise


def _granian_worker(*args: Any, **kwargs: Any) -> None:
    """granian's own WSGI worker, then the exit handlers: a process started by multiprocessing
    ends with os._exit, which skips them (the app's dump folder stayed in /tmp)."""
    from granian.server.mp import MPServer

    try:
        MPServer._spawn_wsgi_worker(*args, **kwargs)
    finally:
        atexit._run_exitfuncs()


def _load_in_worker(make_app: Callable[[], WSGIApp], parent: int) -> WSGIApp:
    """In granian's worker, before it serves: tie its life to `kg serve`, start the query
    workers' fork server, make the app."""
    _die_with_parent(parent)
    from kg.query_workers import start_fork_server

    threading.Thread(target=start_fork_server, name="fork server", daemon=True).start()
    try:
        return _named(make_app())
    except click.ClickException as exc:  # a store that cannot be opened: as click says it
        exc.show()
        os._exit(exc.exit_code)


def _named(app: WSGIApp) -> WSGIApp:
    """The app as granian should run it: its answers sent with the Server header waitress
    sends (granian's own, "granian", gives way to the app's), and files read in large blocks
    (granian offers no wsgi.file_wrapper, and werkzeug's reads 8 kB at a time: a kept dump
    at 1M took 267 ms to the last byte against waitress's 150)."""
    def named_app(environ: dict, start_response: Callable[..., Any]) -> Any:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            # A new list: an app may hand the same list to every response.
            return start_response(status, [*headers, ("Server", SERVER_NAME)], exc_info)

        environ.setdefault("wsgi.file_wrapper", _file_in_large_blocks)
        return app(environ, start)

    return named_app


def _file_in_large_blocks(file: Any, block_size: int = 8192) -> Any:
    from werkzeug.wsgi import FileWrapper

    return FileWrapper(file, max(block_size, FILE_BLOCK))


def _die_with_parent(parent: int, grace: float = ORPHAN_GRACE_S) -> None:
    """SIGTERM when `kg serve` (the thread that forked this worker: its main thread) dies;
    SIGKILL ORPHAN_GRACE_S after, should the SIGTERM not end it (one that comes while the app
    loads finds granian's handler not yet installed)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    threading.Thread(target=_watch_parent, args=(parent, grace), name="orphan watchdog",
                     daemon=True).start()


def _watch_parent(parent: int, grace: float) -> None:
    while os.getppid() == parent:  # also catches a parent gone before prctl took effect
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(grace)
    os.kill(os.getpid(), signal.SIGKILL)
