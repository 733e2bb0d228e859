"""The remote backend: any SPARQL 1.1 engine (Oxigraph server, Virtuoso, Fuseki, ...) over HTTP.

Queries go through the SPARQL 1.1 Protocol (SPARQLWrapper); loads through SPARQL 1.1 Update,
or the Graph Store Protocol when a graph store URL is configured. A load fills staging graphs,
then one update moves them over the live ones, so a failed load leaves the old data served.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from kg.formats import RdfSyntax
from kg.namespaces import Namespaces
from kg.results import QueryResult
from kg.sparql_text import prologue
from kg.store.base import QueryTimeout, Store, StoreError
from kg.store.oxigraph import STAGING_SUFFIX, check_syntax
from kg.store.transport import (
    Answer,
    Credentials,
    EngineError,
    Retry,
    is_transient,
    not_received,
    send,
    with_retries,
)

# The graph that lists the graphs this app serves. Engines hold other graphs too (Virtuoso's
# system graphs, other datasets on a shared engine); queries must see only ours.
MANIFEST = "urn:x-remedy-kg:served-graphs"
# The union of the served graphs, kept as one graph: the default graph of queries. Virtuoso
# evaluates property paths wrongly over a default graph merged from several graphs.
UNION = "urn:x-remedy-kg:union"
# The default graph of a query when nothing is served yet: no engine holds it, so it is empty.
NOTHING = "urn:x-remedy-kg:nothing"
# Virtuoso stops a query at its `timeout` parameter and then may answer the rows found so far
# ("anytime" results), flagged only by these headers: such an answer is a timeout, not a result.
ANYTIME_STATES = ("S1TAT",)
# ... or it fails with one of these (S1T00: the estimated cost exceeds its limit).
TIMEOUT_STATES = ("S1TAT", "S1T00")
CANCELLED = b"The SPARQL operation has been cancelled"
GRAPH_MEDIA_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "nt",
    "text/plain": "nt", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
}
Progress = Callable[[str], None]
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Endpoints:
    """Where an engine answers: queries, updates (defaults to the query URL), graph store."""

    query: str
    update: str | None = None
    graph_store: str | None = None

    def __post_init__(self) -> None:
        for url in (self.query, self.update, self.graph_store):
            if url is None:
                continue
            parts = urllib.parse.urlsplit(url)
            if parts.username or parts.password:
                # A URL is printed and logged: secrets belong in the environment.
                raise StoreError(f"credentials in the endpoint URL of {parts.hostname}: set "
                                 "KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD (or "
                                 "KG_ENDPOINT_TOKEN) instead")
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise StoreError(f"not an http(s) URL: {url!r}")

    @property
    def update_url(self) -> str:
        return self.update or self.query


class RemoteStore(Store):
    """A SPARQL 1.1 engine reached over HTTP, behind the same interface as the embedded store."""

    # The client stops waiting at the limit; Virtuoso also stops the query itself, other
    # engines only at their own server-wide limit (see the README's deployment notes).
    stops_queries = True

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        credentials: Credentials | None = None,
        retry: Retry | None = None,
        read_only: bool = False,
        chunk_triples: int = 1000,
        blank_chunk_triples: int = 100,
        progress: Progress | None = None,
        graph_list_seconds: float = 10.0,
        request_seconds: float = 600.0,
    ):
        self.endpoints = endpoints
        self.credentials = credentials
        self.retry = retry or Retry()
        self.read_only = read_only
        self.chunk_triples = chunk_triples
        self.blank_chunk_triples = blank_chunk_triples
        self.progress = progress or (lambda message: None)
        self.graph_list_seconds = graph_list_seconds
        self.request_seconds = request_seconds
        self._served: tuple[float, list[str]] | None = None
        self._server: str | None = None

    # -- queries --------------------------------------------------------------------------------

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
        # `max_rows` is not sent: a LIMIT would change the query's meaning for the engine, and
        # the caller caps the answer.
        form = check_syntax(sparql, base_iri)
        if base_iri and not prologue(sparql).declares_base:
            # Engines take no base with a query: a BASE before it resolves the same. Virtuoso
            # refuses a second BASE, so a query with its own keeps just that one.
            sparql = f"BASE <{base_iri}>\n{sparql}"
        served = None if default_graph_uris and named_graph_uris else self._served_graphs()
        # Like the embedded store, the default graph is the union of our graphs (Virtuoso's
        # would include its system graphs, Oxigraph's is the empty unnamed graph).
        defaults = list(default_graph_uris) or ([UNION] if served else [NOTHING])
        named = list(named_graph_uris) or served or [NOTHING]
        return self._query(sparql, defaults, named, timeout, form)

    def _query(self, sparql: str, defaults: list[str], named: list[str],
               timeout: float | None, form: str | None = None) -> QueryResult:
        wrapper = self._wrapper(self.endpoints.query)
        wrapper.setQuery(sparql)
        # SPARQLWrapper guesses the form from keywords in the text, comments included: a SELECT
        # whose comment said "ask" came back as an empty ASK, one that said "no clear difference"
        # was sent as a CLEAR update. The parser's answer (from check_syntax) wins.
        if form is not None:
            wrapper.queryType = form
        form = wrapper.queryType
        is_graph = form in ("CONSTRUCT", "DESCRIBE")
        wrapper.setReturnFormat(TURTLE if is_graph else JSON)
        for uri in defaults:
            wrapper.addDefaultGraph(uri)
        for uri in named:
            wrapper.addNamedGraph(uri)
        if timeout is not None:
            if self._is_virtuoso():
                wrapper.addParameter("timeout", str(max(1, int(timeout * 1000))))
                # The engine stops first and says so; the client waits a little longer.
                wrapper.timeout = timeout + 2.0
            else:
                wrapper.timeout = timeout
        try:
            answer = self._call(self.endpoints.query, lambda: _fetch(wrapper))
        except EngineError as exc:
            # Virtuoso stopped mid-answer: an error after a partial body, its state in the text.
            if any(f"Virtuoso {state} Error" in exc.body for state in TIMEOUT_STATES):
                raise QueryTimeout(f"{self.endpoints.query} stopped the query at its time "
                                   "limit") from None
            raise
        state = answer.headers.get("X-SQL-State", "")
        if state in ANYTIME_STATES:
            raise QueryTimeout(f"{self.endpoints.query} stopped the query at the {timeout} s "
                               f"limit: {answer.headers.get('X-SQL-Message', state)}")
        if is_graph:
            return QueryResult(form, graph=_parse_graph(answer, self.namespaces))  # type: ignore[arg-type]
        return _parse_results(answer, form)

    def _wrapper(self, url: str) -> SPARQLWrapper:
        # One wrapper per request: SPARQLWrapper keeps state, and the web server has threads.
        wrapper = SPARQLWrapper(url, agent="remedy-kg")
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.timeout = self.request_seconds  # a silent engine must not hang us forever
        if self.credentials:
            wrapper.addCustomHttpHeader("Authorization", self.credentials.header())
        return wrapper

    def _call(self, url: str, action: Callable[[], Answer],
              retry_if: Callable[[BaseException], bool] = is_transient) -> Answer:
        answer = with_retries(url, action, self.retry, retry_if=retry_if)
        self._server = answer.headers.get("Server", self._server or "")
        return answer

    def _is_virtuoso(self) -> bool:
        if self._server is None:
            self._query("ASK {}", [NOTHING], [NOTHING], None)
        return (self._server or "").startswith("Virtuoso")

    def _served_graphs(self) -> list[str]:
        """Our graphs that hold data, from the manifest; cached briefly (one less round trip)."""
        now = time.monotonic()
        if self._served is None or now - self._served[0] > self.graph_list_seconds:
            result = self._query(
                f"SELECT ?g WHERE {{ GRAPH <{MANIFEST}> {{ <{MANIFEST}> <{DCTERMS.hasPart}> ?g }}"
                " FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }", [], [], None)
            self._served = (now, sorted({str(g) for g in result.column("g")}))
        return list(self._served[1])

    def graph_names(self) -> list[str]:
        self._served = None
        return self._served_graphs()

    # -- loading --------------------------------------------------------------------------------

    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        if self.read_only:
            raise StoreError(f"{self.endpoints.query} was opened read-only")
        if not graphs:
            return
        for name, graph in graphs.items():
            staging = name + STAGING_SUFFIX
            if self.endpoints.graph_store:
                # One PUT per graph: idempotent, so any passing failure may simply be resent.
                self._call(self.endpoints.graph_store, lambda s=staging, g=graph: self._put(s, g))
            else:
                # A retry restarts the graph from an empty staging graph, so no chunk (and no
                # blank node) is ever inserted twice.
                with_retries(self.endpoints.update_url,
                             lambda s=staging, g=graph: self._insert_chunks(s, g), self.retry)
            self.progress(f"staged {len(graph)} triples for {name}")
        # Resending the swap after the engine may have run it would drop the new data: resend
        # only when the engine surely never saw it.
        swap = _swap(list(graphs), self.namespaces)
        self._call(self.endpoints.update_url, lambda: self._update(swap),
                   retry_if=not_received)
        self._served = None

    def update(self, sparql_update: str) -> None:
        if self.read_only:
            raise StoreError(f"{self.endpoints.query} was opened read-only")
        # Resent only when the engine surely never got it: an update may not be idempotent.
        self._call(self.endpoints.update_url, lambda: self._update(sparql_update),
                   retry_if=not_received)

    def serve_graph(self, name: str) -> None:
        """List a graph in the manifest, so queries may name it (FROM NAMED, GRAPH)."""
        part = f"<{MANIFEST}> <{DCTERMS.hasPart}>"
        self.update(f"INSERT DATA {{ GRAPH <{MANIFEST}> {{ {part} <{name}> }} }}")
        self._served = None

    def notice_graph(self, name: str) -> None:
        """Another client just wrote to a graph: list it at the next query if it was not."""
        if self._served is not None and name not in self._served[1]:
            self._served = None

    def _insert_chunks(self, staging: str, graph: Graph) -> None:
        self._update(f"DROP SILENT GRAPH <{staging}>")
        sent = 0
        for blank, chunk in _chunks(graph, self.chunk_triples, self.blank_chunk_triples):
            body = f"GRAPH <{staging}> {{\n{_ntriples(chunk)}}}"
            # Virtuoso refuses blank nodes in INSERT DATA, and compiles an INSERT template to
            # SQL of bounded length: blank nodes travel in small templated inserts. (Its parser
            # also runs out of memory on an INSERT DATA of 5000 triples: chunks stay at 1000.)
            update = f"INSERT {{ {body} }} WHERE {{}}" if blank else f"INSERT DATA {{ {body} }}"
            self._update(update)
            sent += len(chunk)
            self.progress(f"sent {sent}/{len(graph)} triples to {staging}")

    def _update(self, text: str) -> Answer:
        wrapper = self._wrapper(self.endpoints.update_url)
        wrapper.setQuery(text)
        return _fetch(wrapper)

    def _put(self, staging: str, graph: Graph) -> Answer:
        assert self.endpoints.graph_store
        url = _with_query(self.endpoints.graph_store, graph=staging)
        body = graph.serialize(format="nt11", encoding="utf-8")
        return send("PUT", url, body, {"Content-Type": "application/n-triples"},
                    self.credentials, self.request_seconds)

    # -- dumps ----------------------------------------------------------------------------------

    def dump(self, out: BinaryIO, syntax: RdfSyntax, graph: str | None = None) -> None:
        if syntax.quads and graph is None:
            dataset = Dataset()
            _bind(dataset, self.namespaces)
            curated = _curated(self.namespaces)
            # One query for all graphs: blank nodes shared between graphs stay shared.
            # The curated dataset: the community graph has a dump of its own.
            rows = self._all_rows(
                f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {curated} }}",
                int(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                               f"{curated} }}").rows[0][0]))
            for g, s, p, o in rows:
                dataset.add((s, p, o, URIRef(str(g))))
            dataset.serialize(out, format=syntax.rdflib, encoding="utf-8")
            return
        if graph is not None:
            text = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            expected = self.count(graph)
        else:
            text = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"
            expected = int(self.query("SELECT (COUNT(*) AS ?n) WHERE { "
                                      "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }").rows[0][0])
        triples = Graph()
        _bind(triples, self.namespaces)
        for row in self._all_rows(text, expected):
            triples.add(row)  # type: ignore[arg-type]
        triples.serialize(out, format=syntax.rdflib, encoding="utf-8")

    def _all_rows(self, text: str, expected: int) -> list[tuple[Any, ...]]:
        rows = self.query(text).rows
        if len(rows) != expected:
            # Engines cap result sizes (Virtuoso's ResultSetMaxRows) without an error.
            raise StoreError(f"{self.endpoints.query} answered {len(rows)} of {expected} triples: "
                             "raise the engine's result size limit to dump the dataset")
        return rows


# -- HTTP answers to rdflib terms ---------------------------------------------------------------


def _fetch(wrapper: SPARQLWrapper) -> Answer:
    response = wrapper.query().response
    with response:
        return Answer(response.status, response.headers, response.read())


def _parse_results(answer: Answer, form: str | None) -> QueryResult:
    try:
        data = json.loads(answer.body)
    except ValueError as exc:
        # An Oxigraph server past its --timeout-s ends a 200 answer with this text.
        if CANCELLED in answer.body[-200:]:
            raise QueryTimeout("the engine cancelled the query at its time limit") from exc
        raise StoreError(f"the engine's answer is not SPARQL JSON: {exc}") from exc
    if "boolean" in data:
        return QueryResult("ASK", boolean=bool(data["boolean"]))
    if form == "ASK":
        # Virtuoso answers ASK as a one-column SELECT: __ASK_RETVAL bound to 1 or 0.
        values = [b.get("value") for row in data["results"]["bindings"] for b in row.values()]
        return QueryResult("ASK", boolean=any(v not in ("0", "false") for v in values))
    variables = data["head"].get("vars", [])
    rows = [tuple(_term(b[v]) if v in b else None for v in variables)
            for b in data["results"]["bindings"]]
    return QueryResult("SELECT", variables=variables, rows=rows)


def _term(binding: Mapping[str, str]) -> Node:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(_bnode_label(value))
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    # A plain "x" comes back as rdflib parses it, untyped, as the embedded store does.
    if datatype and datatype != str(XSD.string):
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def _bnode_label(value: str) -> str:
    # Virtuoso names blank nodes "nodeID://b10001", which is no valid N-Triples label.
    if re.fullmatch(r"[A-Za-z0-9_]+", value):
        return value
    return "b" + hashlib.sha1(value.encode()).hexdigest()[:20]


def _parse_graph(answer: Answer, namespaces: Namespaces) -> Graph:
    media_type = answer.headers.get("Content-Type", "text/turtle").split(";")[0].strip().lower()
    graph = Graph()
    _bind(graph, namespaces)
    try:
        graph.parse(data=answer.body, format=GRAPH_MEDIA_TYPES.get(media_type, "turtle"))
    except Exception as exc:  # rdflib's parsers raise many kinds
        raise StoreError(f"cannot read the engine's {media_type} answer: {exc}") from exc
    return graph


def _bind(graph: Graph, namespaces: Namespaces) -> None:
    for prefix, ns in namespaces.PREFIXES.items():
        graph.bind(prefix, ns)


# -- loading helpers ----------------------------------------------------------------------------


def _curated(namespaces: Namespaces) -> str:
    # The community graph is served by name but is no part of the union or of the curated dumps.
    return f"FILTER(?g != <{namespaces.graphs.COMMUNITY}>)"


def _in_union(namespaces: Namespaces) -> str:
    # The graphs asked for by name only (the community's, the build's VoID and examples) are no
    # part of the union.
    return "FILTER(" + " && ".join(f"?g != <{name}>" for name in namespaces.graphs.APART) + ")"


def _swap(names: list[str], namespaces: Namespaces) -> str:
    """One update: staging graphs over the live ones, listed in the manifest, union rebuilt."""
    listed = " , ".join(f"<{name}>" for name in names)
    part = f"<{MANIFEST}> <{DCTERMS.hasPart}>"
    # Graphs outside the union (the build's VoID, written after the data) leave it as it is:
    # rebuilding it would copy every curated triple again.
    union = [] if all(name in namespaces.graphs.APART for name in names) else [
        f"DROP SILENT GRAPH <{UNION}>",
        f"INSERT {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{MANIFEST}> {{ {part} ?g }} {_in_union(namespaces)} "
        "GRAPH ?g { ?s ?p ?o } }",
    ]
    return " ;\n".join([
        *(f"DROP SILENT GRAPH <{name}> ; MOVE SILENT GRAPH <{name}{STAGING_SUFFIX}> TO <{name}>"
          for name in names),
        f"INSERT DATA {{ GRAPH <{MANIFEST}> {{ {part} {listed} }} }}",
        *union,
    ])


def _chunks(graph: Graph, size: int, blank_size: int) -> Iterator[tuple[bool, list[Triple]]]:
    """Triples in chunks, never splitting what shares a blank node; True marks blank chunks.

    Each request's blank node labels are its own, so a blank node's triples must travel together.
    """
    parent: dict[Node, Node] = {}

    def root(node: Node) -> Node:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    triples = list(graph)
    for s, _, o in triples:
        if isinstance(s, BNode) and isinstance(o, BNode):
            parent[root(s)] = root(o)
    groups: dict[Node, list[Triple]] = {}
    plain: list[Triple] = []
    for triple in triples:
        blank = next((n for n in (triple[0], triple[2]) if isinstance(n, BNode)), None)
        if blank is None:
            plain.append(triple)
        else:
            groups.setdefault(root(blank), []).append(triple)
    yield from ((False, plain[i:i + size]) for i in range(0, len(plain), size))
    chunk: list[Triple] = []
    for group in groups.values():
        if chunk and len(chunk) + len(group) > blank_size:
            yield True, chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield True, chunk


def _ntriples(triples: Iterable[Triple]) -> str:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph.serialize(format="nt11")


def _with_query(url: str, **params: str) -> str:
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + joiner + urllib.parse.urlencode(params)
