"""Materialise what queries need: SPARQL CONSTRUCT rules from kg/rules/, run once each."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from kg.load import new_graph
from kg.queries import sparql_files
from kg.store.oxigraph import to_rdflib


def rules() -> dict[str, str]:
    """The rule files by name, in name order."""
    return sparql_files("rules")


# The rule that derives each claim's evidence level; validation runs it too, so that the shapes
# can compare the stored level with the derived one before anything is built.
EVIDENCE_LEVEL_RULE = "evidence-level"


def infer(*graphs: Graph) -> Graph:
    """The triples the rules derive from the given graphs, minus those already asserted.

    Each rule's pattern uses property paths (`+`), so one pass computes the full closure.
    """
    return _run(list(rules().values()), graphs)


def derive_evidence_levels(*graphs: Graph) -> Graph:
    """Only the evidence-level rule's triples (starting and derived level of each claim)."""
    return _run([rules()[EVIDENCE_LEVEL_RULE]], graphs)


def derive_evidence_levels_in(store: ox.Store) -> int:
    """Run the evidence-level rule inside the engine, over the union of the store's graphs,
    and add what it derives to the default graph; returns the number of triples added."""
    derived = [ox.Quad(t.subject, t.predicate, t.object)
               for t in store.query(rules()[EVIDENCE_LEVEL_RULE], use_default_graph_as_union=True)]
    new = [q for q in derived if q not in store]
    store.extend(new)
    return len(new)


def _run(texts: list[str], graphs: tuple[Graph, ...]) -> Graph:
    scratch = ox.Store()
    for graph in graphs:
        scratch.load(graph.serialize(format="nt11", encoding="utf-8"),
                     format=ox.RdfFormat.N_TRIPLES)
    inferred = new_graph()
    for text in texts:
        for t in scratch.query(text):
            triple = (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
            if ox.Quad(t.subject, t.predicate, t.object) not in scratch:
                inferred.add(triple)
    return inferred


