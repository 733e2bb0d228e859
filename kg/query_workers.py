"""Queries in worker processes that can be killed: a time limit for engines that have none.

pyoxigraph has no query time limit and cannot be interrupted inside a blocking aggregate, so a
query that must stop at its limit runs in a child process, which is killed at the limit and
replaced. Children are forked from a clean fork server, never from the app (which may hold
RocksDB handles and server threads), and open the store themselves: checkpoints of its folder
(WorkerStores), or an N-Quads copy when the store lives in memory. A request that names the
format the client negotiated comes back in it, written by the engine's own serialisers
(kg.engine_answers), to be sent on unchanged; any other comes back as SPARQL JSON or
N-Triples, to be read into a QueryResult.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import queue
import resource
import select
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph, Variable
from rdflib.query import Result

from kg import engine_answers, heap
from kg.formats import RDF_FORMATS, RESULTS_FORMATS, RdfSyntax, ResultsSyntax
from kg.namespaces import CANONICAL_BASE, namespaces
from kg.query_guard import QueryFacts, QueryRefused, parsed_facts
from kg.results import QueryResult, capped
from kg.store import OxigraphStore, QuerySyntaxError, QueryTimeout, Store, StoreError, open_store
from kg.store.journal import JournalFollower

NQUADS = RDF_FORMATS["nquads"]
Reply = TypeVar("Reply")
KILL_WAIT = 5.0  # seconds for the system to reap a killed worker
TRIM_AFTER_S = 0.1  # a query this long has likely built (and freed) a large answer


class WorkerLost(StoreError):
    """The worker process ended before it answered (killed, or crashed by the query)."""


class QueryTooLarge(WorkerLost):
    """The query needed more memory than a worker may take, and its worker was stopped."""


class WorkerStores:
    """A worker's stores. `served` holds the served graphs and nothing else (no graph kept
    apart: VoID, examples, community), so its default graph is the engine's union of all its
    graphs; `full` holds every graph, the community graph up to date, and takes the default
    graph as the list of served graphs. The engine answers over its union about twice as fast
    as over a list of graphs (conditions-for-remedy at 1M: 162 ms against 608 ms), so a query
    that reads the default graph alone runs on `served`, any other on `full`. They may be one
    store (a small in-memory one). `full` is opened when a query first needs it: a checkpoint
    opened for writing compacts its files at 1M (650-820 MB written per worker, on a store as
    `kg build` leaves it), which most workers, asked no query that names a graph, never pay."""

    def __init__(self, served: Store, open_full: Callable[[], Store] | None = None):
        self.served = served
        self._open_full = open_full
        self._full: Store | None = None if open_full is not None else served

    @property
    def full(self) -> Store:
        if self._full is None:
            assert self._open_full is not None
            self._full = self._open_full()
        return self._full

    def store_for(self, request: QueryRequest) -> Store:
        return self.served if request.default_graph_only else self.full

    def close(self) -> None:
        if self._full is not None and self._full is not self.served:
            self._full.close()
        self.served.close()


@dataclass(frozen=True)
class StoreSource:
    """How a worker gets a store of its own: an on-disk store's folder, or an N-Quads copy;
    and the community journal it follows, if any (kg.store.journal)."""

    path: str | None = None
    nquads: bytes | None = None
    journal: str | None = None
    base: str = CANONICAL_BASE  # the base the store was built under

    @classmethod
    def of(cls, store: Store, journal: str | None = None) -> StoreSource:
        base = store.namespaces.base
        if isinstance(store, OxigraphStore) and store.path is not None:
            return cls(path=str(store.path), journal=journal, base=base)
        # An in-memory store cannot be shared across processes: hand each worker a copy.
        buffer = io.BytesIO()
        store.dump(buffer, NQUADS)
        return cls(nquads=buffer.getvalue(), journal=journal, base=base)

    def open(self, scratch: str | None = None) -> WorkerStores:
        """The worker's stores (WorkerStores). An on-disk store gets a checkpoint in `scratch`
        (hard links to its files, made in milliseconds) holding only the served graphs, and,
        when a query first names a graph, the store itself read-only or, with a journal, a
        second checkpoint to which the community graph is added (a read-only store takes no
        writes, and another process writes the journal). An in-memory store is
        copied into the worker's memory once. Copying the on-disk store into memory took 15 s
        and its whole size per worker at 1M triples."""
        if self.path is not None:
            if scratch is None:
                raise StoreError("a worker of an on-disk store needs a scratch folder")
            served = self._checkpoint(Path(scratch) / "served")
            _keep_served_graphs(served)
            if self.journal is None:
                return WorkerStores(served, lambda: open_store(self.path, read_only=True,
                                                               base=self.base))
            return WorkerStores(served, lambda: self._checkpoint(Path(scratch) / "store"))
        store = OxigraphStore(None)
        store.namespaces = namespaces(self.base)
        store.bulk_load(self.nquads or b"", NQUADS)
        # Small stores (tests, `:memory:`): one copy, whose default graph lists the served
        # graphs, rather than a second copy per worker.
        return WorkerStores(store)

    def _checkpoint(self, folder: Path) -> OxigraphStore:
        assert self.path is not None
        disk = ox.Store.read_only(self.path)
        try:
            disk.backup(str(folder))
        except OSError as exc:
            raise StoreError(f"cannot make the query worker's checkpoint of {self.path} "
                             f"in {folder.parent}: {exc}") from None
        del disk
        store = open_store(folder, base=self.base)
        assert isinstance(store, OxigraphStore)
        return store

    def scratch(self) -> str | None:
        """A new folder for one worker's checkpoints, beside the store (hard links need the
        same file system); the worker's owner removes it."""
        if self.path is None:
            return None
        return tempfile.mkdtemp(prefix=".kg-query-worker-", dir=Path(self.path).parent)

    def follower(self) -> JournalFollower | None:
        return JournalFollower(self.journal) if self.journal else None


