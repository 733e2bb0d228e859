"""The store interface that the CLI, the web layer and the tests speak to."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import BinaryIO

from rdflib import Dataset, Graph

from kg.formats import RDF_FORMATS, RdfSyntax
from kg.namespaces import Graphs
from kg.results import QueryResult

# Named graphs asked for by name (GRAPH, FROM NAMED), never part of the default graph: the
# community's writes, and what the build says about the dataset (its VoID, its examples), which
# would otherwise count themselves and show up in every query over the data.
APART = (Graphs.COMMUNITY, Graphs.VOID, Graphs.EXAMPLES)


class StoreError(RuntimeError):
    """The store could not do what was asked (I/O, lock, unreachable engine)."""


class QuerySyntaxError(ValueError):
    """The query did not parse; the message is the parser's."""


class QueryTimeout(StoreError):
    """The query ran past its time limit and was stopped."""


class Store(ABC):
    """A quad store that answers SPARQL and can be bulk-loaded and dumped.

    Queries see the union of all named graphs as their default graph unless
    default graphs are named, so users need no GRAPH clauses.
    """

    # True when the engine itself stops a query at `timeout` (see `query`).
    stops_queries: bool = False

    @abstractmethod
    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        """Replace the named graphs given, all at once: readers see the old or the new data."""

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        base_iri: str | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; raises QuerySyntaxError when it does not parse.

        `base_iri` resolves the query's relative IRIs (`<x>`), as a BASE before it would.
        `max_rows` lets a backend stop reading rows (or triples) past that many; callers that
        pass it still cap the result themselves (kg.results.capped), so ask for one more row
        than you show to learn whether any were left out.

        `timeout` (seconds) is honoured by backends whose `stops_queries` is true, which raise
        QueryTimeout when it passes; the others ignore it and their callers must stop the query
        some other way (the web layer runs them in a worker process it can kill).
        """

    @abstractmethod
    def dump(self, out: BinaryIO, syntax: RdfSyntax, graph: str | None = None) -> None:
        """Write the dataset (quad syntaxes) or one graph or the union (triple syntaxes)."""

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL 1.1 Update as one request: the community graph's writes.

        Callers write every value with `kg.queries.sparql_term` (rdflib's N-Triples forms),
        never by splicing text. Read-only stores refuse.
        """
        raise StoreError(f"{type(self).__name__} does not take updates")

    @abstractmethod
    def graph_names(self) -> list[str]:
        """The named graphs that hold data."""

    def close(self) -> None:  # noqa: B027 - backends without resources need no close
        """Release files or connections."""

    def count(self, graph: str | None = None) -> int:
        """How many triples one graph, or all graphs together, hold."""
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(result.rows[0][0])  # type: ignore[arg-type]

    def dataset(self) -> Dataset:
        """The whole store as an rdflib Dataset (for tests and small exports)."""
        import io

        buffer = io.BytesIO()
        self.dump(buffer, RDF_FORMATS["nquads"])
        dataset = Dataset()
        dataset.parse(data=buffer.getvalue(), format="nquads")
        return dataset

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
