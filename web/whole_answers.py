"""The whole answer of a long list a page shows a slice of (a canned question, a type's list):
computed once, kept compactly, and cut into pages (web.paging) without running the query again.

Why keep it: the list's order needs every row (a question's own ORDER BY, the labels of every
entity of a type), so a page's query costs the whole answer whatever its LIMIT. At a million
triples, on a busy machine, the label-sorted list of studies took 1.2-3.4 s and its 100-row page
with LIMIT/OFFSET 1.1-3.1 s (the engine sorts every row either way), plus 1.1-2.1 s to count;
`studies-with-null-or-negative-results` takes 2.5 s. Kept, every other page of the list is a
slice. The /sparql answer cache cannot hold these: it keeps no answer over 2 MB, and the
studies answer is 3.4 MB even as TSV. At a million triples the five longest lists (two
questions, studies, claims, the sitemap's entities) keep 12.6 MB; an answer over
MAX_ENTRY_BYTES (about 65,000 studies) is not kept, and each of its pages runs the query again.

How: the answer is kept as SPARQL TSV, the most compact form the engine writes (one line per
row, every term in its N-Triples form, a newline inside a literal escaped), with the offset of
each line; a page parses only its own lines back into terms. Kept for the embedded store only,
which does not change under a running server (as web.page_cache and web.query_runner assume);
on a remote engine each page runs the query.
"""

from __future__ import annotations

import threading
from array import array
from dataclasses import dataclass

import pyoxigraph as ox
from flask import current_app

from kg.engine_answers import solutions_tsv
from kg.formats import RESULTS_FORMATS
from kg.results import QueryResult
from kg.store import OxigraphStore
from kg.store.oxigraph import to_rdflib
from web.page_cache import BoundedLRU
from web.store import store

EXTENSION = "kg_whole_answers"
MAX_BYTES = 32 * 2**20  # about 8 answers the size of the largest canned one at 1M triples
MAX_ENTRY_BYTES = 8 * 2**20
_lock = threading.Lock()


@dataclass(frozen=True)
class WholeAnswer:
    """A SELECT's rows as SPARQL TSV bytes, and where each line starts (the header's first)."""

    tsv: bytes
    starts: array  # offset of each line (header, then one per row), then the end

    @classmethod
    def of_tsv(cls, tsv: bytes) -> WholeAnswer:
        starts = array("Q", [0])
        at = tsv.find(b"\n")
        while at != -1 and at + 1 < len(tsv):
            starts.append(at + 1)
            at = tsv.find(b"\n", at + 1)
        starts.append(len(tsv))
        return cls(tsv, starts)

    @property
    def total(self) -> int:
        return len(self.starts) - 2

    @property
    def size(self) -> int:
        return len(self.tsv) + self.starts.itemsize * len(self.starts)

    def page(self, offset: int, size: int) -> QueryResult:
        """Rows offset+1 to offset+size, as terms (only these are parsed)."""
        end = min(offset + size, self.total)
        lines = self.tsv[:self.starts[1]] + self.tsv[self.starts[1 + offset]:self.starts[1 + end]]
        solutions = ox.parse_query_results(lines, format=ox.QueryResultsFormat.TSV)
        variables = [v.value for v in solutions.variables]
        rows = [tuple(to_rdflib(solution[i]) for i in range(len(variables)))
                for solution in solutions]
        return QueryResult("SELECT", variables=variables, rows=rows)


def whole_answer(sparql: str) -> WholeAnswer:
    """The whole answer of a SELECT the app itself runs (kept on the embedded store)."""
    kept: BoundedLRU[WholeAnswer] | None = _kept()
    found = kept.get(sparql) if kept is not None else None
    if found is None:
        found = WholeAnswer.of_tsv(_tsv(sparql))
        if kept is not None:
            kept.put(sparql, found, found.size)
    return found


def _tsv(sparql: str) -> bytes:
    the_store = store._get_current_object()  # type: ignore[attr-defined]
    if isinstance(the_store, OxigraphStore):
        # The engine's own rows, written straight to TSV: no rdflib term per value.
        solutions = the_store.evaluate(sparql)
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError("a page's list must come from a SELECT query")
        return solutions_tsv([v.value for v in solutions.variables], solutions)
    return the_store.query(sparql).serialize(RESULTS_FORMATS["tsv"])


def _kept() -> BoundedLRU[WholeAnswer] | None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if EXTENSION not in app.extensions:
        with _lock:
            if EXTENSION not in app.extensions:
                the_store = store._get_current_object()  # type: ignore[attr-defined]
                app.extensions[EXTENSION] = BoundedLRU[WholeAnswer](
                    MAX_BYTES, MAX_ENTRY_BYTES) if isinstance(the_store, OxigraphStore) else None
    return app.extensions[EXTENSION]
