"""A page's graph, wrapped for templates: labels never raw IRIs, links for every entity."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from kg.namespaces import SCHEMA, Namespaces
from web import mentions
from web.columns import words
from web.urls import local_path


@dataclass(frozen=True)
class Link:
    """Something a page names: its label, and where it is served (None for outside IRIs)."""

    label: str
    href: str | None
    iri: str

    def __str__(self) -> str:
        return self.label


class Segment(NamedTuple):
    """A piece of free text: plain, or a short name shown as a link to what it names."""

    text: str
    link: Link | None


class Participants(NamedTuple):
    """A study's size: the count, and what the record adds to it in words."""

    count: str | None
    qualifier: str


class PageGraph:
    """Read access to the triples behind one page."""

    def __init__(self, graph: Graph, this: URIRef,
                 vocabulary: dict[str, tuple[str, str]] | None = None, *, rkg: Namespace,
                 subproperties: Mapping[URIRef, frozenset[URIRef]] | None = None,
                 namespaces: Namespaces | None = None,
                 labels_of: Callable[[Sequence[URIRef]], Graph] | None = None):
        self.graph = graph
        self.this = this
        self.vocabulary = vocabulary or {}
        self.rkg = rkg  # the ontology under the base of the store the graph came from
        # Each property's super-properties (the ontology's rdfs:subPropertyOf+): the build
        # states every statement again with them, which listings of every property show once.
        self.narrower: dict[URIRef, list[URIRef]] = {}  # super-property -> its sub-properties
        for sub, supers in (subproperties or {}).items():
            for sup in supers:
                self.narrower.setdefault(sup, []).append(sub)
        # Where short names in free text are read (their prefixes) and looked up (labels).
        self.namespaces = namespaces
        self.labels_of = labels_of
        self._looked_up: set[URIRef] = set()

    # -- labels and links

    def label(self, node: Node) -> str:
        for prop in (RDFS.label, SKOS.prefLabel):
            values = list(self.graph.objects(node, prop))
            if values:
                english = [v for v in values if getattr(v, "language", None) in ("en", None)]
                return str(sorted(english or values)[0])
        if isinstance(node, Literal):
            return str(node)
        if str(node) in self.vocabulary:
            return self.vocabulary[str(node)][0]
        if isinstance(node, URIRef):
            # No label in the data (an outside term such as schema:TraditionalChinese): the
            # IRI's last segment, in words, reads better than the whole IRI.
            return words(str(node).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1],
                         sentence_case=False)
        return "(unnamed)"

    def link(self, node: Node) -> Link:
        href = local_path(node)
        if href is None and isinstance(node, URIRef) and _is_web_link(node):
            href = str(node)
        return Link(self.label(node), href, str(node) if isinstance(node, URIRef) else "")

    # -- values

    def objects(self, subject: Node, prop: URIRef) -> list[Node]:
        return sorted(self.graph.objects(subject, prop), key=self.label)

    def links(self, subject: Node, prop: URIRef) -> list[Link]:
        return [self.link(o) for o in self.objects(subject, prop) if not isinstance(o, Literal)]

    def texts(self, subject: Node, prop: URIRef) -> list[str]:
        return sorted(str(o) for o in self.graph.objects(subject, prop) if isinstance(o, Literal))

    def stated_texts(self, subject: Node, prop: URIRef) -> list[str]:
        """The texts of `prop` less those the build inferred from a sub-property's statement,
        which the page shows under that property (an acupoint's pinyin is also an altLabel)."""
        return sorted(str(o) for p, o in self._stated(
            [(prop, o) for o in self.graph.objects(subject, prop) if isinstance(o, Literal)],
            lambda p, o: (subject, p, o)))

    def text(self, subject: Node, prop: URIRef) -> str:
        values = self.texts(subject, prop)
        return values[0] if values else ""

    def one(self, subject: Node, prop: URIRef) -> Node | None:
        values = self.objects(subject, prop)
        return values[0] if values else None

    def segments(self, text: str) -> list[Segment]:
        """Free text with each short name that names an entity (`source:nccih-massage`) as a
        link with its label; short names of nothing in the graph stay text."""
        if self.namespaces is None:
            return [Segment(text, None)]
        pieces = mentions.split(text, self.namespaces)
        self._look_up({p.iri for p in pieces if p.iri is not None})
        return [Segment(p.text, self.link(p.iri) if p.iri is not None and self._known(p.iri)
                        else None) for p in pieces]

    def _known(self, iri: URIRef) -> bool:
        return (iri, RDFS.label, None) in self.graph or str(iri) in self.vocabulary

    def _look_up(self, iris: set[URIRef]) -> None:
        """Add the labels of the named entities the page graph lacks: one lookup per text
        that names any, each name asked once (most texts name none, and cost no query)."""
        missing = sorted(i for i in iris - self._looked_up if not self._known(i))
        if missing and self.labels_of is not None:
            self._looked_up.update(missing)
            self.graph += self.labels_of(missing)

    def participants(self, study: Node) -> Participants:
        """The study's size: a count and the record's words beside it, the count said once.
        The words often repeat it ("242 (analysed: ...)", "13 studies (839 participants)",
        "18 RCTs; 1985"): then only what they add is kept ("analysed: ...", "13 studies",
        "18 RCTs"); words that do not give the count in one of these ways are kept whole."""
        n = self.one(study, self.rkg.participants)
        note = self.text(study, self.rkg.participantsNote).strip()
        if n is None:
            return Participants(None, note)
        count = str(n)
        if note.startswith(count) and not note[len(count):][:1].isdigit():
            return Participants(count, _unwrapped(note[len(count):].strip()))
        for said in (rf"\s*\({re.escape(count)}\s+(?:participants|patients|people)\)",
                     rf"\s*;\s*{re.escape(count)}$"):
            rest, found = re.subn(said, "", note, count=1)
            if found:
                return Participants(count, rest.strip())
        return Participants(count, note)

    def blanks(self, subject: Node, prop: URIRef) -> list[BNode]:
        return [o for o in self.objects(subject, prop) if isinstance(o, BNode)]

    def range(self, subject: Node, prop: URIRef) -> str:
        """A schema:minValue/maxValue range in words: '1–3' or '10'."""
        node = self.one(subject, prop)
        if node is None:
            return ""
        low, high = self.one(node, SCHEMA.minValue), self.one(node, SCHEMA.maxValue)
        if low is None or high is None:
            return ""
        return str(low) if low == high else f"{low}–{high}"

    def rank(self, node: Node | None) -> int:
        value = self.one(node, self.rkg.rank) if node is not None else None
        return int(value) if value is not None else -1

    def ranked(self, nodes: list[Node], prop: URIRef | None = None) -> list[Node]:
        """Nodes by the rank of their `prop` value, strongest first, then by label."""
        prop = prop if prop is not None else self.rkg.evidenceLevel
        return sorted(nodes, key=lambda n: (-self.rank(self.one(n, prop)), self.label(n)))

    # -- types and what links here

    def types(self, node: Node) -> list[URIRef]:
        """The most specific of the node's types (inferred superclasses dropped)."""
        types = set(self.graph.objects(node, RDF.type))
        supers = {s for t in types for s in self.graph.transitive_objects(t, RDFS.subClassOf)
                  if s != t}
        return sorted((t for t in types - supers if isinstance(t, URIRef)), key=str)

    def type_links(self, node: Node) -> list[Link]:
        return [self.link(t) for t in self.types(node)]

    def has_type(self, node: Node, cls: URIRef) -> bool:
        return (node, RDF.type, cls) in self.graph

    def design(self, node: Node) -> URIRef | None:
        """The study's design: its most specific type that the ontology labels (never an
        outside superclass such as schema:MedicalStudy or a SEPIO class)."""
        labelled = [t for t in self.types(node) if str(t) in self.vocabulary]
        return labelled[0] if labelled else None

    def starting_level(self, study: Node) -> Node | None:
        """The level the study's design starts a claim at: a review's is that of the designs
        it reviewed (rkg:reviewOf), as in kg/rules/evidence-level.rq."""
        designs = self.objects(study, self.rkg.reviewOf) or [self.design(study)]
        levels = [self.one(d, self.rkg.startingLevel) for d in designs if d is not None]
        return max((lv for lv in levels if lv is not None), key=self.rank, default=None)

    def evidence_lines(self, claim: Node) -> dict[str, list[Node]]:
        """The claim's studies: supporting, disputing, and the others that bear on it; each
        strongest design first, then newest."""
        supporting = set(self.graph.objects(claim, self.rkg.supportingStudy))
        disputing = set(self.graph.objects(claim, self.rkg.disputingStudy))
        other = set(self.graph.objects(claim, self.rkg.study)) - supporting - disputing
        return {name: self._by_design(studies) for name, studies in
                (("supporting", supporting), ("disputing", disputing), ("other", other))}

    def _by_design(self, studies: set[Node]) -> list[Node]:
        def key(study: Node) -> tuple[int, int, str]:
            year = self.one(study, self.rkg.year)
            newest = -int(str(year)[:4]) if year is not None and str(year)[:4].isdigit() else 0
            return (-self.rank(self.starting_level(study)), newest, self.label(study))
        return sorted(studies, key=key)

    def setting_studies(self, claim: Node) -> list[Node]:
        """The supporting studies whose design sets the claim's starting level."""
        start = self.one(claim, self.rkg.startingEvidenceLevel)
        return [s for s in self.objects(claim, self.rkg.supportingStudy)
                if start is not None and self.starting_level(s) == start]

    def instances(self, cls: URIRef) -> list[Node]:
        """Entities of the page graph (other than the page's own) with the type, by label."""
        return sorted((s for s in set(self.graph.subjects(RDF.type, cls)) if s != self.this),
                      key=self.label)

    def grouped(self, nodes: list[Node], prop: URIRef) -> list[tuple[Link | None, list[Node]]]:
        """Nodes grouped by their `prop` value (by label; those without one last), each group
        strongest evidence first."""
        groups: dict[Node | None, list[Node]] = {}
        for node in nodes:
            groups.setdefault(self.one(node, prop), []).append(node)
        keys = sorted(groups, key=lambda k: (k is None, self.label(k) if k is not None else ""))
        return [(self.link(k) if k is not None else None, self.ranked(groups[k])) for k in keys]

    def incoming(self, prop: URIRef | None = None) -> list[tuple[URIRef, Node]]:
        """(property, subject) pairs of IRIs that link to the page's entity; all of them
        (prop None) lists each link once, by the property it was stated with."""
        pairs = [(p, s) for s, p in self.graph.subject_predicates(self.this)
                 if (prop is None or p == prop) and not isinstance(s, BNode)]
        if prop is None:
            pairs = self._stated(pairs, lambda p, s: (s, p, self.this))
        return sorted(pairs, key=lambda ps: (self.label(ps[0]), self.label(ps[1])))

    def _stated(self, pairs: list[tuple[URIRef, Node]],
                triple: Callable[[URIRef, Node], tuple[Node, Node, Node]]
                ) -> list[tuple[URIRef, Node]]:
        """The pairs less those the build inferred from a sub-property's: (rkg:curationNote,
        x) is kept, (skos:editorialNote, x) beside it dropped."""
        def inferred(p: URIRef, other: Node) -> bool:
            return any(triple(sub, other) in self.graph for sub in self.narrower.get(p, ())
                       if sub != p)
        return [(p, other) for p, other in pairs if not inferred(p, other)]

    def holders(self) -> list[tuple[Node, BNode]]:
        """Entities that reach this one through a blank node (a claim's mechanism statement)."""
        found = []
        for blank in {s for s in self.graph.subjects(None, self.this) if isinstance(s, BNode)}:
            found.extend((s, blank) for s in self.graph.subjects(None, blank))
        return sorted(found, key=lambda sb: self.label(sb[0]))

    @cached_property
    def outgoing(self) -> list[tuple[URIRef, Node]]:
        """Every (property, value) of the entity, for the generic facts table."""
        pairs = [(p, o) for p, o in self.graph.predicate_objects(self.this) if p != RDF.type]
        pairs = self._stated(pairs, lambda p, o: (self.this, p, o))
        return sorted(pairs, key=lambda po: (self.label(po[0]), self.label(po[1])))


def _unwrapped(text: str) -> str:
    """The text without the parentheses around all of it ("(23 per arm)"), if they pair."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and i < len(text) - 1:
            return text  # "(a) and (b)": the first one closes before the end
    return text[1:-1].strip()


def _is_web_link(iri: URIRef) -> bool:
    return str(iri).startswith(("http://", "https://"))
