"""IRIs of the dataset: the base, the ontology namespace, the entity families and named graphs.

The files (data/, ontology/, shapes/, every .rq) are written under one canonical base. A
deployment may publish under another (KG_BASE_IRI): `Namespaces(base)` holds every IRI under
that base, and its `rebase` is the one place where canonical IRIs become deployed ones, when a
build loads the files into a store and when query text is read. A store carries the namespaces
it was opened with (`Store.namespaces`); the module-level names below are the canonical ones,
for code that writes the files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

# The base the project's files are written in; a deployment's base replaces it when loaded.
CANONICAL_BASE = "https://w3id.org/remedy-kg/"
BASE = CANONICAL_BASE
# The environment variable that sets the deployed base for `kg` and the web app alike.
BASE_VARIABLE = "KG_BASE_IRI"

SCHEMA = Namespace("https://schema.org/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SIOC = Namespace("http://rdfs.org/sioc/ns#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")

# One path segment per entity family, as in DESIGN.md.
FAMILIES = (
    "remedy", "condition", "claim", "mechanism", "acupoint", "meridian", "protocol", "study",
    "warning", "adverse-event", "population", "outcome-measure", "source", "combination",
    "scheme", "outcome", "remedy-class",
)


class GraphNames:
    """The named graphs a build writes under a base; queries see their union as the default."""

    def __init__(self, base: str):
        self.ONTOLOGY = base + "graph/ontology"
        self.SHAPES = base + "graph/shapes"
        self.DATA = base + "graph/data"
        self.INFERRED = base + "graph/inferred"
        # Written by `kg build`: the endpoint describes itself (VoID statistics, SPARQL examples).
        self.VOID = base + "graph/void"
        self.EXAMPLES = base + ".well-known/sparql-examples"
        self.ALL = (self.ONTOLOGY, self.SHAPES, self.DATA, self.INFERRED)
        # Votes, posts and outcome reports: written while the site runs, never by a build,
        # never in the curated dumps and never in the default graph of queries (ask by name).
        self.COMMUNITY = base + "graph/community"
        # Asked for by name (GRAPH, FROM NAMED), never part of the default graph: the
        # community's writes, and what the build says about the dataset (its VoID, its
        # examples), which would otherwise count themselves and show up in every query.
        self.APART = (self.COMMUNITY, self.VOID, self.EXAMPLES)


# A base is an absolute http(s) IRI ending in "/" (entity IRIs are {base}id/{family}/{slug}).
_VALID_BASE = re.compile(r"^https?://[^\s<>\"{}|\\^`#?]+/$")


class BaseIriError(ValueError):
    """A base IRI that cannot name the dataset's IRIs."""


def checked_base(base: str) -> str:
    """The base itself if it can prefix the dataset's IRIs; BaseIriError says why not."""
    if not _VALID_BASE.match(base):
        raise BaseIriError(f"{BASE_VARIABLE} must be an absolute http(s) IRI ending in '/' "
                           f"(without spaces, '#' or '?'), not {base!r}")
    return base


def configured_base() -> str:
    """The deployed base: $KG_BASE_IRI if set, else the canonical one (read at each call, so
    a test can set it for one run)."""
    return checked_base(os.environ.get(BASE_VARIABLE) or CANONICAL_BASE)


@dataclass(frozen=True, eq=False)
class Namespaces:
    """Every IRI of the dataset under one base (equal when their bases are)."""

    base: str
    RKG: Namespace = field(init=False)
    RKGSH: Namespace = field(init=False)
    ID: Namespace = field(init=False)
    graphs: GraphNames = field(init=False)
    PREFIXES: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # a frozen dataclass's fields are set once, here
        set_(self, "RKG", Namespace(self.base + "ontology#"))
        set_(self, "RKGSH", Namespace(self.base + "shapes#"))
        set_(self, "ID", Namespace(self.base + "id/"))
        set_(self, "graphs", GraphNames(self.base))
        set_(self, "PREFIXES", _prefixes(self.RKG, self.RKGSH, self.ID))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Namespaces) and other.base == self.base

    def __hash__(self) -> int:
        return hash(self.base)

    @property
    def canonical(self) -> bool:
        return self.base == CANONICAL_BASE

    def rebase(self, text: str) -> str:
        """Text written under the canonical base (query text, an IRI), under this base."""
        return text if self.canonical else text.replace(CANONICAL_BASE, self.base)

    def rebase_term(self, term: Node) -> Node:
        if self.canonical:
            return term
        if isinstance(term, URIRef):
            return URIRef(self.rebase(str(term))) if CANONICAL_BASE in term else term
        if isinstance(term, Literal) and (CANONICAL_BASE in term or (
                term.datatype is not None and CANONICAL_BASE in term.datatype)):
            datatype = URIRef(self.rebase(str(term.datatype))) if term.datatype else None
            return Literal(self.rebase(str(term)), lang=term.language, datatype=datatype)
        return term

    def rebase_graph(self, graph: Graph) -> Graph:
        """A graph loaded from the files, under this base (the same graph when canonical)."""
        if self.canonical:
            return graph
        rebased = Graph()
        for prefix, namespace in graph.namespaces():
            rebased.bind(prefix, self.rebase(str(namespace)), replace=True)
        # Terms repeat (every rdf:type, every rkg: property): each is rebased once.
        terms: dict[Node, Node] = {}

        def term(t: Node) -> Node:
            if (done := terms.get(t)) is None:
                done = terms[t] = self.rebase_term(t)
            return done

        rebased.addN((term(s), term(p), term(o), rebased) for s, p, o in graph)
        return rebased

    def sparql_prologue(self) -> str:
        """PREFIX lines for every prefix in PREFIXES."""
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.PREFIXES.items())


@cache
def namespaces(base: str = CANONICAL_BASE) -> Namespaces:
    """The namespaces under a base (checked)."""
    return Namespaces(checked_base(base))


def _prefixes(rkg: Namespace, rkgsh: Namespace, id_: Namespace) -> dict[str, str]:
    # The prefixes offered to people: in the query UI, CLI tables and Turtle output.
    return {
        "rkg": str(rkg),
        "rkgsh": str(rkgsh),
        "remedy": id_ + "remedy/",
        "condition": id_ + "condition/",
        "claim": id_ + "claim/",
        "mechanism": id_ + "mechanism/",
        "acupoint": id_ + "acupoint/",
        "meridian": id_ + "meridian/",
        "protocol": id_ + "protocol/",
        "study": id_ + "study/",
        "warning": id_ + "warning/",
        "ae": id_ + "adverse-event/",
        "population": id_ + "population/",
        "measure": id_ + "outcome-measure/",
        "source": id_ + "source/",
        "combination": id_ + "combination/",
        "outcome": id_ + "outcome/",
        "remedy-class": id_ + "remedy-class/",
        "schema": str(SCHEMA),
        "skos": str(SKOS),
        "dcterms": str(DCTERMS),
        "prov": str(PROV),
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "owl": str(OWL),
        "xsd": str(XSD),
        "obo": str(OBO),
        "sh": str(SH),
        "sioc": str(SIOC),
    }


CANONICAL = namespaces(CANONICAL_BASE)
RKG = CANONICAL.RKG
RKGSH = CANONICAL.RKGSH
ID = CANONICAL.ID
Graphs = CANONICAL.graphs
PREFIXES: dict[str, str] = CANONICAL.PREFIXES


def sparql_prologue() -> str:
    """PREFIX lines for every prefix in PREFIXES."""
    return CANONICAL.sparql_prologue()
