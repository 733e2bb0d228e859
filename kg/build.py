"""Turtle files -> validated, inferred named graphs in a store; all or nothing."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.examples import examples_graph
from kg.load import load_files
from kg.namespaces import CANONICAL, Namespaces, namespaces
from kg.project import Project
from kg.quality import QualityReport, run_checks
from kg.queries import sparql_files
from kg.staging import ASSERTED, DATA, INFERRED, ONTOLOGY, STAGED, Staging
from kg.store import OxigraphStore, Store
from kg.store.oxigraph import GraphSource, RdflibGraph, Replacement
from kg.validate import Engine, ValidationReport, validate
from kg.void import void_statistics

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class Sources:
    """The project's files, parsed."""

    ontology: Graph
    shapes: Graph
    data: Graph


@dataclass
class BuildResult:
    """What a build wrote and how long each step took (seconds)."""

    triples: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    report: ValidationReport = field(default_factory=ValidationReport)
    quality: QualityReport = field(default_factory=QualityReport)
    unchanged: bool = False  # the store already held a build of these very inputs


class ValidationFailed(Exception):
    """The data breaks the shapes or a violation-level quality check; nothing was written."""

    def __init__(self, report: ValidationReport | QualityReport):
        super().__init__(report.text())
        self.report = report


@contextmanager
def _timed(timings: dict[str, float], step: str, progress: Progress) -> Iterator[None]:
    progress(f"{step}...")
    start = time.perf_counter()
    yield
    timings[step] = time.perf_counter() - start


def load_project(project: Project, timings: dict[str, float] | None = None,
                 progress: Progress = _quiet) -> Sources:
    """Parse ontology, shapes and data; raises LoadError naming file and line."""
    timings = {} if timings is None else timings
    with _timed(timings, "load", progress):
        return Sources(
            ontology=load_files(project.ontology_files),
            shapes=load_files(project.shapes_files),
            data=load_files(project.data_files),
        )


def check(sources: Sources, timings: dict[str, float] | None = None,
          progress: Progress = _quiet, engine: Engine = "oxigraph") -> ValidationReport:
    """Validate the data against the shapes and the ontology (in the engine by default)."""
    timings = {} if timings is None else timings
    with _timed(timings, "validate", progress):
        return validate(sources.data, sources.shapes, sources.ontology, engine)


def check_quality(sources: Sources, timings: dict[str, float] | None = None,
                  progress: Progress = _quiet) -> QualityReport:
    """Run the SPARQL quality checks of kg/checks/ (after the shapes)."""
    timings = {} if timings is None else timings
    with _timed(timings, "checks", progress):
        return run_checks(sources.data, sources.ontology)


# Staged triples from which the new store folder is loaded beside validation: each load from a
# file has a fixed cost (the shipped data's build took 3.1 s with it, 1.8 s without, median of 3).
LOAD_BESIDE_FROM = 200_000
# The file in an embedded store's folder that records the inputs of the build it holds.
STAMP = "kg-build-inputs"
# The code that turns the files into graphs: a change to it changes what a build writes.
BUILD_CODE = ("build", "staging", "load", "validate", "shacl_sparql", "inference", "quality",
              "namespaces", "examples", "void", "store/oxigraph")


def inputs_fingerprint(project: Project, namespaces: Namespaces = CANONICAL) -> str:
    """A hash of everything a build reads: the project's files, the rules and checks, the
    code that applies them and the base IRI it writes under. Equal fingerprints give equal
    stores."""
    digest = hashlib.sha256(f"{namespaces.base}\0".encode())
    files = [*project.ontology_files, *project.shapes_files, *project.data_files]
    for path in files:
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    for folder in ("rules", "checks", "queries", "statistics"):
        for name, text in sparql_files(folder).items():
            digest.update(f"{folder}/{name}\0{text}\0".encode())
    code = Path(__file__).parent
    for module in BUILD_CODE:
        digest.update((code / f"{module}.py").read_bytes())
    return digest.hexdigest()


def _stamp(store: Store) -> Path | None:
    if isinstance(store, OxigraphStore) and store.path is not None:
        return store.path / STAMP
    return None


