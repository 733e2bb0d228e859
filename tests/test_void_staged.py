"""The VoID an embedded build counts over its staging store equals the VoID the same queries
count over the store once written (what every build did before, and what remote engines still
do): the same graph, blank nodes aside, on the shipped data, a synthetic graph and another base."""

from __future__ import annotations

from collections import Counter

from rdflib import BNode, Graph
from rdflib.namespace import VOID
from rdflib.term import Node

from kg.build import build
from kg.project import Project
from kg.store import Store, open_store
from kg.void import DATASET, void_statistics


def stored_void(store: Store) -> Graph:
    name = store.namespaces.graphs.VOID
    return store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
                       ).graph


def flat(void: Graph) -> Counter[tuple[object, ...]]:
    """The VoID's triples with each blank node replaced by what names it: the nodes that point
    at it and its own non-blank values (a partition by its class and property, a linkset by
    its target and predicate). rdflib's isomorphism test takes minutes on 1,500 partitions."""
    names: dict[Node, object] = {}

    def name(node: Node) -> object:
        if not isinstance(node, BNode):
            return node
        if node not in names:
            names[node] = (frozenset((name(s), p) for s, p in void.subject_predicates(node)),
                           frozenset((p, o) for p, o in void.predicate_objects(node)
                                     if not isinstance(o, BNode)))
        return names[node]

    return Counter((name(s), p, name(o)) for s, p, o in void)


def assert_same(staged: Graph, written: Graph) -> None:
    a, b = flat(staged), flat(written)
    assert a == b, (f"only in the staged VoID: {list(a - b)[:3]}; "
                    f"only in the written store's: {list(b - a)[:3]}")


def test_shipped_data(embedded_store: Store) -> None:
    staged = stored_void(embedded_store)
    assert staged.value(DATASET, VOID.triples).toPython() > 10000  # type: ignore[union-attr]
    assert_same(staged, void_statistics(embedded_store))


def test_synthetic_graph(synthetic_store: Store) -> None:
    assert_same(stored_void(synthetic_store), void_statistics(synthetic_store))


def test_under_another_base(project: Project) -> None:
    store = open_store(":memory:", base="https://kg.example.org/r/")
    build(project, store)
    staged = stored_void(store)
    dataset = store.namespaces.rebase_term(DATASET)
    assert staged.value(dataset, VOID.triples) is not None
    assert "w3id.org/remedy-kg" not in staged.serialize(format="nt")
    assert_same(staged, void_statistics(store))
