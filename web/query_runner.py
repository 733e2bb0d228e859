"""How /sparql runs a query: the time limit, the row cap and the cap on queries at once.

An engine that stops its own queries (`Store.stops_queries`) gets the limit passed down; any
other store's queries run in worker processes that are killed at the limit (kg.query_workers).
Pages run their own, known queries on the app's store directly, outside these limits.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from flask import Flask, current_app
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.local import LocalProxy

from kg.formats import RdfSyntax, ResultsSyntax
from kg.query_guard import QueryFacts, parsed_facts
from kg.query_workers import (
    Answer,
    FactsRequest,
    QueryRequest,
    StoreSource,
    WorkerPool,
    answer,
)
from kg.store import QueryTimeout, Store
from web.page_cache import BoundedLRU

EXTENSION = "kg_query_runner"


class QueryRunner:
    def __init__(self, store: Store, *, timeout: float, max_rows: int, max_concurrent: int,
                 queue_wait: float, journal: str | None = None, cache_bytes: int = 0,
                 memory_bytes: int | None = None):
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_concurrent = max_concurrent
        self.queue_wait = queue_wait
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._pool = None if store.stops_queries else \
            WorkerPool(lambda: StoreSource.of(store, journal), max_concurrent, memory_bytes)
        # Answers kept only for the embedded store: its curated graphs do not change under a
        # running server (a new build is served by a restart), as the page cache assumes.
        # Kept: the answer's bytes and whether it was cut at the row cap.
        self._answers = BoundedLRU[tuple[bytes, bool]](cache_bytes) \
            if cache_bytes and self._pool else None

    def run(self, sparql: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = (), base_iri: str | None = None,
            syntax: RdfSyntax | ResultsSyntax | None = None, cacheable: bool = False,
            default_graph_only: bool = False) -> Answer:
        """Raises ServiceUnavailable when every slot stays taken, QueryTimeout at the limit.

        With a `syntax`, the answer may come back already written in it (`Answer.data`, by the
        embedded engine's own serialisers); else, and for other engines, as `Answer.result`.
        `cacheable`: the caller knows the query cannot read a graph that changes under the
        server (the community graph), so a kept answer may stand in for running it.
        `default_graph_only`: the query reads nothing but the default graph
        (kg.query_guard.CheckedQuery.reads_default_graph_only); a worker then runs it on its
        store of the served graphs alone, over the engine's union (kg.query_workers).
        """
        key = None
        if cacheable and syntax is not None and self._answers is not None:
            key = "\x1f".join([sparql, "\x1e".join(default_graph_uris),
                               "\x1e".join(named_graph_uris), base_iri or "", syntax.name])
            kept = self._answers.get(key)
            if kept is not None:
                return Answer(None, kept[1], kept[0], cached=True)
        done = self._run(QueryRequest(sparql, tuple(default_graph_uris), tuple(named_graph_uris),
                                      self.max_rows, base_iri, syntax.name if syntax else None,
                                      default_graph_only))
        if key is not None and done.data is not None and self._answers is not None:
            self._answers.put(key, (done.data, done.truncated), len(done.data))
        return done

    def parse(self, text: str, base_iri: str | None = None) -> QueryFacts:
        """The guard's facts of a text its screen cannot read (kg.query_guard.Parse), read
        by a query worker: under the same cap and time limit as queries, and without the
        parser's lock in this process, which one slow parse (seconds for a long text) held
        against every other request's. Remote engines have no workers: parsed here."""
        if self._pool is None:
            return parsed_facts(text, base_iri)
        with self._slot():
            try:
                return self._pool.facts(FactsRequest(text, base_iri), self.timeout)
            except QueryTimeout:
                raise QueryTimeout(
                    f"Reading the query's text ran past the time limit of {self.timeout:g} s "
                    f"and was stopped ({len(text):,} characters; the checks read about 20 kB "
                    f"a second). Shorten it: fewer patterns or terms in a row, or VALUES."
                ) from None

    def _run(self, request: QueryRequest) -> Answer:
        with self._slot():
            try:
                if self._pool is None:
                    return answer(self.store, request, timeout=self.timeout)
                return self._pool.query(request, self.timeout)
            except QueryTimeout:
                raise QueryTimeout(
                    f"The query ran past the time limit of {self.timeout:g} s and was stopped. "
                    "Narrow it (more specific patterns, a LIMIT) or download the dataset and "
                    "query it locally.") from None

    @contextmanager
    def _slot(self) -> Iterator[None]:
        """One of the `max_concurrent` places a query (or a worker's parse) runs in."""
        if not self._slots.acquire(timeout=self.queue_wait):
            raise ServiceUnavailable(
                f"{self.max_concurrent} queries are already running, the most this endpoint "
                f"runs at once; try again shortly.", retry_after=max(1, round(self.queue_wait)))
        try:
            yield
        finally:
            self._slots.release()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def init_app(app: Flask, store: Store, journal: str | None = None) -> None:
    """`journal`: the community journal the query workers follow (embedded stores)."""
    config = app.config
    for name in ("QUERY_TIMEOUT", "QUERY_QUEUE_WAIT"):
        if not isinstance(config[name], int | float) or config[name] <= 0:
            raise ValueError(f"{name} must be a positive number of seconds, "
                             f"not {config[name]!r}")
    for name in ("MAX_RESULT_ROWS", "MAX_CONCURRENT_QUERIES", "QUERY_MEMORY_MB"):
        if not isinstance(config[name], int) or config[name] < 1:
            raise ValueError(f"{name} must be a positive whole number, not {config[name]!r}")
    cache_bytes = config["ANSWER_CACHE_BYTES"]
    if not isinstance(cache_bytes, int) or cache_bytes < 0:
        raise ValueError(f"ANSWER_CACHE_BYTES must be a whole number of bytes (0 for no "
                         f"cache), not {config['ANSWER_CACHE_BYTES']!r}")
    runner = QueryRunner(store, timeout=config["QUERY_TIMEOUT"],
                         max_rows=config["MAX_RESULT_ROWS"],
                         max_concurrent=config["MAX_CONCURRENT_QUERIES"],
                         queue_wait=config["QUERY_QUEUE_WAIT"], journal=journal,
                         cache_bytes=cache_bytes,
                         memory_bytes=config["QUERY_MEMORY_MB"] * 2**20)
    app.extensions[EXTENSION] = runner
    atexit.register(runner.close)


def get_runner() -> QueryRunner:
    return current_app.extensions[EXTENSION]


runner: QueryRunner = LocalProxy(get_runner)  # type: ignore[assignment]
