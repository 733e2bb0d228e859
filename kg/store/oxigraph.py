"""The embedded default backend: pyoxigraph, on disk or in memory."""

from __future__ import annotations

import ctypes
import os
import shutil
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.formats import RdfSyntax
from kg.results import QueryResult
from kg.sparql_text import form_after_prologue
from kg.store.base import QuerySyntaxError, Store, StoreError

STAGING_SUFFIX = "/staging"
# Graphs this many times smaller than the store (the build's VoID, written after the data) go
# in one transaction: a fresh folder would copy the whole store to add them.
SMALL_BESIDE = 20


def to_rdflib(term: object) -> Node | None:
    """Convert a pyoxigraph term to its rdflib equal."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        # rdflib parses a plain "x" as an untyped literal; keep it so graphs compare equal.
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def triples_in(store: ox.Store, graph: ox.NamedNode) -> int:
    """How many triples a graph of a pyoxigraph store holds, counted by the engine (a third of
    the time of iterating them from Python)."""
    (solution,) = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    return int(solution[0].value)  # type: ignore[union-attr]


def union_of(store: ox.Store, graphs: Collection[ox.NamedNode]) -> dict[str, object]:
    """The query option that makes the default graph the union of `graphs`: the engine's
    union of every named graph when those are all the store holds (and its default graph is
    empty), which gives the same rows and is cheaper than a list of graphs (the build's
    checks at 1M: 2.6 -> 2.1 s of CPU; its statistics: 5.9 -> 4.9 s); else the list."""
    if ({*store.named_graphs()} == set(graphs)
            and not any(True for _ in store.quads_for_pattern(None, None, None,
                                                              ox.DefaultGraph()))):
        return {"use_default_graph_as_union": True}
    return {"default_graph": list(graphs)}


class GraphSource(ABC):
    """The triples of one graph to write into a pyoxigraph store, and how many there are."""

    triples: int

    @abstractmethod
    def write(self, store: ox.Store, graph: ox.NamedNode, *, bulk: bool) -> None:
        """Add the triples to `graph` of `store` (by the bulk loader when `bulk`)."""


class RdflibGraph(GraphSource):
    """An rdflib graph, written as N-Triples."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.triples = len(graph)

    def write(self, store: ox.Store, graph: ox.NamedNode, *, bulk: bool) -> None:
        load = store.bulk_load if bulk else store.load
        load(self.graph.serialize(format="nt11", encoding="utf-8"),
             format=ox.RdfFormat.N_TRIPLES, to_graph=graph)


