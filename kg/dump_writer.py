"""A dump of the store written by a short-lived child process, so the server never reads the
whole store itself.

At a million triples, writing the dump in the server made RocksDB read every file of the store
in the server's process: +96-106 MB of RSS that stayed after `malloc_trim` (bench/memory.py).
A child forked from the query workers' fork server (kg.query_workers.worker_context: forked in
milliseconds, its imports already done) opens the store itself, read-only (or the engine's
endpoint), writes the dump into a file and exits, and its memory goes back to the system with
it. The caller reads the file as it grows (DumpChild.read) and learns from the child's exit
whether it is whole: a failed or killed child is an error, never a short dump.

A store in this process's memory (tests, `:memory:`) cannot be opened by another process:
`DumpSource.of` says so with None, and the caller writes the dump itself.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import BinaryIO

from kg.formats import RDF_FORMATS, RdfSyntax
from kg.namespaces import CANONICAL_BASE, namespaces
from kg.store import Endpoints, OxigraphStore, RemoteStore, Store, StoreError, open_store
from kg.store.transport import Credentials

POLL_S = 0.02  # how long a reader at the end of the file waits before looking again
_PR_SET_PDEATHSIG = 1  # prctl(2)


class DumpFailed(StoreError):
    """The child ended without writing the whole dump (an error, or it was killed)."""


@dataclass(frozen=True)
class DumpSource:
    """How a child opens the store: an on-disk store's folder, or an engine's endpoints."""

    path: str | None = None
    endpoints: Endpoints | None = None
    credentials: Credentials | None = None
    base: str = CANONICAL_BASE

    @classmethod
    def of(cls, store: Store) -> DumpSource | None:
        """None for a store only this process can read (one in memory)."""
        base = store.namespaces.base
        if isinstance(store, OxigraphStore) and store.path is not None:
            return cls(path=str(store.path), base=base)
        if isinstance(store, RemoteStore):
            return cls(endpoints=store.endpoints, credentials=store.credentials, base=base)
        return None

    def open(self) -> Store:
        if self.endpoints is not None:
            store: Store = RemoteStore(self.endpoints, credentials=self.credentials,
                                       read_only=True)
            store.namespaces = namespaces(self.base)
            return store
        return open_store(self.path, read_only=True, base=self.base)


class DumpChild:
    """One child process writing one dump into `out`; `read` follows the file as it grows."""

    def __init__(self, source: DumpSource, syntax: RdfSyntax, graph: str | None, out: Path,
                 target=None):
        # Imported here: the fork server imports this module's caller, not the other way.
        from kg.query_workers import worker_context

        context = worker_context()
        self._errors, child_end = context.Pipe(duplex=False)
        self.process = context.Process(target=target or write_dump,
                                       args=(source, syntax.name, graph, str(out), child_end),
                                       name="kg-dump-writer", daemon=True)
        self.process.start()
        child_end.close()

    def read(self, file: BinaryIO, size: int, timeout: float) -> bytes:
        """The next bytes the child wrote to `file` (opened unbuffered), waiting up to
        `timeout` s for them; b"" once the child has exited whole and every byte was read.
        Raises DumpFailed when the child failed or was killed, or wrote nothing in time."""
        deadline = time.monotonic() + timeout
        while True:
            # The exit is seen before the read: once exited, an empty read is the true end.
            ended = self.process.exitcode is not None
            data = file.read(size)
            if data:
                return data
            if ended:
                if self.process.exitcode == 0:
                    return b""
                raise DumpFailed(self._failure())
            if time.monotonic() >= deadline:
                raise DumpFailed(f"the dump writer wrote nothing for {timeout:g} s")
            wait([self.process.sentinel], POLL_S)

    @property
    def whole(self) -> bool:
        """The child ended and says it wrote the whole dump."""
        return self.process.exitcode == 0

    def stop(self) -> None:
        """Kill the child (a no-op once it has ended) and reap it."""
        if self.process.exitcode is None:
            self.process.kill()
        self.process.join(5)

    def _failure(self) -> str:
        try:
            if self._errors.poll():
                return f"the dump could not be written: {self._errors.recv()}"
        except (EOFError, OSError):  # the child ended without a word (killed)
            pass
        code = self.process.exitcode
        how = f"was killed by signal {-code}" if code and code < 0 else f"exited with {code}"
        return f"the dump writer {how} before the dump was whole"


def write_dump(source: DumpSource, syntax_name: str, graph: str | None, out: str,
               errors: Connection) -> None:
    """The child: open the store, write the dump into `out`, exit (0 only when whole)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _die_with_parent()
    try:
        store = source.open()
        with open(out, "wb") as file:
            store.dump(file, RDF_FORMATS[syntax_name], graph=graph)
        store.close()
    except Exception as exc:  # the server must hear why, not only an exit code
        errors.send(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from None


def _die_with_parent() -> None:
    """The child's parent is the fork server, which exits with the server: the child goes
    with it rather than writing on into a folder nobody reads (Linux only)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)
