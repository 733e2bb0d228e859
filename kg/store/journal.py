"""A store whose updates are journalled: the embedded home of the community graph.

Each update is appended to a journal file as one line and fsynced before it is applied and
acknowledged; opening the store replays the journal into memory. So an acknowledged write
survives a killed process and a power cut, the curated store stays read-only while the site
runs (and `kg build` can rewrite it), and other processes (the /sparql query workers) follow
the writes by reading the lines added since they last looked.
`scripts/bench_community_durability.py` measures this against writing to an on-disk
pyoxigraph store, with and without a flush.

A line is `{"crc": CRC32 of the update, "update": SPARQL Update text}`. A last line cut short
by a crash was never acknowledged and is dropped on open; a damaged line before it is an error.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import zlib
from pathlib import Path
from typing import BinaryIO

from kg.store.base import QuerySyntaxError, StoreError
from kg.store.oxigraph import OxigraphStore


class JournalError(StoreError):
    """The journal cannot be read back: it names the file and line."""


def read_entries(handle: BinaryIO, offset: int, path: Path) -> tuple[list[str], int, bool]:
    """The updates of the complete lines after `offset`, the offset after the last good one,
    and whether a torn last line was seen (a write that was cut short)."""
    handle.seek(offset)
    data = handle.read()
    updates: list[str] = []
    position = offset
    lines = data.split(b"\n")
    complete, tail = lines[:-1], lines[-1]
    for index, line in enumerate(complete):
        try:
            entry = json.loads(line)
            text = entry["update"]
            if zlib.crc32(text.encode("utf-8")) != entry["crc"]:
                raise ValueError("checksum mismatch")
        except (ValueError, KeyError, TypeError) as exc:
            if index == len(complete) - 1 and not tail:
                return updates, position, True  # the last line, damaged: never acknowledged
            line_number = data[: position - offset].count(b"\n") + 1
            raise JournalError(f"{path}: entry after byte {position} (line {line_number} of "
                               f"the unread part) is damaged: {exc}") from None
        updates.append(text)
        position += len(line) + 1
    return updates, position, bool(tail)


class JournalledStore(OxigraphStore):
    """An in-memory store, rebuilt from its journal on open; every update is journalled first.

    One process writes a journal at a time (an exclusive lock on the file says so at once).
    """

    def __init__(self, journal: str | Path, *, sync: bool = True):
        super().__init__(None)
        self.journal = Path(journal)
        self.sync = sync
        self._lock = threading.Lock()
        try:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.journal, "a+b")  # noqa: SIM115 - held until close
        except OSError as exc:
            raise StoreError(f"cannot open the community journal {self.journal}: {exc}") from exc
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._file.close()
            raise StoreError(f"the community journal {self.journal} is in use by another "
                             "process (a running server?)") from None
        updates, self._offset, torn = read_entries(self._file, 0, self.journal)
        for text in updates:
            super().update(text)
        if torn:
            self._file.truncate(self._offset)
            self._sync()

    def update(self, sparql_update: str) -> None:
        line = json.dumps({"crc": zlib.crc32(sparql_update.encode("utf-8")),
                           "update": sparql_update}, ensure_ascii=False).encode("utf-8") + b"\n"
        with self._lock:
            start = self._offset
            try:
                self._file.write(line)
                self._file.flush()
                self._sync()
            except OSError as exc:
                self._rewind(start)
                raise StoreError(f"cannot write the community journal {self.journal}: "
                                 f"{exc}") from exc
            try:
                super().update(sparql_update)
            except (QuerySyntaxError, StoreError):
                self._rewind(start)  # journal and memory agree: neither has it
                raise
            self._offset = start + len(line)

    def revision(self) -> int:
        """Where the journal ends: it grows with every acknowledged write, so a copy made at
        one revision is current while the revision is the same (pages keep what they show)."""
        return self._offset

    def _sync(self) -> None:
        if self.sync:
            os.fsync(self._file.fileno())

    def _rewind(self, offset: int) -> None:
        self._file.truncate(offset)
        self._file.flush()
        self._sync()

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.close()  # also releases the lock


_open: dict[Path, JournalledStore] = {}
_open_lock = threading.Lock()


def open_journal(journal: str | Path) -> JournalledStore:
    """The process's one store for a journal file (several apps in one process share it; the
    file lock keeps other processes out)."""
    path = Path(journal).resolve()
    with _open_lock:
        store = _open.get(path)
        if store is None or store._file.closed:
            store = _open[path] = JournalledStore(path)
        return store


class JournalFollower:
    """Applies to a store the journal lines written since it last looked (query workers)."""

    def __init__(self, journal: str | Path):
        self.journal = Path(journal)
        self._offset = 0

    @property
    def offset(self) -> int:
        """The byte offset after the last line applied."""
        return self._offset

    def catch_up(self, store: OxigraphStore) -> int:
        """Apply the new complete lines; returns how many. A missing journal is an empty one."""
        try:
            with self.journal.open("rb") as handle:
                updates, self._offset, _ = read_entries(handle, self._offset, self.journal)
        except FileNotFoundError:
            return 0
        for text in updates:
            OxigraphStore.update(store, text)  # the plain in-memory update, not a subclass's
        return len(updates)


class FollowingStore(OxigraphStore):
    """A read-only view of a journal another process writes: it catches up before each query."""

    def __init__(self, journal: str | Path):
        super().__init__(None)
        self._follower = JournalFollower(journal)
        self._lock = threading.Lock()

    def query(self, sparql: str, **options: object):  # type: ignore[override]
        with self._lock:
            self._follower.catch_up(self)
        return super().query(sparql, **options)  # type: ignore[arg-type]

    def revision(self) -> int:
        """Where the journal ends once the writer's new lines are read (see
        JournalledStore.revision): the other process's writes count too."""
        with self._lock:
            self._follower.catch_up(self)
            return self._follower.offset

    def update(self, sparql_update: str) -> None:
        raise StoreError(f"another process writes the community journal "
                         f"{self._follower.journal}; this one only reads it")
