"""Check a proposed data change against the shipped graph: the shapes and the quality checks.

A contributor's change (Turtle or JSON-LD) is validated together with the build's ontology,
shapes and data, so references to existing entities resolve. The report keeps apart what the
change causes from what was already there:

the shapes and the quality checks run over everything with the change, and their results are
compared with those on the shipped data alone (computed once per checker): a result found only
with the change is the change's; one found in both was already there; one found only without
it is fixed by the change.

pySHACL's own focus-node option is not used: it also filters the value nodes that nested
shapes (sh:node, sh:or) and blank-node targets reach, so it passes data the full run fails.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from kg.build import Sources
from kg.load import UNEXPORTABLE, new_graph
from kg.quality import Finding, QualityReport, run_checks
from kg.results import short_form
from kg.store.oxigraph import to_rdflib
from kg.validate import ValidationReport, Violation, validate

SYNTAXES = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}
# Relative IRIs in an upload resolve against this, so they are plainly not ours.
UPLOAD_BASE = "urn:remedy-kg:upload:"


class ChangeInputError(ValueError):
    """The upload cannot be checked: bad syntax (with its line), a remote context, no triples."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line


def parse_change(data: bytes, syntax: str) -> Graph:
    """The upload as a graph; ChangeInputError names the line of a syntax error.

    Nothing is fetched: a JSON-LD @context (or @import) given as a URL is refused, naming it.
    """
    if syntax not in SYNTAXES:
        raise ChangeInputError(f"unknown syntax {syntax!r}; choose one of: "
                               + ", ".join(SYNTAXES))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ChangeInputError("the upload is not UTF-8 text", line) from None
    if syntax == "jsonld":
        _refuse_remote_contexts(text)
    try:
        quads = list(ox.parse(input=data, format=SYNTAXES[syntax], base_iri=UPLOAD_BASE,
                              rename_blank_nodes=True))
    except SyntaxError as exc:
        raise ChangeInputError(f"{'Turtle' if syntax == 'turtle' else 'JSON-LD'} syntax "
                               f"error: {exc.msg}", exc.lineno) from None
    graph = new_graph()
    for quad in quads:
        if isinstance(quad.object, ox.Literal) and UNEXPORTABLE.search(quad.object.value):
            raise ChangeInputError("a literal holds a control character (line breaks are LF, "
                                   "\\n), which the data cannot carry")
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    if not len(graph):
        raise ChangeInputError("the upload holds no triples: nothing to check")
    return graph


def _refuse_remote_contexts(text: str) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChangeInputError(f"JSON syntax error: {exc.msg}", exc.lineno) from None
    for url in _remote_contexts(document):
        raise ChangeInputError(f"the JSON-LD @context {url!r} is a URL; this service fetches "
                               "nothing: put the context inline (our prefixes are at "
                               "/context.jsonld)")


