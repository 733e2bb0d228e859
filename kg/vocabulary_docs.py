"""The ontology and the shapes described for people: what /ontology and /shapes show.

Terms and shapes are read from the store's ontology and shapes graphs; counts and examples come
from the published graphs by two SPARQL queries (one for every count, one for the examples),
never one query per term.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.graph_dump import read_graph
from kg.namespaces import RKG, SH, Graphs
from kg.results import short_form
from kg.store import Store

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                  RDF.Property)
ALIGNMENTS = {
    OWL.equivalentClass: "equivalent class",
    OWL.equivalentProperty: "equivalent property",
    RDFS.subClassOf: "subclass of",
    RDFS.subPropertyOf: "subproperty of",
    SKOS.exactMatch: "exact match",
    SKOS.closeMatch: "close match",
    SKOS.broadMatch: "broad match",
    SKOS.narrowMatch: "narrow match",
    SKOS.relatedMatch: "related match",
    OWL.inverseOf: "inverse of",
    RDFS.seeAlso: "see also",
}
EXAMPLES_PER_TERM = 3

COUNTS_QUERY = f"""
PREFIX rdf: <{RDF}>
# One query for every term's count: instances of a class, triples of a property; and one
# subject as an example of a property.
SELECT ?term (COUNT(*) AS ?n) (SAMPLE(?s) AS ?example) WHERE {{
  {{ SELECT DISTINCT ?term ?s WHERE {{
       ?s rdf:type ?term FILTER(STRSTARTS(STR(?term), "{RKG}")) }} }}
  UNION
  {{ SELECT DISTINCT ?term ?s ?o WHERE {{
       ?s ?term ?o FILTER(STRSTARTS(STR(?term), "{RKG}")) }} }}
}}
GROUP BY ?term
"""

EXAMPLES_QUERY = f"""
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
# Entities of the data by their stated class, with their labels: a few per class are shown.
SELECT DISTINCT ?term ?s ?label WHERE {{
  GRAPH <{Graphs.DATA}> {{ ?s rdf:type ?term ; rdfs:label ?label }}
  FILTER(isIRI(?s) && STRSTARTS(STR(?term), "{RKG}"))
}}
"""


@dataclass
class Term:
    """A class, property or named value of the ontology."""

    iri: URIRef
    kind: str  # "class", "property" or "value"
    label: str
    comment: str
    types: list[URIRef] = field(default_factory=list)
    alignments: list[tuple[str, URIRef]] = field(default_factory=list)
    shapes: list[URIRef] = field(default_factory=list)
    count: int = 0
    examples: list[tuple[URIRef, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Its local name: the anchor of /ontology#Name, where its hash IRI resolves."""
        return str(self.iri).rsplit("#", 1)[-1]


def ontology_terms(store: Store) -> list[Term]:
    """Every rkg: term the ontology describes, classes first, then properties, then values."""
    ns = store.namespaces  # the files' IRIs, under the base the store was built with
    rkg = ns.RKG
    ontology = read_graph(store, ns.graphs.ONTOLOGY)
    shapes = read_graph(store, ns.graphs.SHAPES)
    terms: dict[URIRef, Term] = {}
    for subject in sorted({s for s in ontology.subjects() if isinstance(s, URIRef)
                           and str(s).startswith(str(rkg)) and s != URIRef(str(rkg))}, key=str):
        types = set(ontology.objects(subject, RDF.type))
        kind = ("class" if types & set(CLASS_TYPES) else
                "property" if types & set(PROPERTY_TYPES) else "value")
        terms[subject] = Term(
            subject, kind, _text(ontology, subject, RDFS.label) or _text(
                ontology, subject, SKOS.prefLabel) or str(subject)[len(str(rkg)):],
            _text(ontology, subject, RDFS.comment) or _text(ontology, subject, SKOS.definition),
            sorted((t for t in types if isinstance(t, URIRef)), key=str),
            sorted(((words, o) for p, words in ALIGNMENTS.items()
                    for o in ontology.objects(subject, p) if isinstance(o, URIRef)),
                   key=lambda a: (a[0], str(a[1]))))
    for term, shape in _constraining_shapes(shapes):
        if term in terms and shape not in terms[term].shapes:
            terms[term].shapes.append(shape)
    for row in store.query(ns.rebase(COUNTS_QUERY)).dicts():
        term = terms.get(row["term"])  # type: ignore[arg-type]
        if term is None:
            continue
        term.count = int(row["n"])
        example = row.get("example")
        if term.kind == "property" and isinstance(example, URIRef):
            term.examples = [(example, "")]
    examples: dict[Node, list[tuple[URIRef, str]]] = defaultdict(list)
    for row in store.query(ns.rebase(EXAMPLES_QUERY)).dicts():
        examples[row["term"]].append((row["s"], str(row["label"])))  # type: ignore[arg-type]
    for iri, found in examples.items():
        if iri in terms:
            terms[iri].examples = sorted(set(found), key=lambda e: (e[1], str(e[0])))[
                :EXAMPLES_PER_TERM]
    order = {"class": 0, "property": 1, "value": 2}
    return sorted(terms.values(), key=lambda t: (order[t.kind], t.name.lower()))


