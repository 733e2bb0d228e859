"""SHACL in the engine (kg.shacl_sparql) gives the same results as pySHACL."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.build import Sources
from kg.cli import main
from kg.inference import derive_evidence_levels_in
from kg.load import load_files
from kg.shacl_sparql import (
    UnsupportedShape,
    _Subclasses,
    compile_shapes,
    load_for_validation,
    run_compiled,
    screens,
)
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


def _validation_store(data: Graph, sources: Sources) -> ox.Store:
    store = ox.Store()
    for graph in (sources.ontology, data):
        load_for_validation(store, graph.serialize(format="nt11", encoding="utf-8"))
    derive_evidence_levels_in(store)
    return store


def _screens_firing(store: ox.Store, sources: Sources) -> dict[str, tuple[bool, bool]]:
    """Per screened shape: (its screen is true, one of its constraints has a row)."""
    subclasses = _Subclasses(store)
    return {str(screen.members[0].shape): (
                bool(store.query(subclasses.fill(screen.query), use_default_graph_as_union=True)),
                any(True for _ in run_compiled(store, screen.members)))
            for screen in screens(compile_shapes(sources.shapes)) if screen.query is not None}


def test_no_screen_fires_on_the_shipped_data(sources: Sources) -> None:
    # Conforming data costs one ASK per shape, and no constraint's own query.
    firing = _screens_firing(_validation_store(sources.data, sources), sources)
    assert len(firing) > 20
    assert not any(screen or rows for screen, rows in firing.values())


@pytest.mark.parametrize("name", ["claim-shape--condition-not-a-condition",  # sh:class
                                  "claim-shape--two-evidence-levels",  # sh:maxCount
                                  "adverse-event-shape--serious-as-string",  # sh:datatype
                                  "study-shape--no-design"])  # sh:or on the node
def test_a_screen_fires_exactly_where_its_constraints_find_rows(name: str,
                                                                sources: Sources) -> None:
    firing = _screens_firing(_validation_store(load_files([FIXTURES / "invalid" / f"{name}.ttl"]),
                                               sources), sources)
    assert any(rows for _, rows in firing.values()), name
    assert all(screen == rows for screen, rows in firing.values()), firing


def test_a_blank_node_subclass_keeps_the_property_path() -> None:
    # VALUES cannot list a blank node: the screen then walks rdfs:subClassOf* as written.
    query = screens(compile_shapes(Graph().parse(data=CLASS_SHAPE, format="turtle")))[0].query
    subclass = "_:b <http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://example.org/C> .\n"
    for typed, fires in (("_:b", False), ("<https://example.org/D>", True)):
        store = ox.Store()
        store.load(f"{subclass}<https://example.org/a> a {typed} .", format=ox.RdfFormat.TURTLE)
        filled = _Subclasses(store).fill(query)
        assert re.search(r"subClassOf>\* \?\w+_listed \.", filled) and "\ue000" not in filled
        assert bool(store.query(filled, use_default_graph_as_union=True)) is fires


CLASS_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:ThingShape a sh:NodeShape ; sh:targetNode ex:a ; sh:class ex:C ; sh:message "not a C" .
"""