def _keep_served_graphs(store: OxigraphStore) -> None:
    """Drop the graphs kept apart from the default graph from a worker's own checkpoint (the
    store's files are untouched: its checkpoint shares only immutable files with it), and the
    store's own unnamed graph (empty after `kg build`; the list of served graphs never held
    it), so that the union of what remains is the served default graph."""
    apart = store.namespaces.graphs.APART
    store.update("DROP SILENT DEFAULT")
    for name in apart:
        store.update(f"DROP SILENT GRAPH <{name}>")
    left = set(apart) & set(store.graph_names())
    if left:  # never answer the default graph over a union that holds one of them
        raise StoreError(f"the query worker's checkpoint still holds {sorted(left)}")


@dataclass(frozen=True)
class QueryRequest:
    sparql: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    max_rows: int = 10_000
    base_iri: str | None = None
    # The name of the format the answer is wanted in (kg.formats): when the engine writes it,
    # the answer comes back as those bytes instead of a QueryResult.
    syntax: str | None = None
    # The query reads the default graph and nothing else: it names no graph (FROM, FROM NAMED,
    # the protocol's graph URIs) and has no GRAPH pattern (kg.query_guard.CheckedQuery).
    default_graph_only: bool = False

    def __post_init__(self) -> None:
        if self.default_graph_only and (self.default_graph_uris or self.named_graph_uris):
            raise ValueError("a query given a dataset does not read the default graph only")

    @property
    def wanted(self) -> RdfSyntax | ResultsSyntax | None:
        if self.syntax is None:
            return None
        return RESULTS_FORMATS.get(self.syntax) or RDF_FORMATS[self.syntax]


@dataclass(frozen=True)
class FactsRequest:
    """Read a query text's facts with the guard's parser (kg.query_guard.parsed_facts)."""

    text: str
    base_iri: str | None = None


@dataclass(frozen=True)
class Answer:
    """A query's answer, cut to the row cap; `truncated` says whether rows were left out.

    `data` is the answer already written in the format the request named, when the engine
    wrote it; otherwise `result` holds it, to be written by the caller.
    """

    result: QueryResult | None
    truncated: bool
    data: bytes | None = None
    cached: bool = False  # answered from the runner's kept answers, not by the engine


def answer(store: Store, request: QueryRequest, timeout: float | None = None) -> Answer:
    """Run a request on a store in this process (the workers, and engines that stop queries)."""
    wanted = request.wanted
    if isinstance(store, OxigraphStore) and wanted is not None \
            and engine_answers.can_write(wanted):
        raw = store.evaluate(request.sparql, default_graph_uris=request.default_graph_uris,
                             named_graph_uris=request.named_graph_uris,
                             base_iri=request.base_iri)
        written = engine_answers.write(raw, wanted, request.max_rows, store.namespaces.PREFIXES)
        return Answer(None, written.truncated, written.data)
    # One row past the cap tells `capped` that rows were left out.
    result = store.query(request.sparql, default_graph_uris=request.default_graph_uris,
                         named_graph_uris=request.named_graph_uris, timeout=timeout,
                         base_iri=request.base_iri, max_rows=request.max_rows + 1)
    return Answer(*capped(result, request.max_rows))