def _text(graph: Graph, subject: Node, prop: URIRef) -> str:
    values = [o for o in graph.objects(subject, prop) if isinstance(o, Literal)]
    english = [v for v in values if v.language in ("en", None)]
    return str(sorted(english or values)[0]) if values else ""


def _constraining_shapes(shapes: Graph) -> list[tuple[Node, URIRef]]:
    """(term, shape) pairs: a node shape's target class; a property shape's path, named by the
    property shape when it has an IRI, else by the node shape that holds it."""
    pairs = [(cls, shape) for shape, cls in shapes.subject_objects(SH.targetClass)
             if isinstance(shape, URIRef)]
    for prop_shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef):
            continue
        if isinstance(prop_shape, URIRef):
            pairs.append((path, prop_shape))
        else:
            pairs.extend((path, owner) for owner in shapes.subjects(SH.property, prop_shape)
                         if isinstance(owner, URIRef))
    return sorted(pairs, key=lambda p: (str(p[0]), str(p[1])))


# -- shapes ---------------------------------------------------------------------------------

TARGETS = {
    SH.targetClass: "every {}",
    SH.targetObjectsOf: "every object of {}",
    SH.targetSubjectsOf: "every subject of {}",
    SH.targetNode: "the node {}",
}
# Constraint parameters in words; "{}" is the value.
PARAMETERS = {
    SH.minCount: "at least {}",
    SH.maxCount: "at most {}",
    SH.datatype: "datatype {}",
    SH["class"]: "an instance of {}",
    SH.nodeKind: "node kind {}",
    SH.pattern: "matches the pattern {}",
    SH.flags: "pattern flags {}",
    SH.minInclusive: "at least {} (inclusive)",
    SH.maxInclusive: "at most {} (inclusive)",
    SH.minExclusive: "more than {}",
    SH.maxExclusive: "less than {}",
    SH.minLength: "at least {} characters",
    SH.maxLength: "at most {} characters",
    SH.hasValue: "has the value {}",
    SH.node: "conforms to {}",
    SH.languageIn: "language one of {}",
    SH.uniqueLang: "one value per language: {}",
    SH.equals: "equals {}",
    SH.disjoint: "disjoint from {}",
    SH.lessThan: "less than {}",
    SH.lessThanOrEquals: "at most the value of {}",
    SH.qualifiedValueShape: "qualified by {}",
    SH.qualifiedMinCount: "at least {} qualified",
    SH.qualifiedMaxCount: "at most {} qualified",
    SH.closed: "closed: {}",
}
LISTS = {SH["in"]: "one of {}", SH["or"]: "any of {}", SH["and"]: "all of {}",
         SH.xone: "exactly one of {}"}
# Said elsewhere on the page (or structure, not constraints).
NOT_CONSTRAINTS = {RDF.type, SH.path, SH.property, SH.message, SH.severity, SH.name,
                   SH.description, SH.sparql, SH.deactivated, SH.order, SH.group,
                   RDFS.label, RDFS.comment, SH.ignoredProperties, *TARGETS}


@dataclass
class PropertyConstraint:
    iri: URIRef | None
    path: str
    rules: list[str]
    message: str
    severity: str