class OxigraphStore(Store):
    """pyoxigraph's Store: RocksDB on disk when given a path, else in memory (for tests)."""

    def __init__(self, path: str | Path | None, *, read_only: bool = False):
        self.path = Path(path) if path else None
        self.read_only = read_only
        self._dataset: dict[str, object] | None = None  # _default_dataset, until a write
        try:
            if self.path and read_only:
                # Readers do not take the writer's lock, so queries run beside a server.
                self._store = ox.Store.read_only(str(self.path))
            elif self.path:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
            else:
                self._store = ox.Store()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc

    @classmethod
    def over(cls, store: ox.Store) -> OxigraphStore:
        """This interface over a pyoxigraph store someone else holds (the build's staging
        store, so the queries that describe a store can run on it before it is written)."""
        view = cls(None)  # every attribute a store has, then the store itself
        view._store = store
        return view

    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        self.replace_graphs_from({name: RdflibGraph(graph) for name, graph in graphs.items()})

    def replace_graphs_from(self, graphs: Mapping[str, GraphSource],
                            into: Replacement | None = None) -> None:
        """Replace each named graph with what its source writes, all at once: the build hands
        over the graphs of its staging store this way, with no rdflib graph in between.
        `into`: a new folder (`replacement`) that already holds part of these graphs; the
        sources add the rest, and it is swapped in."""
        self._dataset = None
        written = sum(source.triples for source in graphs.values())
        if into is not None or (self.path and not self.read_only
                                and written * SMALL_BESIDE >= len(self._store)):
            self._replace_by_swap(graphs, into)
            return
        # Load into staging graphs first; one update then moves them all, and oxigraph
        # applies an update in a single transaction, so readers never see a half-built store.
        for name, source in graphs.items():
            staging = ox.NamedNode(name + STAGING_SUFFIX)
            if self._store.contains_named_graph(staging):
                self._store.remove_graph(staging)
            source.write(self._store, staging, bulk=False)
        moves = " ;\n".join(
            f"DROP SILENT GRAPH <{name}> ; MOVE SILENT GRAPH <{name}{STAGING_SUFFIX}> TO <{name}>"
            for name in graphs
        )
        self._store.update(moves)
        self._dataset = None
        if self.path:
            self._store.flush()

    def _replace_by_swap(self, graphs: Mapping[str, GraphSource],
                         fresh: Replacement | None = None) -> None:
        """Bulk-load a fresh store folder beside this one, then swap the two folders.

        Replacing graphs inside one store (load into staging graphs, then DROP and MOVE in one
        transaction) took 54 % of a 1M-triple build and 9 GB, because a transaction holds every
        change in memory; the bulk loader writes sorted files directly. See `swap_in`.
        """
        fresh = fresh or self.replacement()
        try:
            for name, source in graphs.items():
                source.write(fresh.store, ox.NamedNode(name), bulk=True)
        except BaseException:
            fresh.discard()
            raise
        self.swap_in(fresh, graphs)

    def replacement(self) -> Replacement:
        """An empty store folder beside this on-disk store, to fill and then `swap_in`."""
        if self.path is None or self.read_only:
            raise StoreError("only a writable on-disk store is replaced by a new folder")
        return Replacement(self.path)

    def swap_in(self, fresh: Replacement, replaced: Collection[str]) -> None:
        """Make `fresh` this store: the graphs `replaced` names are what `fresh` holds, every
        other graph (and the default graph) is copied over from this store first.

        The swap is one atomic renameat2(RENAME_EXCHANGE) on Linux, so a build killed at any
        point leaves either the old store or the new one in place, never a half-loaded store.
        Servers that opened the old folder read-only keep reading it until they reopen, as they
        did before (a read-only store does not see later writes). On any error `fresh` is
        thrown away and this store keeps its graphs.
        """
        assert self.path is not None
        self._dataset = None
        try:
            kept = [g for g in self._store.named_graphs()
                    if not (isinstance(g, ox.NamedNode) and (
                        g.value in replaced or g.value.endswith(STAGING_SUFFIX)))]
            for graph_name in [*kept, ox.DefaultGraph()]:
                fresh.store.bulk_extend(self._store.quads_for_pattern(None, None, None,
                                                                      graph_name))
            for graph_name in kept:
                fresh.store.add_graph(graph_name)  # empty graphs too
            fresh.close()
            self._store.flush()
            del self._store
            exchange_folders(fresh.path, self.path)
        except BaseException:
            if not hasattr(self, "_store"):
                self._store = ox.Store(str(self.path))
            fresh.discard()
            raise
        self._store = ox.Store(str(self.path))
        self._dataset = None  # a query meanwhile may have listed the old store's graphs
        fresh.discard()  # now the old store

    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        base_iri: str | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        # pyoxigraph has no query time limit, so `timeout` is not honoured (stops_queries).
        answer = self.evaluate(sparql, default_graph_uris=default_graph_uris,
                               named_graph_uris=named_graph_uris, base_iri=base_iri)
        return _to_result(answer, self.namespaces.PREFIXES, max_rows)

    def evaluate(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples:
        """The engine's own lazy answer, for callers that write it with the engine's own
        serialisers (kg.engine_answers) instead of converting it to rdflib terms."""
        options: dict[str, object] = {}
        if base_iri:
            options["base_iri"] = base_iri
        if default_graph_uris:
            options["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
        else:
            options.update(self._default_dataset())
        if named_graph_uris:
            options["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
        try:
            return self._store.query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def _default_dataset(self) -> dict[str, object]:
        """The default graph when a query names none: the union of the curated graphs (the
        graphs APART are asked for by name, never merged in). Listing the graphs took a
        third of an `ASK {}`; it is kept until this store writes (every write goes through
        `update`, `bulk_load` or `replace_graphs_from`, which forget it)."""
        if self._dataset is None:
            apart = {ox.NamedNode(name) for name in self.namespaces.graphs.APART}
            if any(self._store.contains_named_graph(g) for g in apart):
                self._dataset = {"default_graph": [g for g in self._store.named_graphs()
                                                   if g not in apart]}
            else:
                self._dataset = {"use_default_graph_as_union": True}
        return self._dataset

    def update(self, sparql_update: str) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.path} was opened read-only")
        self._dataset = None
        try:
            self._store.update(sparql_update)  # one transaction: all of it or nothing
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def bulk_load(self, data: bytes, syntax: RdfSyntax) -> None:
        """Add a dump as it is, graphs and all, unvalidated: for copies of a built store."""
        self._dataset = None
        self._store.bulk_load(data, format=syntax.oxigraph)

    def dump(self, out: BinaryIO, syntax: RdfSyntax, graph: str | None = None) -> None:
        if syntax.quads and graph is None:
            self._store.dump(out, syntax.oxigraph, prefixes=self._prefixes(syntax))
            return
        if graph is not None:
            self._store.dump(out, syntax.oxigraph, from_graph=ox.NamedNode(graph),
                             prefixes=self._prefixes(syntax))
            return
        # A triple syntax of the whole dataset: the union of the graphs, streamed.
        triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                    **self._default_dataset())  # type: ignore[arg-type]
        ox.serialize(triples, out, syntax.oxigraph, prefixes=self._prefixes(syntax))

    def _prefixes(self, syntax: RdfSyntax) -> dict[str, str] | None:
        return dict(self.namespaces.PREFIXES) if syntax.name in ("turtle", "trig") else None

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def close(self) -> None:
        if self.path and not self.read_only:
            self._store.flush()
        del self._store


class Replacement:
    """A new store folder beside an on-disk store, filled by the bulk loader, possibly in
    steps and from another thread, then made the store by `OxigraphStore.swap_in` or thrown
    away by `discard` (which also removes the files written for it)."""

    def __init__(self, target: Path):
        self.path = target.with_name(f".{target.name}.new-{os.getpid()}")
        # What builds killed before they could clean up left (their process is gone).
        for left in target.parent.glob(f".{target.name}.new-*"):
            pid = left.name.removeprefix(f".{target.name}.new-").split(".", 1)[0]
            if pid.isdigit() and (int(pid) == os.getpid() or not _running(int(pid))):
                if left.is_dir():
                    shutil.rmtree(left, ignore_errors=True)
                else:
                    left.unlink(missing_ok=True)
        self._store: ox.Store | None = ox.Store(str(self.path))

    @property
    def store(self) -> ox.Store:
        """The new folder's store, until `close` or `discard`."""
        if self._store is None:
            raise StoreError(f"the new store folder {self.path} is closed")
        return self._store

    def load_written(self, write: Callable[[Path], None], syntax: ox.RdfFormat,
                     graph: ox.NamedNode | None) -> None:
        """`write` a file beside the folder, then bulk-load it into `graph` (None: a quad
        syntax, each quad into its own graph). Loading from a file
        is the engine's bulk loader that does not hold the GIL (quads handed over from Python
        hold it throughout), so queries on other threads run meanwhile. Blank nodes get fresh
        names per file, so a file holds none that another load shares."""
        scratch = self._scratch()
        try:
            write(scratch)
            self.store.bulk_load(path=str(scratch), format=syntax, to_graph=graph)
        finally:
            scratch.unlink(missing_ok=True)

    def close(self) -> None:
        if self._store is not None:
            self._store.flush()
            self._store = None  # the engine closes the folder with its last reference

    def discard(self) -> None:
        self._store = None
        shutil.rmtree(self.path, ignore_errors=True)
        for scratch in self.path.parent.glob(f"{self.path.name}.*.tmp"):
            scratch.unlink(missing_ok=True)

    def _scratch(self) -> Path:
        return self.path.with_name(f"{self.path.name}.{threading.get_ident()}.tmp")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def exchange_folders(first: Path, second: Path) -> None:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE), else by two renames."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    at_fdcwd, rename_exchange = -100, 2
    if renameat2 is not None and renameat2(at_fdcwd, bytes(first), at_fdcwd, bytes(second),
                                           rename_exchange) == 0:
        return
    # No renameat2 (another OS, an old libc, a file system without it): the old folder is
    # moved aside first, so a crash between the renames leaves both folders on disk.
    aside = second.with_name(f".{second.name}.old-{os.getpid()}")
    os.rename(second, aside)
    os.rename(first, second)
    os.rename(aside, first)


