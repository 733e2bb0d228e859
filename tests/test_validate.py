"""The shapes accept the shipped data and reject every failing fixture for the right reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, URIRef

from kg.build import Sources
from kg.load import load_files
from kg.namespaces import RKGSH, SH
from kg.validate import validate
from tests.conftest import FIXTURES

INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))


def _expectations(path: Path) -> tuple[str, str]:
    headers = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect-"):
            key, value = line[len("# expect-"):].split(":", 1)
            headers[key.strip()] = value.strip()
    shape = headers["shape"]
    return (str(RKGSH) + shape.split(":", 1)[1] if shape.startswith("rkgsh:") else shape,
            headers["focus"])


def test_shipped_data_has_zero_violations(sources: Sources) -> None:
    report = validate(sources.data, sources.shapes, sources.ontology)
    assert report.violations == [], report.text()


def test_valid_fixture_conforms(sources: Sources) -> None:
    report = validate(load_files([FIXTURES / "valid" / "minimal.ttl"]), sources.shapes,
                      sources.ontology)
    assert report.conforms, report.text()


def test_every_node_shape_has_a_failing_fixture(sources: Sources) -> None:
    node_shapes = {str(s) for s in sources.shapes.subjects(SH.targetClass, None)}
    failed = set()
    for path in INVALID:
        shape, _ = _expectations(path)
        # A property shape's node shape is the one that lists it with sh:property.
        owners = {str(s) for s in sources.shapes.subjects(SH.property, URIRef(shape))}
        failed |= owners or {shape}
    assert node_shapes - failed == set()


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_fails_its_shape(path: Path, sources: Sources) -> None:
    shape, focus = _expectations(path)
    report = validate(load_files([path]), sources.shapes, sources.ontology)
    assert not report.conforms, f"{path.name} conforms but must fail {shape}"
    matching = [
        v for v in report.violations
        if str(v.shape) == shape
        and (isinstance(v.focus, BNode) if focus == "_:" else str(v.focus) == focus)
    ]
    assert matching, f"{path.name}: no violation of {shape} at {focus}:\n{report.text()}"
    # The report a curator reads names the focus node and the broken shape.
    text = report.text()
    assert shape.split("#")[-1] in text
    assert all(v.message for v in matching)
    if focus != "_:":
        assert focus.rsplit("/", 1)[-1] in text


def test_report_groups_by_shape_then_focus(sources: Sources) -> None:
    path = next(p for p in INVALID if p.name.startswith("claim-shape"))
    text = validate(load_files([path]), sources.shapes, sources.ontology).text()
    lines = text.splitlines()
    assert lines[0].endswith("warning(s).") and "violation(s)" in lines[0]
    shape_line = next(i for i, line in enumerate(lines) if line.startswith("rkgsh:"))
    assert lines[shape_line + 1].startswith("  ") and lines[shape_line + 2].startswith("    - ")