def build(project: Project, store: Store, progress: Progress = _quiet,
          force: bool = False) -> BuildResult:
    """Load, validate, check, infer and store. On any error the store keeps its old graphs.

    An embedded store that already holds a build of the same inputs (files, rules, checks
    and build code, by hash) is left as it is unless `force`: the check costs a hash of the
    files, not a build.
    """
    result = BuildResult()
    names = store.namespaces.graphs
    descriptions = (names.EXAMPLES, names.VOID)  # what the build says of the dataset
    stamp = _stamp(store)
    fingerprint = inputs_fingerprint(project, store.namespaces) if stamp else ""
    if (stamp and not force and stamp.exists() and stamp.read_text() == fingerprint
            and all(g in store.graph_names() for g in (*names.ALL, *descriptions))):
        result.unchanged = True
        result.triples = {name: store.count(name) for name in (*names.ALL, *descriptions)}
        return result
    with _timed(result.timings, "load", progress):
        staging = Staging.load(project)
        shapes = load_files(project.shapes_files)
    # Everything below works on the files as written (canonical base); the store gets the
    # deployed base, and a build under another base empties the graphs of the one before.
    ns = store.namespaces
    rebase = ns.rebase_graph
    embedded = isinstance(store, OxigraphStore)
    # An on-disk store under the canonical base gets a new folder, swapped in at the end: the
    # bulk loader fills it with the data and ontology graphs' triples without blank nodes on a
    # thread while validation runs (it does not change them), then with the inferred graph's
    # and every triple with a blank node beside describe and the checks; it reads files, so
    # it does not hold the GIL. The folder is thrown away if any report fails.
    fresh = (store.replacement() if isinstance(store, OxigraphStore) and store.path
             and not store.read_only and ns.canonical
             and len(staging.store) >= LOAD_BESIDE_FROM else None)
    try:
        void = _validate_check_infer(staging, shapes, fresh, result, progress,
                                     rebase if embedded else None)
        staged = {names.ONTOLOGY: ONTOLOGY, names.DATA: DATA, names.INFERRED: INFERRED}
        small = {
            names.SHAPES: rebase(shapes),
            names.EXAMPLES: rebase(examples_graph()),
            names.VOID: void,
            **_graphs_of_another_base(store),
        }
        with _timed(result.timings, "store", progress):
            if stamp:
                stamp.unlink(missing_ok=True)
            if embedded:
                # The staged graphs are in `fresh` already when there is one.
                sources: dict[str, GraphSource] = {
                    **{name: staging.source(graph, ns, loaded=fresh is not None)
                       for name, graph in staged.items()},
                    **{name: RdflibGraph(graph) for name, graph in small.items()}}
                store.replace_graphs_from(sources, into=fresh)
                counts = {name: source.triples for name, source in sources.items()}
            else:
                # Endpoints take rdflib graphs (SPARQL Graph Store requests): slower at scale.
                graphs = {**{name: staging.graph(graph, ns) for name, graph in staged.items()},
                          **small}
                store.replace_graphs(graphs)
                counts = {name: len(graph) for name, graph in graphs.items()}
    except BaseException:
        if fresh is not None:
            fresh.discard()
        raise
    result.triples = {name: counts[name] for name in (*names.ALL, names.EXAMPLES)}
    if not embedded:
        with _timed(result.timings, "describe", progress):
            # Counted by the engine over what it now holds, then written beside it.
            void = void_statistics(store)
            store.replace_graphs({names.VOID: void})
    if stamp:
        # Last, so a build stopped before here is redone in full by the next one.
        stamp.write_text(fingerprint)
    result.triples[names.VOID] = len(void)
    return result


def _validate_check_infer(staging: Staging, shapes: Graph, fresh: Replacement | None,
                          result: BuildResult, progress: Progress,
                          rebase: Callable[[Graph], Graph] | None) -> Graph:
    """Validate, then check, infer and describe: the build's reports, and its VoID statistics
    under the store's base (`rebase`), or an empty graph without one (a remote store's are
    counted there after the write). Raises ValidationFailed on either report; until then
    `fresh` is being loaded on a thread."""
    void = Graph()
    # A thread: the loader of `fresh`, beside validation, the checks and the rules. The checks
    # run before the rules, not beside them: while the store holds only the data and ontology
    # they read the engine's union of its graphs (kg.store.oxigraph.union_of: 2.6 -> 2.1 s of
    # CPU at 1M), and side by side the two contended for the store (0.3 s more CPU than one
    # after the other); the loader keeps the second core busy meanwhile. Leaving this block
    # waits for the loader, so a failed build removes `fresh` only once its loader stopped.
    with ThreadPoolExecutor(max_workers=2) as pool:
        loaded = pool.submit(staging.load_unshared_into, fresh, ASSERTED) if fresh else None
        with _timed(result.timings, "validate", progress):
            result.report = staging.validate(shapes)
        if not result.report.conforms:
            raise ValidationFailed(result.report)
        with _timed(result.timings, "checks", progress):
            result.quality = staging.check_quality()
        if not result.quality.conforms:
            raise ValidationFailed(result.quality)
        with _timed(result.timings, "infer", progress):
            staging.infer()
        if fresh is not None and loaded is not None:
            # The inferred graph's triples too, once the loader is done with the others (one
            # loader at a time into one folder), then every triple with a blank node, beside
            # describe.
            first = loaded
            loaded = pool.submit(lambda: (first.result(),
                                          staging.load_unshared_into(fresh, (INFERRED,)),
                                          staging.load_shared_into(fresh, STAGED)))
        if rebase is not None:
            with _timed(result.timings, "describe", progress):
                void = rebase(staging.describe(shapes))
        if loaded is not None:
            loaded.result()
    return void


def _graphs_of_another_base(store: Store) -> dict[str, Graph]:
    """Empty graphs in place of the curated graphs a build under another base left."""
    built = store.built_base()
    if built is None or built == store.namespaces.base:
        return {}
    old = namespaces(built).graphs
    return {name: Graph() for name in old.ALL if name in store.graph_names()}
