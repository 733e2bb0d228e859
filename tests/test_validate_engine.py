"""SHACL in the engine (kg.shacl_sparql) gives the same results as pySHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.build import Sources
from kg.cli import main
from kg.load import load_files
from kg.shacl_sparql import UnsupportedShape, compile_shapes
from kg.validate import ValidationReport, validate
from tests.conftest import FIXTURES

INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))


def _results(report: ValidationReport) -> set[tuple]:
    return {(r.focus, r.shape, r.component, r.severity, r.path, r.value, r.message)
            for r in report.results}


def _both(data: Graph, sources: Sources) -> tuple[set[tuple], set[tuple]]:
    return (_results(validate(data, sources.shapes, sources.ontology, "oxigraph")),
            _results(validate(data, sources.shapes, sources.ontology, "pyshacl")))


def test_shipped_data_same_as_pyshacl(sources: Sources) -> None:
    engine, pyshacl = _both(sources.data, sources)
    assert engine == pyshacl == set()


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_same_as_pyshacl(path: Path, sources: Sources) -> None:
    engine, pyshacl = _both(load_files([path]), sources)
    assert pyshacl, f"{path.name}: pySHACL found nothing"
    assert engine == pyshacl, (f"only in the engine: {engine - pyshacl}\n"
                               f"only in pySHACL: {pyshacl - engine}")


def test_integer_subtypes_keep_their_datatype(sources: Sources) -> None:
    # pyoxigraph stores "62"^^xsd:positiveInteger as xsd:integer; the validation store must not.
    fixture = load_files([FIXTURES / "valid" / "minimal.ttl"])
    assert validate(fixture, sources.shapes, sources.ontology).conforms


UNSUPPORTED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:NameShape-name sh:path ex:name ; sh:minLength 2 ; sh:message "too short" .
ex:NameShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:NameShape-name .
"""


def test_unsupported_construct_names_its_shape() -> None:
    shapes = Graph().parse(data=UNSUPPORTED, format="turtle")
    with pytest.raises(UnsupportedShape) as caught:
        compile_shapes(shapes)
    assert "https://example.org/NameShape-name" in str(caught.value)
    assert "sh:minLength" in str(caught.value)
    assert "pyshacl" in str(caught.value)


def test_every_shipped_constraint_compiles(sources: Sources) -> None:
    compiled = compile_shapes(sources.shapes)
    shapes = {str(c.shape) for c in compiled}
    assert any(s.endswith("#AcupointShape-codeMatchesMeridian") for s in shapes)
    assert len(compiled) > 150


def test_cli_engine_choice(runner) -> None:
    fixture = FIXTURES / "invalid" / "range-shape--min-above-max.ttl"
    outputs = {}
    for engine in ("pyshacl", "oxigraph"):
        result = runner.invoke(main, ["validate", "--engine", engine, str(fixture)])
        assert result.exit_code == 1, result.output
        outputs[engine] = result.output.split("\nQuality checks")[0]
    assert "rkgsh:RangeShape-minNotAboveMax" in outputs["oxigraph"]
    assert outputs["oxigraph"] == outputs["pyshacl"]
    wrong = runner.invoke(main, ["validate", "--engine", "jena", str(fixture)])
    assert wrong.exit_code == 2 and "'jena' is not one of" in wrong.output
