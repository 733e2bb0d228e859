"""One build's working copy: the files parsed once into named graphs of an in-memory
pyoxigraph store, where validation, the quality checks and the rules run as SPARQL.

The build used to parse into rdflib graphs and copy the whole graph into a fresh store for each
step (validate, checks, infer, store): at 1M triples that was 3.2 GB and most of five minutes.
Here the data and the ontology are parsed straight into the staging store (canonical IRIs, as
the files are written), every step queries that store, the VoID statistics are counted there,
and its graphs are handed to the target store quad by quad (rebased under another base), or,
for a large build into a new folder, mostly as files the bulk loader reads beside validation
(`write_unshared`, kg/build.py). The
shapes stay an rdflib graph (a few hundred triples): they are compiled, and kept out of the
union that validation, the checks and the rules read (staged only for the VoID, after them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Self

import pyoxigraph as ox
from rdflib import Graph

from kg.inference import EVIDENCE_LEVEL_RULE, infer_in
from kg.load import LoadError, SyntaxProblem, load_into, new_graph
from kg.namespaces import CANONICAL_BASE, Graphs, Namespaces
from kg.project import Project
from kg.quality import QualityReport, run_checks_in
from kg.shacl_sparql import ALIAS, COLLAPSED, keep_datatype, restore_datatypes
from kg.store.oxigraph import (
    GraphSource,
    OxigraphStore,
    Replacement,
    to_rdflib,
    triples_in,
    union_of,
)
from kg.validate import ValidationReport, validate_in_store
from kg.void import void_statistics

ONTOLOGY, SHAPES, DATA, INFERRED = (ox.NamedNode(name) for name in
                                    (Graphs.ONTOLOGY, Graphs.SHAPES, Graphs.DATA,
                                     Graphs.INFERRED))
ASSERTED = (ONTOLOGY, DATA)
STAGED = (*ASSERTED, INFERRED)  # what a build writes from this store


# Text through which a file could type a literal with a datatype keep_datatype aliases: its
# local name after a prefix or a '#' (a prefixed name, a full or relative IRI), a name for the
# XSD namespace other than the usual one, or an escape in an IRI (which could spell anything).
# A file with none of it is read by the engine's own loader (kg.load.load_into).
#
# The text is searched for plain substrings (0.32 instead of 0.61 s of CPU for the 41 MB of the
# 1M data files, where one regular expression tried its names at every ':' and '#'): each
# backslash, the XSD namespace's names, the short names one by one (each occurrence checked for
# the end of the name); the names with "Integer" or "unsigned" in them by the expression, only
# in a text that holds either.
_NARROWED_NAMES = sorted(str(d).rsplit("#", 1)[1] for d in COLLAPSED)
_SHORT_NAMES = [name.encode() for name in _NARROWED_NAMES
                if "Integer" not in name and "unsigned" not in name]
_LONG_NAMES = re.compile(rf"[:#](?:{'|'.join(_NARROWED_NAMES)})\b".encode())
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _may_name_narrowed(text: bytes) -> bool:
    at = text.find(b"\\")  # a single byte is found fastest, and it is rare
    while at != -1:
        if text[at + 1:at + 2] in (b"u", b"U"):
            return True
        at = text.find(b"\\", at + 1)
    if text.count(b"XMLSchema") != text.count(b"XMLSchema#>"):
        return True  # a name for the XSD namespace other than the usual one
    if b"Integer" in text or b"unsigned" in text:
        return _LONG_NAMES.search(text) is not None
    for name in _SHORT_NAMES:
        for mark in (b":", b"#"):
            needle = mark + name
            at = text.find(needle)
            while at != -1:
                end = at + len(needle)
                if end == len(text) or text[end] not in _WORD_BYTES:
                    return True
                at = text.find(needle, end)
    return False


class Staging:
    """The ontology and data of one build in an in-memory store; the steps in build order."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.validated = False
        # Whether a literal was loaded under a datatype alias (keep_datatype): if none was,
        # there is nothing to restore, and the files for the bulk loader are written as is.
        self.aliased = False
        # Per graph, its lines with a blank node as N-Quads, once written for the bulk loader
        # by `_write_split`.
        self._shared: dict[ox.NamedNode, list[bytes]] = {}
        # Triples per graph, counted by `describe` once every step has written its graph.
        self._counts: dict[str, int] = {}
        # The evidence levels validation derived, as the inferred graph's quads (`validate`).
        self._levels: list[ox.Quad] | None = None

    @classmethod
    def load(cls, project: Project) -> Self:
        """Parse every ontology and data file into its graph; raises LoadError naming every
        file that does not parse (with its line), as kg.load.load_files does."""
        staging = cls()

        def alias(quad: ox.Quad) -> ox.Quad:
            kept = keep_datatype(quad)
            if kept is not quad:
                staging.aliased = True
            return kept

        def load(job: tuple[Path, ox.NamedNode]) -> list[SyntaxProblem]:
            try:
                # Integer-derived datatypes under validation's alias until validated.
                load_into(staging.store, *job, alias, _may_name_narrowed)
            except LoadError as exc:
                return exc.problems
            return []

        jobs = [*((path, ONTOLOGY) for path in project.ontology_files),
                *((path, DATA) for path in project.data_files)]
        # Two files at a time: the engine parses and adds a file without holding the GIL, and
        # each file is its own transaction (and its own blank nodes), so the order is free.
        with ThreadPoolExecutor(max_workers=2) as pool:
            problems = [p for found in pool.map(load, jobs) for p in found]  # in file order
        if problems:
            raise LoadError(problems)
        return staging

    def validate(self, shapes: Graph) -> ValidationReport:
        """The shapes over data and ontology (kg.validate.validate_in_store); afterwards the
        evidence levels it derived are dropped and the aliased datatypes restored, so neither
        reaches the checks, the rules or the stored data."""
        # Derives into the default graph (the evidence-level rule over data and ontology).
        unread = not any(True for _ in self.store.quads_for_pattern(None, None, None, INFERRED))
        report = validate_in_store(self.store, shapes)
        # The same rule over the same graphs as `infer` runs, unless a literal was aliased
        # (its numbers then read otherwise) or a graph besides them was read: kept for it.
        self._levels = ([ox.Quad(q.subject, q.predicate, q.object, INFERRED)
                         for q in self.store.quads_for_pattern(None, None, None,
                                                               ox.DefaultGraph())]
                        if unread and not self.aliased else None)
        self.store.clear_graph(ox.DefaultGraph())
        if self.aliased:
            restore_datatypes(self.store)
        self.validated = True
        return report

    def check_quality(self) -> QualityReport:
        """The SPARQL checks of kg/checks/ over data and ontology: cheaper before `infer`
        (and `describe`) add graphs to the store (kg.store.oxigraph.union_of)."""
        return run_checks_in(self.store, ASSERTED)

    def infer(self) -> int:
        """The rules of kg/rules/ into the inferred graph; returns the triples added. The
        evidence levels validation derived are added as they are rather than derived again
        (0.4 s of CPU at 1M)."""
        self._counts.clear()
        return infer_in(self.store, ASSERTED, INFERRED, None if self._levels is None
                        else {EVIDENCE_LEVEL_RULE: self._levels})

    def describe(self, shapes: Graph) -> Graph:
        """The VoID statistics (kg.void) of the graphs a build writes, counted by the engine
        over this store, canonical: the same queries over the same triples as over the written
        store, where the engine's on-disk indexes made them 4-5x slower at 1M triples. The
        shapes are staged first (outside ASSERTED, so no step before reads them)."""
        if not self.validated:
            raise RuntimeError("staged graphs are described only after validation")
        self.store.load(shapes.serialize(format="nt11", encoding="utf-8"),
                        format=ox.RdfFormat.N_TRIPLES, to_graph=SHAPES)
        # The default graph the written store queries: the union of the curated graphs. When
        # they are all this store holds (as after validation), the engine's union of every
        # graph is the same union, and cheaper than listing them (the same answers, 5.9 ->
        # 4.9 s of CPU at 1M).
        curated = OxigraphStore.over(self.store)
        only_curated = "use_default_graph_as_union" in union_of(
            self.store, [ox.NamedNode(graph) for graph in Graphs.ALL])
        # Each graph counted once, for the VoID and for the build's report (`count`): the
        # staged graphs no longer change (0.9 s of CPU at 1M counted twice).
        self._counts = {graph: triples_in(self.store, ox.NamedNode(graph))
                        for graph in Graphs.ALL}
        return void_statistics(curated, default_graphs=() if only_curated else Graphs.ALL,
                               sizes=self._counts)

    def count(self, graph: ox.NamedNode) -> int:
        if (known := self._counts.get(graph.value)) is not None:
            return known
        return triples_in(self.store, graph)

    def source(self, graph: ox.NamedNode, namespaces: Namespaces, *,
               loaded: bool = False) -> StagedGraph:
        """One staged graph, to write under the store's base (`loaded`: already loaded into
        the new folder by `load_unshared_into` and `load_shared_into`, only counted)."""
        if not self.validated:
            raise RuntimeError("staged graphs are written only after validation")
        return StagedGraph(self.store, graph, self.count(graph), namespaces, loaded)

    def write_unshared(self, graph: ox.NamedNode, out: Path) -> None:
        """The graph's triples that name no blank node, as N-Triples, each literal under the
        datatype its file gave it: a file for the bulk loader (kg.store.oxigraph.Replacement),
        which runs beside validation. That may be before validation ends: the datatypes are
        restored here whether or not `validate` has restored them yet (the query reads one
        snapshot of the store), and the folder loaded is used only once every report passed.
        The triples with blank nodes are left to `write_shared`: a loader names blank nodes
        afresh per file, and the inferred graph shares them with the data graph."""
        if not self.aliased:
            self._write_split(graph, out)
            return
        self.store.query(f"""
            CONSTRUCT {{ ?s ?p ?written }} WHERE {{
              GRAPH <{graph.value}> {{ ?s ?p ?o }} FILTER(!isBlank(?s) && !isBlank(?o))
              BIND(IF(isLiteral(?o) && STRSTARTS(STR(DATATYPE(?o)), "{ALIAS}"),
                      STRDT(STR(?o), IRI(STRAFTER(STR(DATATYPE(?o)), "{ALIAS}"))), ?o)
                   AS ?written) }}""").serialize(str(out), ox.RdfFormat.N_TRIPLES)

    def _write_split(self, graph: ox.NamedNode, out: Path) -> None:
        """`write_unshared` with nothing aliased: the graph as the engine's own writer dumps
        it (a third of the CPU of a CONSTRUCT that leaves out the blank nodes, at 1M), its
        lines split on "_:". A line without it names no blank node and goes to `out`; the
        others (every triple with a blank node, and any whose literal holds "_:", which
        loads the same in either file) are kept, as N-Quads in this graph, for
        `write_shared`: the graph does not change once loaded (nothing aliased to restore)."""
        dumped = out.with_suffix(".all.tmp")
        in_graph = f" <{graph.value}> .\n".encode()
        shared: list[bytes] = []
        try:
            self.store.dump(str(dumped), ox.RdfFormat.N_TRIPLES, from_graph=graph)
            with dumped.open("rb") as source, out.open("wb") as unshared:
                rest = b""
                while chunk := source.read(1 << 22):
                    text = rest + chunk
                    end = text.rfind(b"\n") + 1
                    text, rest = text[:end], text[end:]  # rest: a line the next chunk ends
                    # From one "_:" to the next, not line by line: a quarter of the lines at
                    # 1M hold one, and the runs between them are written as they are (0.6
                    # instead of 1.2 s of Python for the data graph).
                    done, at, blank = 0, text.find(b"_:"), []
                    while at != -1:
                        start, stop = text.rfind(b"\n", 0, at) + 1, text.find(b"\n", at) + 1
                        unshared.write(text[done:start])
                        # "s p o ." -> "s p o <graph> ."
                        blank.append(text[start:stop].rstrip()[:-1].rstrip() + in_graph)
                        done, at = stop, text.find(b"_:", stop)
                    unshared.write(text[done:])
                    shared.append(b"".join(blank))
                if rest.strip():
                    raise ValueError(f"the engine's dump of {graph.value} ends mid-line")
        finally:
            dumped.unlink(missing_ok=True)
        self._shared[graph] = shared

    def write_shared(self, graphs: Iterable[ox.NamedNode], out: Path) -> None:
        """The graphs' triples that name a blank node, as N-Quads in one file: loaded in one
        call, the nodes two graphs share (the data graph's and the inferred graph's) stay one
        node each. Only after validation (written as stored, nothing aliased)."""
        if not self.validated:
            raise RuntimeError("staged graphs are written only after validation")
        graphs = list(graphs)
        if all(graph in self._shared for graph in graphs):
            with out.open("wb") as written:
                for graph in graphs:
                    written.writelines(self._shared[graph])
            return
        ox.serialize((q for graph in graphs
                      for q in self.store.quads_for_pattern(None, None, None, graph)
                      if isinstance(q.subject, ox.BlankNode)
                      or isinstance(q.object, ox.BlankNode)), str(out), ox.RdfFormat.N_QUADS)

    def load_shared_into(self, fresh: Replacement, graphs: Iterable[ox.NamedNode]) -> None:
        """The graphs' triples with blank nodes (`write_shared`), bulk-loaded into a new store
        folder in one call."""
        fresh.load_written(lambda out: self.write_shared(graphs, out), ox.RdfFormat.N_QUADS,
                           None)

    def load_unshared_into(self, fresh: Replacement, graphs: Iterable[ox.NamedNode]) -> None:
        """The graphs' triples without blank nodes (`write_unshared`), bulk-loaded into a new
        store folder; canonical IRIs, as staged."""
        for graph in graphs:
            fresh.load_written(lambda out, graph=graph: self.write_unshared(graph, out),
                               ox.RdfFormat.N_TRIPLES, graph)

    def graph(self, graph: ox.NamedNode, namespaces: Namespaces) -> Graph:
        """One staged graph as an rdflib graph under the store's base: for stores that are
        not pyoxigraph (SPARQL endpoints), which take rdflib graphs."""
        rdflib_graph = new_graph()
        rdflib_graph.addN((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object),
                           rdflib_graph) for q in self.store.quads_for_pattern(None, None, None,
                                                                                 graph))
        return namespaces.rebase_graph(rdflib_graph)


