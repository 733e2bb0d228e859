"""Quality checks: SPARQL files in kg/checks/ for what SHACL cannot say well.

A check is a SELECT whose rows are the offending entities. Its file name says its severity:
`*-violation.rq` fails `kg validate` and `kg build`, `*-warning.rq` is only reported. Its
`# message:` header is a template whose `{variable}` slots are filled from each row, so every
line of the report names the entities to fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from kg.namespaces import Graphs
from kg.queries import header, sparql_files, title_of
from kg.results import short_form
from kg.store.oxigraph import to_rdflib, union_of

SEVERITIES = {"violation": "Violation", "warning": "Warning"}
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Check:
    """One SPARQL file of kg/checks/."""

    name: str
    severity: str  # "Violation" or "Warning"
    title: str
    message: str
    text: str

    def describe(self, row: dict[str, Node]) -> str:
        """The message with each {variable} replaced by the row's value (or "?")."""
        return _SLOT.sub(lambda m: _show(row.get(m.group(1))), self.message)


@dataclass(frozen=True)
class Finding:
    """One offending row of a check."""

    check: Check
    row: dict[str, Node]

    @property
    def message(self) -> str:
        return self.check.describe(self.row)


@dataclass
class QualityReport:
    """Every finding of one run; `conforms` is false when a violation check found rows."""

    checks: list[Check] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.check.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.check.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def of(self, name: str) -> list[Finding]:
        return [f for f in self.findings if f.check.name == name]

    def text(self) -> str:
        """One block per check that found something, violations first."""
        lines = [f"Quality checks: {len(self.checks)} run, {len(self.violations)} violation(s), "
                 f"{len(self.warnings)} warning(s)."]
        for check in sorted(self.checks, key=lambda c: (c.severity != "Violation", c.name)):
            found = self.of(check.name)
            if not found:
                continue
            lines.append(f"\n{check.name} ({check.severity.lower()}): {check.title}")
            lines.extend(f"  - {f.message}" for f in found)
        return "\n".join(lines)


def _show(term: Node | None) -> str:
    return "?" if term is None else short_form(term)


def quality_checks() -> list[Check]:
    """The checks of kg/checks/, in name order; a file without a severity suffix is an error."""
    checks = []
    for name, text in sparql_files("checks").items():
        suffix = name.rsplit("-", 1)[-1]
        if suffix not in SEVERITIES:
            raise ValueError(f"kg/checks/{name}.rq: the name must end in -violation or -warning")
        message = header(text, "message")
        if not message:
            raise ValueError(f"kg/checks/{name}.rq: no '# message:' header")
        checks.append(Check(name, SEVERITIES[suffix], title_of(text, name), message, text))
    return checks


def run_checks(data: Graph, ontology: Graph) -> QualityReport:
    """Run every check on the data, with the ontology's class hierarchy in view."""
    # An in-memory Oxigraph store: rdflib's own SPARQL engine took over a minute for the
    # self-joins of the duplicate checks on ~13,000 triples.
    store = ox.Store()
    graphs = [ox.NamedNode(Graphs.ONTOLOGY), ox.NamedNode(Graphs.DATA)]
    for graph, name in zip((ontology, data), graphs, strict=True):
        store.load(graph.serialize(format="nt11", encoding="utf-8"),
                   format=ox.RdfFormat.N_TRIPLES, to_graph=name)
    return run_checks_in(store, graphs)


def run_checks_in(store: ox.Store, graphs: Sequence[ox.NamedNode]) -> QualityReport:
    """Run every check inside the engine over the union of the store's `graphs` (the data and
    the ontology), as the build does in its staging store."""
    report = QualityReport(checks=quality_checks())
    dataset = union_of(store, graphs)
    for check in report.checks:
        answer = store.query(check.text, **dataset)  # type: ignore[arg-type]
        names = [v.value for v in answer.variables]
        for solution in answer:
            row = {name: to_rdflib(solution[name]) for name in names
                   if solution[name] is not None}
            report.findings.append(Finding(check, row))  # type: ignore[arg-type]
    return report