@dataclass
class ShapeDoc:
    iri: URIRef
    targets: list[str]
    rules: list[str]
    properties: list[PropertyConstraint]
    sparql: list[str]  # the messages of its SPARQL constraints
    message: str
    severity: str
    fixtures: list[str]

    @property
    def name(self) -> str:
        return str(self.iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def shape_docs(store: Store, fixtures: Path | None = None) -> list[ShapeDoc]:
    """Every node shape with an IRI, its targets and its constraints in words, and the failing
    fixtures (tests/fixtures/invalid/) that name it or one of its property shapes."""
    shapes = read_graph(store, store.namespaces.graphs.SHAPES)
    failing = _fixtures(fixtures, shapes) if fixtures is not None else {}
    nodes = {s for s in shapes.subjects() if isinstance(s, URIRef) and (
        (s, RDF.type, SH.NodeShape) in shapes or (s, SH.property, None) in shapes
        or any((s, t, None) in shapes for t in TARGETS))}
    docs = []
    for node in sorted(nodes, key=str):
        docs.append(ShapeDoc(
            node,
            [TARGETS[p].format(_show(shapes, o)) for p in TARGETS
             for o in sorted(shapes.objects(node, p), key=str)],
            _rules(shapes, node),
            sorted((_property(shapes, p) for p in shapes.objects(node, SH.property)),
                   key=lambda c: (c.path, c.iri or "")),
            sorted(_text(shapes, q, SH.message) or "(no message)"
                   for q in shapes.objects(node, SH.sparql)),
            _text(shapes, node, SH.message),
            short_form(shapes.value(node, SH.severity) or SH.Violation).removeprefix("sh:"),
            sorted(failing.get(node, [])),
        ))
    return docs


def _property(shapes: Graph, node: Node) -> PropertyConstraint:
    return PropertyConstraint(
        node if isinstance(node, URIRef) else None,
        _path(shapes, shapes.value(node, SH.path)),
        _rules(shapes, node),
        _text(shapes, node, SH.message),
        short_form(shapes.value(node, SH.severity) or SH.Violation).removeprefix("sh:"))


def _rules(shapes: Graph, node: Node) -> list[str]:
    rules = []
    # Counts first, then the other parameters in the order PARAMETERS lists them.
    order = {p: i for i, p in enumerate([*PARAMETERS, *LISTS])}
    for p, o in sorted(shapes.predicate_objects(node),
                       key=lambda po: (order.get(po[0], len(order)), str(po[0]), str(po[1]))):
        if p in NOT_CONSTRAINTS:
            continue
        if p in LISTS:
            rules.append(LISTS[p].format(", ".join(
                _show(shapes, item) for item in Collection(shapes, o))))
        elif p in PARAMETERS:
            rules.append(PARAMETERS[p].format(_show(shapes, o)))
        else:
            rules.append(f"{short_form(p)} {_show(shapes, o)}")
    return rules


def _path(shapes: Graph, path: Node | None) -> str:
    """A SHACL path in words: p, ^p (inverse), p / q (sequence), p | q, p*, p+, p?."""
    if path is None:
        return "(the node itself)"
    if isinstance(path, URIRef):
        return short_form(path)
    if (path, RDF.first, None) in shapes:
        return " / ".join(_path(shapes, p) for p in Collection(shapes, path))
    for prop, form in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                       (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = shapes.value(path, prop)
        if inner is not None:
            return form.format(_path(shapes, inner))
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + " | ".join(_path(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    return "(a complex path)"


def _show(shapes: Graph, node: Node) -> str:
    """A value in a rule: a term's short form, a literal's text, an inline shape's rules."""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        return "[" + "; ".join(_rules(shapes, node)) + "]"
    return short_form(node)


EXPECT = re.compile(r"^# expect-shape:\s*(\S+)", re.MULTILINE)


def _fixtures(folder: Path, shapes: Graph) -> dict[Node, list[str]]:
    """Shape -> names of the failing fixtures that expect it; a property shape's fixture is
    its node shape's too."""
    found: dict[Node, list[str]] = defaultdict(list)
    for path in sorted(folder.glob("*.ttl")):
        match = EXPECT.search(path.read_text(encoding="utf-8"))
        if not match:
            continue
        name = match.group(1)
        shape = URIRef(shapes.namespace_manager.expand_curie(name)) if ":" in name and \
            not name.startswith("http") else URIRef(name)
        found[shape].append(path.stem)
        for owner in shapes.subjects(SH.property, shape):
            found[owner].append(path.stem)
    return found
