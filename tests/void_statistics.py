"""VoID statistics in the shape agreed for the VoID graph (Graphs.VOID), for the tests of ask
in words: the build writes the real ones on another branch; this computes the same triples
from a store so that the schema check has something to read."""

from __future__ import annotations

import io

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from kg.formats import RDF_FORMATS
from kg.namespaces import BASE, Graphs
from kg.store import OxigraphStore, Store

VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef(BASE + "dataset")


def void_graph(store: Store) -> Graph:
    graph = Graph()
    graph.add((DATASET, RDF.type, VOID.Dataset))
    totals = store.query("""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
        (COUNT(DISTINCT ?o) AS ?objects) (COUNT(DISTINCT ?p) AS ?properties)
        WHERE { ?s ?p ?o }""").rows[0]
    for name, value in zip(("triples", "distinctSubjects", "distinctObjects", "properties"),
                           totals, strict=True):
        graph.add((DATASET, VOID[name], Literal(int(value))))
    for row in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p").rows:
        node = BNode()
        graph.add((DATASET, VOID.propertyPartition, node))
        graph.add((node, VOID.property, row[0]))
        graph.add((node, VOID.triples, Literal(int(row[1]))))
    partitions: dict[object, BNode] = {}
    for c, n in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) "
                            "WHERE { ?s a ?c } GROUP BY ?c").rows:
        node = partitions[c] = BNode()
        graph.add((DATASET, VOID.classPartition, node))
        graph.add((node, VOID["class"], c))
        graph.add((node, VOID.entities, Literal(int(n))))
    graph.add((DATASET, VOID.classes, Literal(len(partitions))))
    for c, p, n in store.query("SELECT ?c ?p (COUNT(*) AS ?n) WHERE { ?s a ?c ; ?p ?o } "
                               "GROUP BY ?c ?p").rows:
        node = BNode()
        graph.add((partitions[c], VOID.propertyPartition, node))
        graph.add((node, VOID.property, p))
        graph.add((node, VOID.triples, Literal(int(n))))
    return graph


def store_with_void(store: Store) -> Store:
    """An in-memory copy of the store's graphs, with the VoID graph computed from them."""
    quads = io.BytesIO()
    store.dump(quads, RDF_FORMATS["nquads"])
    copy = OxigraphStore(None)
    copy.bulk_load(quads.getvalue(), RDF_FORMATS["nquads"])
    copy.replace_graphs({Graphs.VOID: void_graph(store)})
    return copy