class Worker:
    """One child process with a store of its own, answering one request at a time."""

    def __init__(self, source: StoreSource, memory_bytes: int | None = None):
        context = worker_context()
        self._conn, child = context.Pipe()
        self.memory_bytes = memory_bytes
        self.scratch = source.scratch()
        self.process = context.Process(target=_serve,
                                       args=(child, source, memory_bytes, self.scratch),
                                       name="kg-query-worker", daemon=True)
        try:
            self.process.start()
        except BaseException:
            # No worker to remove it: a process that cannot start (a script without a
            # `__main__` guard, too many processes) left one empty folder per query.
            if self.scratch is not None:
                shutil.rmtree(self.scratch, ignore_errors=True)
            raise
        child.close()
        self.prefixes = namespaces(source.base).PREFIXES
        # One poll object for the worker's life: Connection.poll builds a selector per call.
        self._reply = select.poll()
        self._reply.register(self._conn.fileno(), select.POLLIN)

    def run(self, request: QueryRequest, timeout: float) -> Answer:
        """Raises QueryTimeout at the limit; the caller must then stop this worker."""
        return _decode(self._ask(request, timeout), self.prefixes)

    def facts(self, request: FactsRequest, timeout: float) -> QueryFacts:
        """As `run`; raises QueryRefused and QuerySyntaxError as the guard does."""
        return _raise_failure(self._ask(request, timeout))[1]

    def _ask(self, request: QueryRequest | FactsRequest, timeout: float) -> tuple:
        try:
            self._conn.send(request)
            if not self._reply.poll(timeout * 1000):
                raise QueryTimeout(f"the query ran past the {timeout:g} s limit")
            reply = self._conn.recv()
        except (EOFError, OSError) as exc:
            self.process.join(KILL_WAIT)
            if self.process.exitcode == -signal.SIGABRT and self.memory_bytes:
                # The engine aborts when an allocation fails under the worker's memory cap.
                raise self._too_large() from None
            raise WorkerLost(f"the query process ended before answering ({exc!r}); "
                             "it has been replaced") from None
        if reply[0] == "memory":
            raise self._too_large()
        return reply

    def _too_large(self) -> QueryTooLarge:
        return QueryTooLarge(
            f"The query needed more than {self.memory_bytes // 2**20} MB, the most memory a "
            "query may use here, and was stopped. Narrow it (more specific patterns, fewer "
            "VALUES, a LIMIT without ORDER BY) or download the dataset and query it locally.")

    def stop(self) -> None:
        self.process.kill()
        self.process.join(KILL_WAIT)
        self._conn.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


class WorkerPool:
    """Up to `size` workers, started on first use; one that overruns is killed and replaced.

    Callers must not ask for more than `size` queries at once (the web layer caps them).
    """

    def __init__(self, source: Callable[[], StoreSource], size: int,
                 memory_bytes: int | None = None):
        self._make_source = source
        self._memory_bytes = memory_bytes
        self._source: StoreSource | None = None
        self._lock = threading.Lock()
        self._idle: queue.SimpleQueue[Worker | None] = queue.SimpleQueue()
        for _ in range(size):
            self._idle.put(None)
        self._workers: list[Worker] = []

    def query(self, request: QueryRequest, timeout: float) -> Answer:
        return self._on_a_worker(Worker.run, request, timeout)

    def facts(self, request: FactsRequest, timeout: float) -> QueryFacts:
        return self._on_a_worker(Worker.facts, request, timeout)

    def _on_a_worker(self, ask: Callable[[Worker, Any, float], Reply],
                     request: QueryRequest | FactsRequest, timeout: float) -> Reply:
        worker = self._idle.get()
        try:
            if worker is None or not worker.process.is_alive():
                worker = self._start()
            return ask(worker, request, timeout)
        except (QueryTimeout, WorkerLost):
            # Kill now, so the runaway query stops, and start the replacement at once, so
            # it is ready (forked and its store open) by the time the next query comes.
            if worker is not None:
                self._retire(worker)
                worker = None
                worker = self._start()
            raise
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()

    def _start(self) -> Worker:
        with self._lock:
            if self._source is None:
                self._source = self._make_source()
            worker = Worker(self._source, self._memory_bytes)
            self._workers.append(worker)
            return worker

    def _retire(self, worker: Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)


@lru_cache(maxsize=1)
def worker_context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    # The fork server imports only this module, so workers start in milliseconds.
    context.set_forkserver_preload([__name__])
    return context  # type: ignore[return-value]


def start_fork_server() -> None:
    """Start the fork server now rather than when the first query, search or dump needs it:
    started then, it kept the first byte of a dump at 1M waiting 0.35-1.2 s."""
    from multiprocessing import forkserver

    worker_context()  # its preload is set before it starts
    forkserver.ensure_running()


