"""VoID statistics of the built store, counted by the engine that holds it.

`kg build` runs the SPARQL files of kg/statistics/ and stores their answers as VoID in the
graph Graphs.VOID: the dataset's size, its class and property partitions, the properties the
members of each class carry, and its links to MONDO, DOID, MeSH and UBERON. Python only shapes
the rows into triples; it never counts. An embedded build runs them over its in-memory staging
store just before writing the same triples (kg.staging.Staging.describe: 5.4 s at 1M triples
against 23.1 s over the on-disk store); a remote engine answers them over what it has just stored.

The queries stay within what Virtuoso 7 compiles: no property path inside an aggregate, no
OPTIONAL or COALESCE around one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD
from rdflib.term import Node

from kg.namespaces import BASE, OBO, PREFIXES
from kg.queries import bind, sparql_files
from kg.store import Store

DATASET = URIRef(BASE + "dataset")


@dataclass(frozen=True)
class LinkTarget:
    """Another dataset our data links to, known by the IRI space of its terms."""

    name: str
    title: str
    uri_space: str

    @property
    def iri(self) -> URIRef:
        # Described under our own base: we state only what our data shows (the IRI space it
        # uses), not an identifier of the other project's own dataset description.
        return URIRef(f"{BASE}dataset/{self.name}")


# The IRI spaces data/conditions.ttl and data/meridians.ttl link to (docs/modelling.md).
LINK_TARGETS = (
    LinkTarget("mondo", "MONDO Disease Ontology", f"{OBO}MONDO_"),
    LinkTarget("doid", "Human Disease Ontology (DOID)", f"{OBO}DOID_"),
    LinkTarget("mesh", "Medical Subject Headings (MeSH)", "http://id.nlm.nih.gov/mesh/"),
    LinkTarget("uberon", "Uberon anatomy ontology", f"{OBO}UBERON_"),
)


def _count(value: Node | None) -> Literal:
    return Literal(int(value or 0), datatype=XSD.integer)  # type: ignore[arg-type]


def void_statistics(store: Store, graphs: Iterable[str] | None = None,
                    default_graphs: Sequence[str] = (),
                    sizes: Mapping[str, int] | None = None) -> Graph:
    """The VoID statistics of the store's default graph (or of the union of `default_graphs`)
    and of each of `graphs` (by default, the curated graphs), under the store's base.

    `sizes`: the triples of each of `graphs`, already counted by the engine over this very
    store (the staging store counts them once for the build's report and for this), in place
    of statistics/graphs.rq; a graph of size 0 is left out, as the query has no row for it."""
    if graphs is None:
        graphs = store.namespaces.graphs.ALL
    texts = sparql_files("statistics", namespaces=store.namespaces)

    def rows(name: str, **values: Iterable[Node]) -> list[tuple[Node | None, ...]]:
        text = texts[name]
        if values:
            text = bind(text, **{key: list(terms) for key, terms in values.items()})
        return store.query(text, default_graph_uris=default_graphs).rows

    g = Graph()
    for prefix, namespace in {**PREFIXES, "void": str(VOID)}.items():
        g.bind(prefix, namespace)
    add = g.add
    add((DATASET, RDF.type, VOID.Dataset))
    triples, subjects, properties, objects = rows("dataset")[0]
    add((DATASET, VOID.triples, _count(triples)))
    add((DATASET, VOID.distinctSubjects, _count(subjects)))
    add((DATASET, VOID.properties, _count(properties)))
    add((DATASET, VOID.distinctObjects, _count(objects)))
    entities, classes = rows("entities")[0]
    add((DATASET, VOID.entities, _count(entities)))
    add((DATASET, VOID.classes, _count(classes)))

    for prop, count in rows("property-partitions"):
        partition = BNode()
        add((DATASET, VOID.propertyPartition, partition))
        add((partition, VOID.property, prop))  # type: ignore[arg-type]
        add((partition, VOID.triples, _count(count)))

    class_partitions: dict[Node, BNode] = {}
    for cls, count in rows("class-partitions"):
        partition = class_partitions[cls] = BNode()  # type: ignore[index]
        add((DATASET, VOID.classPartition, partition))
        add((partition, VOID["class"], cls))  # type: ignore[arg-type]
        add((partition, VOID.entities, _count(count)))
    for cls, prop, count in rows("class-property-partitions"):
        if cls not in class_partitions:
            continue  # typed after the class count ran: never in one build
        partition = BNode()
        add((class_partitions[cls], VOID.propertyPartition, partition))
        add((partition, VOID.property, prop))  # type: ignore[arg-type]
        add((partition, VOID.triples, _count(count)))

    graphs = list(graphs)
    sized = (rows("graphs", graph=[URIRef(name) for name in graphs]) if sizes is None else
             [(URIRef(name), Literal(sizes[name])) for name in graphs if sizes[name]])
    for graph, count in sized:
        add((DATASET, VOID.subset, graph))  # type: ignore[arg-type]
        add((graph, RDF.type, VOID.Dataset))  # type: ignore[arg-type]
        add((graph, VOID.triples, _count(count)))  # type: ignore[arg-type]

    by_space = {Literal(target.uri_space): target for target in LINK_TARGETS}
    for space, prop, count in rows("linksets", space=list(by_space)):
        target = by_space[Literal(str(space))]
        linkset = BNode()
        add((DATASET, VOID.subset, linkset))
        add((linkset, RDF.type, VOID.Linkset))
        add((linkset, VOID.subjectsTarget, DATASET))
        add((linkset, VOID.objectsTarget, target.iri))
        add((linkset, VOID.target, DATASET))
        add((linkset, VOID.target, target.iri))
        add((linkset, VOID.linkPredicate, prop))  # type: ignore[arg-type]
        add((linkset, VOID.triples, _count(count)))
        add((target.iri, RDF.type, VOID.Dataset))
        add((target.iri, DCTERMS.title, Literal(target.title, lang="en")))
        add((target.iri, VOID.uriSpace, Literal(target.uri_space)))
    return store.namespaces.rebase_graph(g)