def _remote_contexts(node: Any) -> Iterator[str]:
    """Every context given by reference, anywhere in the document (contexts nest)."""
    if isinstance(node, list):
        for item in node:
            yield from _remote_contexts(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for context in value if isinstance(value, list) else [value]:
                    if isinstance(context, str):
                        yield context
                    elif isinstance(context, dict):
                        if isinstance(context.get("@import"), str):
                            yield context["@import"]
                        yield from _remote_contexts(context)
            else:
                yield from _remote_contexts(value)


@dataclass
class ChangeReport:
    """What a change causes, and what was already there on the nodes it touches."""

    triples: int
    shacl: ValidationReport  # results only with the change
    shacl_existing: ValidationReport  # results the shipped data already had (and keeps)
    checks: QualityReport  # findings only with the change
    checks_existing: QualityReport  # findings the shipped data already had (and keeps)
    fixed: int = 0  # results of the shipped data the change makes go away
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        return self.shacl.conforms and self.checks.conforms

    def text(self) -> str:
        """The change's report as `kg validate` prints one."""
        return f"{self.shacl.text()}\n\n{self.checks.text()}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "triples": self.triples,
            "fixed": self.fixed,
            "change": {"shacl": [_violation(v) for v in self.shacl.results],
                       "checks": [_finding(f) for f in self.checks.findings],
                       "violations": len(self.shacl.violations) + len(self.checks.violations),
                       "text": self.text()},
            "existing": {"shacl": [_violation(v) for v in self.shacl_existing.results],
                         "checks": [_finding(f) for f in self.checks_existing.findings]},
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _violation(v: Violation) -> dict[str, Any]:
    return {"severity": v.severity, "shape": _shape(v.shape), "focus": v.describe_focus(),
            "focus_iri": str(v.focus) if isinstance(v.focus, URIRef) else None,
            "path": short_form(v.path) if v.path is not None else None,
            "value": short_form(v.value) if v.value is not None else None,
            "component": short_form(v.component), "message": v.message}


def _finding(f: Finding) -> dict[str, Any]:
    return {"severity": f.check.severity, "check": f.check.name, "title": f.check.title,
            "message": f.message}


def _shape(shape: Any) -> str:
    return "anonymous shape" if isinstance(shape, BNode) else short_form(shape)


def _key(v: Violation) -> tuple[str, ...]:
    # Blank nodes are named by what holds them, which is the same with and without the change.
    return (_shape(v.shape), v.describe_focus(), str(v.component), str(v.path),
            short_form(v.value) if v.value is not None else "", v.message)


def split_shacl(with_change: ValidationReport,
                without: ValidationReport) -> tuple[ValidationReport, ValidationReport, int]:
    """(caused by the change, already there, how many the change fixed)."""
    before = {_key(v) for v in without.results}
    after = {_key(v) for v in with_change.results}
    caused = [v for v in with_change.results if _key(v) not in before]
    kept = [v for v in with_change.results if _key(v) in before]
    return ValidationReport(caused), ValidationReport(kept), len(before - after)


def split_checks(with_change: QualityReport,
                 without: QualityReport) -> tuple[QualityReport, QualityReport, int]:
    """(caused by the change, already there, how many the change fixed)."""
    before = {(f.check.name, f.message) for f in without.findings}
    after = {(f.check.name, f.message) for f in with_change.findings}
    caused = [f for f in with_change.findings if (f.check.name, f.message) not in before]
    kept = [f for f in with_change.findings if (f.check.name, f.message) in before]
    return (QualityReport(with_change.checks, caused), QualityReport(with_change.checks, kept),
            len(before - after))


class ChangeChecker:
    """The shipped graphs, parsed once, and their report; checks one change at a time."""

    def __init__(self, sources: Sources):
        self.sources = sources
        self._baseline: tuple[ValidationReport, QualityReport] | None = None

    def baseline(self) -> tuple[ValidationReport, QualityReport]:
        """The shapes' and checks' results on the shipped data alone (computed once)."""
        if self._baseline is None:
            self._baseline = (validate(self.sources.data, self.sources.shapes,
                                       self.sources.ontology),
                              run_checks(self.sources.data, self.sources.ontology))
        return self._baseline

    def check(self, change: Graph) -> ChangeReport:
        sources = self.sources
        shacl_before, checks_before = self.baseline()
        union = sources.data + change
        timings: dict[str, float] = {}
        start = time.perf_counter()
        shacl_after = validate(union, sources.shapes, sources.ontology)
        timings["shapes"] = time.perf_counter() - start
        start = time.perf_counter()
        checks_after = run_checks(union, sources.ontology)
        timings["checks"] = time.perf_counter() - start
        shacl, shacl_existing, shacl_fixed = split_shacl(shacl_after, shacl_before)
        checks, checks_existing, checks_fixed = split_checks(checks_after, checks_before)
        return ChangeReport(len(change), shacl, shacl_existing, checks, checks_existing,
                            shacl_fixed + checks_fixed, timings)
