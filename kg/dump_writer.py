"""A dump of the store written by a short-lived child process (kg.store_child), so the server
never reads the whole store itself.

At a million triples, writing the dump in the server made RocksDB read every file of the store
in the server's process: +96-106 MB of RSS that stayed after `malloc_trim` (bench/memory.py).
The child writes the dump into a file and exits; the caller reads the file as it grows
(DumpChild.read) and learns from the child's exit whether it is whole: a failed or killed child
is an error, never a short dump.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import BinaryIO

from kg.formats import RDF_FORMATS, RdfSyntax
from kg.store_child import ChildFailed, ChildSource, child_main, describe_exit, start

POLL_S = 0.02  # how long a reader at the end of the file waits before looking again


class DumpFailed(ChildFailed):
    """The child ended without writing the whole dump (an error, or it was killed)."""


class DumpChild:
    """One child process writing one dump into `out`; `read` follows the file as it grows.
    `pipe` is the server's end of the pipe to the child: the child exits when it closes."""

    def __init__(self, source: ChildSource, syntax: RdfSyntax, graph: str | None, out: Path,
                 target: Callable[..., None] | None = None):
        # `target` stands in for write_dump in tests (a child that fails or hangs).
        self.process, self.pipe = start(target or write_dump,
                                           (source, syntax.name, graph, str(out)),
                                           "kg-dump-writer")

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
            if self.pipe.poll():
                return f"the dump could not be written: {self.pipe.recv()[1]}"
        except (EOFError, OSError):  # the child ended without a word (killed)
            pass
        return (f"the dump writer ended with {describe_exit(self.process.exitcode)} before "
                "the dump was whole")


def write_dump(source: ChildSource, syntax_name: str, graph: str | None, out: str,
               errors: Connection) -> None:
    """The child: open the store, write the dump into `out`, exit (0 only when whole)."""
    with child_main(errors):
        store = source.open()
        with open(out, "wb") as file:
            store.dump(file, RDF_FORMATS[syntax_name], graph=graph)
        store.close()
