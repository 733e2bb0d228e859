"""SHACL validation with pySHACL, and a report a curator can read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.inference import derive_evidence_levels, derive_evidence_levels_in
from kg.namespaces import SH
from kg.results import short_form
from kg.shacl_sparql import compile_shapes, load_for_validation, run_compiled
from kg.store.oxigraph import to_rdflib

Engine = TypingLiteral["oxigraph", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("oxigraph", "pyshacl")


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node broke which constraint of which shape, and why."""

    focus: Node
    shape: Node
    component: Node
    severity: str
    message: str
    path: Node | None = None
    value: Node | None = None
    focus_context: str = ""  # for a blank focus node: the triple that holds it

    def describe_focus(self) -> str:
        return self.focus_context or short_form(self.focus)


@dataclass
class ValidationReport:
    """Every result of one validation run; `conforms` ignores warnings and infos."""

    results: list[Violation] = field(default_factory=list)

    @property
    def violations(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def text(self) -> str:
        """Grouped by shape, then focus node: what a curator needs to fix the data."""
        if not self.results:
            return "0 violations."
        by_shape: dict[str, dict[str, list[Violation]]] = defaultdict(lambda: defaultdict(list))
        for r in self.results:
            by_shape[_shape_name(r)][r.describe_focus()].append(r)
        lines = [f"{len(self.violations)} violation(s), "
                 f"{len(self.results) - len(self.violations)} warning(s)."]
        for shape in sorted(by_shape):
            lines.append(f"\n{shape}")
            for focus in sorted(by_shape[shape]):
                lines.append(f"  {focus}")
                for r in by_shape[shape][focus]:
                    component = short_form(r.component).replace("sh:", "")
                    value = f" (value: {short_form(r.value)})" if r.value is not None else ""
                    lines.append(f"    - {r.severity}: {r.message}{value} [{component}]")
        return "\n".join(lines)


def _shape_name(r: Violation) -> str:
    name = short_form(r.shape)
    return name if not isinstance(r.shape, BNode) else "anonymous shape"


def validate(data: Graph, shapes: Graph, ontology: Graph,
             engine: Engine = "oxigraph") -> ValidationReport:
    """Validate `data` against `shapes`, with the ontology's class hierarchy in view.

    The derived evidence levels (kg/rules/evidence-level.rq) are added first, so the shapes can
    hold each claim's stored level to the derivation. `engine` "oxigraph" runs the shapes as
    SPARQL inside pyoxigraph (kg.shacl_sparql); "pyshacl" runs pySHACL, which gives the same
    results (tests/test_validate_engine.py) but took over 600 s at 1.5M triples.
    """
    if engine == "oxigraph":
        store = ox.Store()
        for graph in (ontology, data):
            load_for_validation(store, graph.serialize(format="nt11", encoding="utf-8"))
        return validate_in_store(store, shapes)
    if engine != "pyshacl":
        raise ValueError(f"unknown validation engine {engine!r}: one of {', '.join(ENGINES)}")
    derived = derive_evidence_levels(ontology, data)
    if len(derived):
        data = data + derived
    _conforms, results_graph, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    report = ValidationReport()
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        focus = results_graph.value(result, SH.focusNode)
        severity = results_graph.value(result, SH.resultSeverity)
        messages = [str(m) for m in results_graph.objects(result, SH.resultMessage)]
        report.results.append(
            Violation(
                focus=focus,
                shape=results_graph.value(result, SH.sourceShape),
                component=results_graph.value(result, SH.sourceConstraintComponent),
                severity=short_form(severity).removeprefix("sh:"),
                message="; ".join(sorted(messages)) or "constraint not met",
                path=results_graph.value(result, SH.resultPath),
                value=results_graph.value(result, SH.value),
                focus_context=_context(data, focus),
            )
        )
    _sort(report)
    return report


def validate_in_store(store: ox.Store, shapes: Graph) -> ValidationReport:
    """Validate the union of the store's graphs (data and ontology) inside the engine.

    The evidence-level rule runs first, in the engine, adding its triples to the store's
    default graph; then each compiled constraint is one SELECT (kg.shacl_sparql).
    """
    derive_evidence_levels_in(store)
    report = ValidationReport()
    for r in set(run_compiled(store, compile_shapes(shapes))):
        report.results.append(Violation(
            focus=r.focus, shape=r.shape, component=r.component, severity=r.severity,
            message=r.message, path=r.path, value=r.value,
            focus_context=_context_in(store, r.focus)))
    _sort(report)
    return report


def _sort(report: ValidationReport) -> None:
    # Ties broken by component and value too, so the same data always reads the same.
    report.results.sort(key=lambda r: (str(r.shape), str(r.focus), r.message, str(r.component),
                                       str(r.value)))


def _context_in(store: ox.Store, focus: Node) -> str:
    if not isinstance(focus, BNode):
        return ""
    for quad in store.quads_for_pattern(None, None, ox.BlankNode(str(focus))):
        holder, predicate = to_rdflib(quad.subject), to_rdflib(quad.predicate)
        return f"{short_form(holder)} {short_form(predicate)} [...]"
    return "a blank node"


def _context(data: Graph, focus: Node) -> str:
    # Blank nodes have no name a curator could search for: name the node that holds them.
    if not isinstance(focus, BNode):
        return ""
    for subject, predicate in data.subject_predicates(focus):
        return f"{short_form(subject)} {short_form(predicate)} [...]"
    return "a blank node"
