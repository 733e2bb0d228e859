"""Entity data: the description that RDF requests get and the graph a page is built from."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial

from flask import current_app
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.formats import RdfSyntax
from kg.namespaces import SCHEMA
from kg.store import Store
from web.page_queries import bound, page_query
from web.store import namespaces
from web.view import PageGraph


def exists(store: Store, iri: URIRef) -> bool:
    return bool(store.query(f"ASK {{ {iri.n3()} ?p ?o }}").boolean)


def description(store: Store, iri: URIRef) -> Graph:
    """What the dataset says about the entity: the same graph for every RDF syntax."""
    graph = store.query(bound("entity-description", this=iri)).graph
    assert graph is not None
    return graph


def page_graph(store: Store, iri: URIRef) -> Graph:
    graph = store.query(bound("entity-page", this=iri)).graph
    assert graph is not None
    return graph


def page_view(store: Store, iri: URIRef) -> PageGraph:
    """The entity's page graph, wrapped for its template."""
    return PageGraph(page_graph(store, iri), iri, vocabulary_labels(store),
                     rkg=store.namespaces.RKG, subproperties=subproperties(store),
                     namespaces=store.namespaces, labels_of=partial(labels, store))


def labels(store: Store, iris: Sequence[URIRef]) -> Graph:
    """The labels of the entities (those the graph holds), as triples: one indexed lookup."""
    graph = store.query(bound("entity-labels", entity=list(iris))).graph
    assert graph is not None
    return graph


def serialize(graph: Graph, syntax: RdfSyntax) -> bytes:
    if syntax.name == "jsonld":
        # A local context of our prefixes: compact output, and nothing fetched from the web.
        context = dict(namespaces.PREFIXES)
        return graph.serialize(format="json-ld", context=context, encoding="utf-8")
    return graph.serialize(format=syntax.rdflib, encoding="utf-8")


def schema_org_jsonld(graph: Graph, iri: URIRef) -> str:
    """The entity's schema.org view, for embedding in its page."""
    schema = Graph()
    for p, o in graph.predicate_objects(iri):
        if str(p).startswith(str(SCHEMA)) or (p == RDF.type and str(o).startswith(str(SCHEMA))):
            schema.add((iri, p, o))
    label = graph.value(iri, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    if label is not None:
        schema.add((iri, SCHEMA.name, label))
    data = json.loads(schema.serialize(format="json-ld", context={"@vocab": str(SCHEMA)}))
    # "</script" or "<!--" in a label would end or derail the script element that embeds
    # the JSON; as \u escapes they stay the same JSON.
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def vocabulary_labels(store: Store) -> dict[str, tuple[str, str]]:
    """Label and comment of every ontology term, cached on the app."""
    cache = current_app.extensions.setdefault("kg_vocabulary", {})
    if not cache:
        for row in store.query(page_query("vocabulary-labels", store.namespaces)).dicts():
            cache[str(row["term"])] = (str(row["label"]), str(row.get("comment", "")))
    return cache


def subproperties(store: Store) -> dict[URIRef, frozenset[URIRef]]:
    """Each ontology property's super-properties, read once per app (the ontology does not
    change under a running app)."""
    cache = current_app.extensions.get("kg_subproperties")
    if cache is None:
        direct: dict[URIRef, set[URIRef]] = {}
        for row in store.query(page_query("subproperties", store.namespaces)).dicts():
            direct.setdefault(URIRef(row["property"]), set()).add(URIRef(row["super"]))
        cache = current_app.extensions["kg_subproperties"] = {
            p: frozenset(_ancestors(p, direct)) for p in direct}
    return cache


def _ancestors(node: URIRef, parents: dict[URIRef, set[URIRef]]) -> set[URIRef]:
    """Every node reachable upwards from `node` (a cycle ends where it closes)."""
    seen: set[URIRef] = set()
    stack = list(parents.get(node, ()))
    while stack:
        parent = stack.pop()
        if parent not in seen:
            seen.add(parent)
            stack.extend(parents.get(parent, ()))
    return seen
