"""The SPARQL examples the build wrote (Graphs.EXAMPLES): served whole at
/.well-known/sparql-examples, and listed in the query UI."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response
from rdflib import Graph, URIRef

from kg.formats import RdfSyntax
from kg.store import Store
from web.entities import serialize
from web.negotiation import choose, rdf_offers, respond
from web.page_queries import bound
from web.store import store

bp = Blueprint("examples", __name__)


@dataclass(frozen=True)
class Example:
    """One example as the query UI lists it."""

    name: str  # the last segment of its IRI: the canned question's file name
    title: str
    query: str


def named_graph(the_store: Store, name: str) -> Graph:
    """A graph the build wrote beside the data (examples, VoID), whole."""
    return the_store.query(bound("named-graph", graph=URIRef(name))).graph


def examples(the_store: Store) -> list[Example]:
    """The examples in the store, in IRI order."""
    graph = URIRef(the_store.namespaces.graphs.EXAMPLES)
    rows = the_store.query(bound("sparql-examples", graph=graph)).rows
    return [Example(str(iri).rsplit("/", 1)[-1], str(label or ""), str(query))
            for iri, label, query in rows]


@bp.get("/.well-known/sparql-examples")
def sparql_examples() -> Response:
    offer = choose(rdf_offers())
    assert isinstance(offer.syntax, RdfSyntax)
    graph = named_graph(store, store.namespaces.graphs.EXAMPLES)
    return respond(serialize(graph, offer.syntax), offer)
