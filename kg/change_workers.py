"""Checks of proposed changes in a worker process that is killed at a time limit.

pySHACL cannot be interrupted, so a check runs in a child process that holds the shipped
graphs (parsed once, when it starts) and is killed and replaced when a check overruns. The child
is forked from the same clean fork server as the query workers (kg.query_workers), never from
the app. Reports come back as plain dicts (ChangeReport.to_dict).
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.build import Sources, load_project
from kg.change_check import ChangeChecker, ChangeInputError, parse_change
from kg.graph_dump import parse_ntriples
from kg.project import Project
from kg.query_workers import KILL_WAIT, worker_context

STARTUP_LIMIT = 120.0  # seconds for a new worker to parse the graphs and report on them


class CheckTimeout(Exception):
    """A check ran past its limit; its worker was killed."""


class CheckFailed(Exception):
    """The worker could not check the change (it crashed or could not start)."""


@dataclass(frozen=True)
class ProjectFiles:
    """The project's ontology, shapes and data files, as `kg build` and `kg validate` read
    them. Not the store's graphs: Oxigraph keeps xsd:positiveInteger and the other integer
    types as xsd:integer, so its copy of the data fails the shapes' datatype constraints."""

    root: Path

    def sources(self) -> Sources:
        return load_project(Project(self.root))


@dataclass(frozen=True)
class ShippedGraphs:
    """Ontology, shapes and data given as N-Triples (a small project, in tests)."""

    ontology: bytes
    shapes: bytes
    data: bytes

    def sources(self) -> Sources:
        return Sources(*(parse_ntriples(d) for d in (self.ontology, self.shapes, self.data)))


GraphSource = ProjectFiles | ShippedGraphs


class ChangeWorker:
    """One child process checking one change at a time; restarted after a timeout."""

    def __init__(self, shipped: GraphSource):
        self._shipped = shipped
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None
        self._ready = False

    def check(self, data: bytes, syntax: str, timeout: float) -> dict[str, Any]:
        """The change's report; raises ChangeInputError, CheckTimeout or CheckFailed.
        Callers serialise calls (the web layer holds a slot)."""
        with self._lock:
            conn = self._start()
            try:
                if not self._ready:
                    if not conn.poll(STARTUP_LIMIT):
                        raise CheckFailed("the checker did not start in time")
                    conn.recv()  # "ready"
                    self._ready = True
                conn.send((data, syntax))
                if not conn.poll(timeout):
                    self._stop()
                    raise CheckTimeout(f"the check ran past the {timeout:g} s limit")
                reply = conn.recv()
            except (EOFError, OSError) as exc:
                self._stop()
                raise CheckFailed(f"the checker ended before answering ({exc!r})") from None
        kind = reply[0]
        if kind == "input":
            raise ChangeInputError(reply[1], reply[2])
        if kind == "error":
            raise CheckFailed(reply[1])
        return reply[1]

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _start(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._stop()
        context = worker_context()
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, self._shipped),
                                        name="kg-change-worker", daemon=True)
        self._process.start()
        child.close()
        self._ready = False
        return self._conn

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(KILL_WAIT)
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn, self._ready = None, None, False


def _serve(conn: Connection, shipped: GraphSource) -> None:
    """The worker's loop: parse the shipped graphs, then check changes until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    checker = ChangeChecker(shipped.sources())
    checker.baseline()
    conn.send("ready")
    while True:
        try:
            data, syntax = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", checker.check(parse_change(data, syntax)).to_dict()))
        except ChangeInputError as exc:
            conn.send(("input", exc.message, exc.line))
        except Exception as exc:  # the server must hear of every failure, not a dead pipe
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
