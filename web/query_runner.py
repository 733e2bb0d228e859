"""How /sparql runs a query: the time limit, the row cap and the cap on queries at once.

An engine that stops its own queries (`Store.stops_queries`) gets the limit passed down; any
other store's queries run in worker processes that are killed at the limit (kg.query_workers).
Pages run their own, known queries on the app's store directly, outside these limits.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Sequence

from flask import Flask, current_app
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.local import LocalProxy

from kg.formats import RdfSyntax, ResultsSyntax
from kg.query_workers import Answer, QueryRequest, StoreSource, WorkerPool, answer
from kg.store import QueryTimeout, Store

EXTENSION = "kg_query_runner"


class QueryRunner:
    def __init__(self, store: Store, *, timeout: float, max_rows: int, max_concurrent: int,
                 queue_wait: float, journal: str | None = None):
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_concurrent = max_concurrent
        self.queue_wait = queue_wait
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._pool = None if store.stops_queries else \
            WorkerPool(lambda: StoreSource.of(store, journal), max_concurrent)

    def run(self, sparql: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = (), base_iri: str | None = None,
            syntax: RdfSyntax | ResultsSyntax | None = None) -> Answer:
        """Raises ServiceUnavailable when every slot stays taken, QueryTimeout at the limit.

        With a `syntax`, the answer may come back already written in it (`Answer.data`, by the
        embedded engine's own serialisers); else, and for other engines, as `Answer.result`.
        """
        if not self._slots.acquire(timeout=self.queue_wait):
            raise ServiceUnavailable(
                f"{self.max_concurrent} queries are already running, the most this endpoint "
                f"runs at once; try again shortly.", retry_after=max(1, round(self.queue_wait)))
        request = QueryRequest(sparql, tuple(default_graph_uris), tuple(named_graph_uris),
                               self.max_rows, base_iri, syntax.name if syntax else None)
        try:
            if self._pool is None:
                return answer(self.store, request, timeout=self.timeout)
            return self._pool.query(request, self.timeout)
        except QueryTimeout:
            raise QueryTimeout(
                f"The query ran past the time limit of {self.timeout:g} s and was stopped. "
                "Narrow it (more specific patterns, a LIMIT) or download the dataset and "
                "query it locally.") from None
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
    for name in ("MAX_RESULT_ROWS", "MAX_CONCURRENT_QUERIES"):
        if not isinstance(config[name], int) or config[name] < 1:
            raise ValueError(f"{name} must be a positive whole number, not {config[name]!r}")
    runner = QueryRunner(store, timeout=config["QUERY_TIMEOUT"],
                         max_rows=config["MAX_RESULT_ROWS"],
                         max_concurrent=config["MAX_CONCURRENT_QUERIES"],
                         queue_wait=config["QUERY_QUEUE_WAIT"], journal=journal)
    app.extensions[EXTENSION] = runner
    atexit.register(runner.close)


def get_runner() -> QueryRunner:
    return current_app.extensions[EXTENSION]


runner: QueryRunner = LocalProxy(get_runner)  # type: ignore[assignment]
