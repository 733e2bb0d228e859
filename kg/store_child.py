"""Work that reads much of the store, done by a short-lived child process, so that the memory
the engine takes for it goes back to the system when the child exits.

RocksDB keeps in memory what it read of each file (index and filter blocks, per table reader)
for as long as the store is open, and `malloc_trim` cannot return it: at a million triples
the server's RSS grew by 96-106 MB writing a dump and by about 52 MB reading every label for
the search index, and kept it (bench/memory.py). A child forked from the query workers' fork
server (kg.query_workers.worker_context: its imports done, forked in milliseconds) opens the
store itself, read-only, does the work, and exits.

A store in this process's memory (tests, `:memory:`) cannot be opened by another process:
`ChildSource.of` gives None, and the caller does the work itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from kg.namespaces import CANONICAL_BASE, namespaces
from kg.store import Endpoints, OxigraphStore, RemoteStore, Store, StoreError, open_store
from kg.store.transport import Credentials


class ChildFailed(StoreError):
    """The child ended without finishing its work (an error, or it was killed)."""


@dataclass(frozen=True)
class ChildSource:
    """How a child opens the store read-only: an on-disk store's folder, or an engine's
    endpoints (and credentials)."""

    path: str | None = None
    endpoints: Endpoints | None = None
    credentials: Credentials | None = None
    base: str = CANONICAL_BASE

    @classmethod
    def of(cls, store: Store, *, remote: bool = True) -> ChildSource | None:
        """None for a store only this process can read (one in memory), or an engine's
        store unless `remote`."""
        base = store.namespaces.base
        if isinstance(store, OxigraphStore) and store.path is not None:
            return cls(path=str(store.path), base=base)
        if remote and isinstance(store, RemoteStore):
            return cls(endpoints=store.endpoints, credentials=store.credentials, base=base)
        return None

    def open(self) -> Store:
        if self.endpoints is not None:
            store: Store = RemoteStore(self.endpoints, credentials=self.credentials,
                                       read_only=True)
            store.namespaces = namespaces(self.base)
            return store
        return open_store(self.path, read_only=True, base=self.base)


def start(target: Callable[..., None], args: tuple, name: str) -> tuple[Any, Connection]:
    """Start `target(*args, conn)` in a child forked from the fork server; returns the process
    and the server's end of the pipe to the child, which the server keeps open for as long as
    the child should live (see `child_main`)."""
    # Imported here: kg.query_workers, which the fork server preloads, does not need this.
    from kg.query_workers import worker_context

    context = worker_context()
    parent_end, child_end = context.Pipe()
    process = context.Process(target=target, args=(*args, child_end), name=name, daemon=True)
    process.start()
    child_end.close()
    return process, parent_end


def run(source: ChildSource, work: Callable[[Store], Any], name: str) -> Any:
    """`work(store)` in a child over its own read-only store; its result (pickled) or
    ChildFailed. `work` must be a module-level function (the child imports it)."""
    process, conn = start(_run_work, (source, work), name)
    try:
        try:
            kind, value = conn.recv()
        except EOFError:
            process.join(5)
            raise ChildFailed(f"{name} ended with {describe_exit(process.exitcode)} before "
                              "it answered") from None
    finally:
        conn.close()
        process.join(5)
        if process.exitcode is None:
            process.kill()
            process.join(5)
    if kind == "error":
        raise ChildFailed(f"{name} failed: {value}")
    return value


def _run_work(source: ChildSource, work: Callable[[Store], Any], conn: Connection) -> None:
    with child_main(conn):
        store = source.open()
        result = work(store)
        store.close()
        conn.send(("ok", result))


class child_main:  # noqa: N801 - used as a `with` statement, like contextlib's helpers
    """Around a child's work: Ctrl-C is the server's to handle, the child exits when the
    server's end of the pipe closes (the server exited or was killed), and an error is sent
    to the server as ("error", message) before the child exits with 1."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def __enter__(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # Not PR_SET_PDEATHSIG: the child's parent is the fork server, which outlives the
        # server while any child it forked runs (each holds the fork server's "alive" pipe).
        threading.Thread(target=_exit_when_server_gone, args=(self.conn,), daemon=True,
                         name="exit when the server is gone").start()

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> bool:
        if exc is None or not isinstance(exc, Exception):
            return False
        self.conn.send(("error", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1)


def describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        return f"signal {-code}"
    return f"exit code {code}"


def _exit_when_server_gone(conn: Connection) -> None:
    """In the child: the server sends nothing on the pipe, so a read ends only when the
    server's end closes: when the server exits or is killed (or gives up on the child)."""
    with contextlib.suppress(EOFError, OSError):
        conn.recv_bytes()
    os._exit(1)