def _to_result(answer: object, prefixes: dict[str, str],
               max_rows: int | None = None) -> QueryResult:
    # Answers are lazy: reading no further than the caller will show saves converting (and, for
    # a whole-graph CONSTRUCT, evaluating) rows that would be cut anyway.
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(to_rdflib(solution[v]) for v in variables)
                for solution in islice(answer, max_rows)]
        return QueryResult("SELECT", variables=variables, rows=rows)
    graph = Graph()
    for prefix, ns in prefixes.items():
        graph.bind(prefix, ns)
    for triple in islice(answer, max_rows):  # type: ignore[call-overload]
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                   to_rdflib(triple.object)))
    return QueryResult("CONSTRUCT", graph=graph)


def check_syntax(sparql: str, base_iri: str | None = None) -> str | None:
    """Parse with the embedded store's parser, evaluating nothing: the same messages on every
    backend, engines that only ever see standard SPARQL 1.1, canned questions the build knows
    the engine can run. Returns the query form read after the prologue (None if
    it could not tell: SPARQLWrapper then guesses).

    Nothing is evaluated: pyoxigraph parses the query before it checks its arguments, and two
    that may not go together make it stop there. Run on an empty store, an ASK, an ORDER BY or
    an aggregate was evaluated here in full, with no time limit: three VALUES of 300 numbers
    took 6 s, and each more one multiplies it by 300.
    """
    try:
        ox.Store().query(sparql, base_iri=base_iri, use_default_graph_as_union=True,
                         default_graph=_PARSED_ONLY)
    except SyntaxError as exc:
        raise QuerySyntaxError(str(exc)) from exc
    except ValueError:
        return form_after_prologue(sparql)  # parsed; refused the arguments, as meant
    raise StoreError("pyoxigraph evaluated a query it was meant only to parse")


_PARSED_ONLY = ox.NamedNode("urn:x-remedy-kg:parse-only")
