"""The embedded default backend: pyoxigraph, on disk or in memory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.formats import RdfSyntax
from kg.namespaces import PREFIXES, Graphs
from kg.results import QueryResult
from kg.store.base import QuerySyntaxError, Store, StoreError

STAGING_SUFFIX = "/staging"
COMMUNITY = ox.NamedNode(Graphs.COMMUNITY)


def to_rdflib(term: object) -> Node | None:
    """Convert a pyoxigraph term to its rdflib equal."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        # rdflib parses a plain "x" as an untyped literal; keep it so graphs compare equal.
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


class OxigraphStore(Store):
    """pyoxigraph's Store: RocksDB on disk when given a path, else in memory (for tests)."""

    def __init__(self, path: str | Path | None, *, read_only: bool = False):
        self.path = Path(path) if path else None
        self.read_only = read_only
        try:
            if self.path and read_only:
                # Readers do not take the writer's lock, so queries run beside a server.
                self._store = ox.Store.read_only(str(self.path))
            elif self.path:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
            else:
                self._store = ox.Store()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc

    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        # Load into staging graphs first; one update then moves them all, and oxigraph
        # applies an update in a single transaction, so readers never see a half-built store.
        for name, graph in graphs.items():
            staging = ox.NamedNode(name + STAGING_SUFFIX)
            if self._store.contains_named_graph(staging):
                self._store.remove_graph(staging)
            self._store.load(
                graph.serialize(format="nt11", encoding="utf-8"),
                format=ox.RdfFormat.N_TRIPLES,
                to_graph=staging,
            )
        moves = " ;\n".join(
            f"DROP SILENT GRAPH <{name}> ; MOVE SILENT GRAPH <{name}{STAGING_SUFFIX}> TO <{name}>"
            for name in graphs
        )
        self._store.update(moves)
        if self.path:
            self._store.flush()

    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
    ) -> QueryResult:
        # pyoxigraph has no query time limit, so `timeout` is not honoured (stops_queries).
        options: dict[str, object] = {}
        if default_graph_uris:
            options["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
        elif self._store.contains_named_graph(COMMUNITY):
            # The community graph is asked for by name, never merged into the curated default.
            options["default_graph"] = [g for g in self._store.named_graphs() if g != COMMUNITY]
        else:
            options["use_default_graph_as_union"] = True
        if named_graph_uris:
            options["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
        try:
            answer = self._store.query(sparql, **options)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc
        return _to_result(answer)

    def update(self, sparql_update: str) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.path} was opened read-only")
        try:
            self._store.update(sparql_update)  # one transaction: all of it or nothing
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def bulk_load(self, data: bytes, syntax: RdfSyntax) -> None:
        """Add a dump as it is, graphs and all, unvalidated: for copies of a built store."""
        self._store.bulk_load(data, format=syntax.oxigraph)

    def dump(self, out: BinaryIO, syntax: RdfSyntax, graph: str | None = None) -> None:
        if syntax.quads and graph is None:
            self._store.dump(out, syntax.oxigraph, prefixes=_prefixes(syntax))
            return
        if graph is not None:
            self._store.dump(out, syntax.oxigraph, from_graph=ox.NamedNode(graph),
                             prefixes=_prefixes(syntax))
            return
        # A triple syntax of the whole dataset: the union of the graphs, streamed.
        triples = self._store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
        )
        ox.serialize(triples, out, syntax.oxigraph, prefixes=_prefixes(syntax))

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def close(self) -> None:
        if self.path and not self.read_only:
            self._store.flush()
        del self._store


def _prefixes(syntax: RdfSyntax) -> dict[str, str] | None:
    return dict(PREFIXES) if syntax.name in ("turtle", "trig") else None


def _to_result(answer: object) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(to_rdflib(solution[v]) for v in variables) for solution in answer]
        return QueryResult("SELECT", variables=variables, rows=rows)
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for triple in answer:  # type: ignore[attr-defined]
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                   to_rdflib(triple.object)))
    return QueryResult("CONSTRUCT", graph=graph)
