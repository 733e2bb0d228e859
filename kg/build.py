"""Turtle files -> validated, inferred named graphs in a store; all or nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rdflib import Graph

from kg.inference import infer
from kg.load import load_files
from kg.namespaces import Graphs
from kg.project import Project
from kg.quality import QualityReport, run_checks
from kg.store import Store
from kg.validate import ValidationReport, validate

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
          progress: Progress = _quiet) -> ValidationReport:
    """Validate the data against the shapes and the ontology."""
    timings = {} if timings is None else timings
    with _timed(timings, "validate", progress):
        return validate(sources.data, sources.shapes, sources.ontology)


def check_quality(sources: Sources, timings: dict[str, float] | None = None,
                  progress: Progress = _quiet) -> QualityReport:
    """Run the SPARQL quality checks of kg/checks/ (after the shapes)."""
    timings = {} if timings is None else timings
    with _timed(timings, "checks", progress):
        return run_checks(sources.data, sources.ontology)


def build(project: Project, store: Store, progress: Progress = _quiet) -> BuildResult:
    """Load, validate, check, infer and store. On any error the store keeps its old graphs."""
    result = BuildResult()
    sources = load_project(project, result.timings, progress)
    result.report = check(sources, result.timings, progress)
    if not result.report.conforms:
        raise ValidationFailed(result.report)
    result.quality = check_quality(sources, result.timings, progress)
    if not result.quality.conforms:
        raise ValidationFailed(result.quality)
    with _timed(result.timings, "infer", progress):
        inferred = infer(sources.ontology, sources.data)
    graphs = {
        Graphs.ONTOLOGY: sources.ontology,
        Graphs.SHAPES: sources.shapes,
        Graphs.DATA: sources.data,
        Graphs.INFERRED: inferred,
    }
    with _timed(result.timings, "store", progress):
        store.replace_graphs(graphs)
    result.triples = {name: len(graph) for name, graph in graphs.items()}
    return result