class StagedGraph(GraphSource):
    """A graph of the staging store, written quad by quad into the target (each quad rebased
    on the way under another base).

    Quads, not N-Triples: pyoxigraph's loaders give every blank node of each load call a fresh
    name, so writing the graphs as text one by one cut the blank nodes the inferred graph
    shares with the data graph (a mechanism statement and its inferred types) into two nodes
    each; quads keep them one node (in about the same CPU time: the bulk loader's own work
    dominates either way).
    """

    def __init__(self, store: ox.Store, graph: ox.NamedNode, triples: int,
                 namespaces: Namespaces, loaded: bool = False):
        self.store, self.graph, self.triples, self.namespaces = store, graph, triples, namespaces
        self.loaded = loaded  # in the target already (kg.staging.Staging.source): counted only

    def write(self, store: ox.Store, graph: ox.NamedNode, *, bulk: bool) -> None:
        if self.loaded:
            return
        quads: Iterable[ox.Quad] = self.store.quads_for_pattern(None, None, None, self.graph)
        if not self.namespaces.canonical:
            quads = _rebased(quads, self.namespaces, graph)
        elif graph != self.graph:
            quads = (ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
        (store.bulk_extend if bulk else store.extend)(quads)


def _rebased(quads: Iterable[ox.Quad], namespaces: Namespaces,
             graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """The quads under the store's base, in `graph`: kg.namespaces.Namespaces.rebase_term for
    pyoxigraph terms (terms repeat, so each is rebased once)."""
    done: dict[object, object] = {}

    def term(t: object) -> object:
        if (found := done.get(t)) is None:
            found = done[t] = _rebase_term(t, namespaces)
        return found

    for q in quads:
        yield ox.Quad(term(q.subject), term(q.predicate), term(q.object), graph)  # type: ignore[arg-type]


def _rebase_term(t: object, namespaces: Namespaces) -> object:
    if isinstance(t, ox.NamedNode):
        return ox.NamedNode(namespaces.rebase(t.value)) if CANONICAL_BASE in t.value else t
    if isinstance(t, ox.Literal) and (CANONICAL_BASE in t.value
                                      or CANONICAL_BASE in t.datatype.value):
        if t.language:
            return ox.Literal(namespaces.rebase(t.value), language=t.language)
        return ox.Literal(namespaces.rebase(t.value),
                          datatype=ox.NamedNode(namespaces.rebase(t.datatype.value)))
    return t