def _serve(conn: Connection, source: StoreSource, memory_bytes: int | None = None,
           scratch: str | None = None) -> None:
    """The worker's loop: it ends when the app closes its end of the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    try:
        stores: WorkerStores | None = source.open(scratch)
        failure = ""
    except StoreError as exc:
        stores, failure = None, str(exc)
    if memory_bytes:
        # A few kB of query text can make the engine build gigabytes (a cross product of
        # VALUES, sorted): past the cap an allocation fails, instead of the machine's memory.
        # The data segment counts heap and anonymous maps, not the store's files.
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    _grow_stack_limit()
    follower = source.follower()
    journal_seen: tuple[int, int, int] | None = None
    while True:
        try:
            request: QueryRequest | FactsRequest = conn.recv()
        except (EOFError, OSError):
            # The server closed the pipe, or ended without closing its workers (a SIGTERM
            # runs no atexit): the checkpoints go with the worker either way.
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            return
        if isinstance(request, FactsRequest):
            conn.send(_facts_reply(request))
            continue
        if stores is None:
            conn.send(("error", failure))
            continue
        started = time.monotonic()
        try:
            store = stores.store_for(request)
            if follower is not None and not request.default_graph_only:
                # Every write acknowledged before this query was asked is in the journal; a
                # stat tells whether it grew, for less than opening and reading it per query.
                # (The served graphs' store holds no community graph: it never follows.)
                now = _journal_state(follower.journal)
                if now != journal_seen:
                    follower.catch_up(store)  # type: ignore[arg-type]
                    journal_seen = now
            conn.send(_encode(answer(store, request)))
        except QuerySyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except MemoryError:
            conn.send(("memory",))
        except Exception as exc:  # the server must hear of every failure, not a dead pipe
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        if time.monotonic() - started >= TRIM_AFTER_S:
            heap.trim()  # a long query's answer is freed: give its heap back (kg/heap.py)


def _facts_reply(request: FactsRequest) -> tuple:
    try:
        return "facts", parsed_facts(request.text, request.base_iri)
    except QueryRefused as exc:
        return "refused", str(exc)
    except QuerySyntaxError as exc:
        return "syntax", str(exc)
    except MemoryError:
        return ("memory",)
    except Exception as exc:  # as in _serve: the server hears of every failure
        return "error", f"{type(exc).__name__}: {exc}"


# The engine parses and evaluates a query by recursion, on this process's main thread: a 24 kB
# chain of 8,000 '+' overflowed the usual 8 MB stack and killed the worker (a 503); the longest
# a request may carry (64 kB, 21,000 terms) needed 24-32 MB, and 80 kB chains of UNION or ||
# ran within this limit. The main thread's stack grows on demand up to the soft limit (Linux
# leaves at least 128 MB below it), so only a query that needs the room takes it.
STACK_BYTES = 128 * 2**20


def _grow_stack_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    wanted = STACK_BYTES if hard == resource.RLIM_INFINITY else min(STACK_BYTES, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_STACK, (wanted, hard))


def _journal_state(path: os.PathLike[str] | str) -> tuple[int, int, int]:
    """Size, change time and inode: any append (or a replaced file) changes one of them."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return (-1, 0, 0)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _encode(done: Answer) -> tuple[str, str, bytes, bool]:
    if done.data is not None:
        return "written", "", done.data, done.truncated
    result = done.result
    assert result is not None
    if result.is_graph:
        assert result.graph is not None
        data = result.graph.serialize(format="nt11", encoding="utf-8")
    else:
        data = result.serialize(RESULTS_FORMATS["json"])
    return "ok", result.form, data, done.truncated


def _raise_failure(reply: tuple) -> tuple:
    """The reply, unless it tells of a failure: then that failure, raised here."""
    kind = reply[0]
    if kind == "syntax":
        raise QuerySyntaxError(reply[1])
    if kind == "refused":
        raise QueryRefused(reply[1])
    if kind == "error":
        raise StoreError(reply[1])
    return reply


def _decode(reply: tuple, prefixes: dict[str, str]) -> Answer:
    kind, form, data, truncated = _raise_failure(reply)
    if kind == "written":
        return Answer(None, truncated, data)
    if form in ("CONSTRUCT", "DESCRIBE"):
        graph = Graph()
        for prefix, ns in prefixes.items():
            graph.bind(prefix, ns)
        graph.parse(data=data, format="nt")
        return Answer(QueryResult(form, graph=graph), truncated)
    parsed = Result.parse(io.BytesIO(data), format="json")
    if form == "ASK":
        return Answer(QueryResult("ASK", boolean=bool(parsed.askAnswer)), truncated)
    variables = [str(v) for v in parsed.vars or ()]
    rows = [tuple(binding.get(Variable(v)) for v in variables) for binding in parsed.bindings]
    return Answer(QueryResult("SELECT", variables=variables, rows=rows), truncated)
