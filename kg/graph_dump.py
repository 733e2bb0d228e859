"""One named graph of a store, as N-Triples bytes or as an rdflib graph (any backend)."""

from __future__ import annotations

import io

import pyoxigraph as ox
from rdflib import Graph

from kg.formats import RDF_FORMATS
from kg.load import new_graph
from kg.store import Store
from kg.store.oxigraph import to_rdflib


def dump_graph(store: Store, name: str) -> bytes:
    buffer = io.BytesIO()
    store.dump(buffer, RDF_FORMATS["ntriples"], graph=name)
    return buffer.getvalue()


def parse_ntriples(data: bytes) -> Graph:
    """N-Triples into a graph with our prefixes (pyoxigraph's parser: about ten times
    faster than rdflib's)."""
    graph = new_graph()
    graph.addN((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), graph)
               for q in ox.parse(input=data, format=ox.RdfFormat.N_TRIPLES))
    return graph


def read_graph(store: Store, name: str) -> Graph:
    return parse_ntriples(dump_graph(store, name))
