"""Building: inference, and all-or-nothing behaviour when the sources are broken."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.build import ValidationFailed, build
from kg.inference import infer
from kg.load import LoadError
from kg.namespaces import Graphs
from kg.store import OxigraphStore
from tests.conftest import copy_project, write


def test_build_reports_triples_and_timings(built) -> None:
    _, result = built
    assert set(result.triples) == {*Graphs.ALL, Graphs.EXAMPLES, Graphs.VOID}
    assert result.triples[Graphs.DATA] > 1000
    assert set(result.timings) == {"load", "validate", "checks", "infer", "store", "describe"}


def test_mechanism_closure_is_materialised(store) -> None:
    # Asserted only as skos:broader; the closure must be in the inferred graph.
    narrow = "https://w3id.org/remedy-kg/id/mechanism/dopamine-modulation"
    wide = "https://w3id.org/remedy-kg/id/mechanism/neurotransmitter-modulation"
    closure = "http://www.w3.org/2004/02/skos/core#broaderTransitive"
    assert store.query(
        f"ASK {{ GRAPH <{Graphs.INFERRED}> {{ <{narrow}> <{closure}> <{wide}> }} }}"
    ).boolean


def test_superclass_types_are_materialised(store) -> None:
    assert store.query(
        "ASK { <https://w3id.org/remedy-kg/id/remedy/acupuncture> "
        "a <https://schema.org/MedicalTherapy> }"
    ).boolean


def test_infer_adds_nothing_already_asserted(project) -> None:
    from kg.build import load_project

    sources = load_project(project)
    inferred = infer(sources.ontology, sources.data)
    assert len(inferred) > 0
    assert not any(t in sources.data or t in sources.ontology for t in inferred)


@pytest.fixture
def broken(project, tmp_path: Path):
    copy = copy_project(project, tmp_path / "project")
    store = OxigraphStore(tmp_path / "store")
    build(copy, store)
    before = store.count()
    yield copy, store, before
    store.close()


def test_syntax_error_leaves_the_store_unchanged(broken) -> None:
    copy, store, before = broken
    write(copy.root / "data" / "zz-broken.ttl", "@prefix ex: <http://e/> .\nex:a ex:b .\n")
    with pytest.raises(LoadError, match=r"zz-broken\.ttl:2"):
        build(copy, store)
    assert store.count() == before


def test_violation_leaves_the_store_unchanged(broken, monkeypatch: pytest.MonkeyPatch) -> None:
    copy, store, before = broken
    monkeypatch.setattr("kg.build.LOAD_BESIDE_FROM", 0)  # a new folder loaded while validating
    write(copy.root / "data" / "zz-claim.ttl", """
@prefix rkg: <https://w3id.org/remedy-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/remedy-kg/id/claim/no-evidence> a rkg:Claim ;
    rdfs:label "A claim without an evidence level"@en ;
    rkg:remedy <https://w3id.org/remedy-kg/id/remedy/acupuncture> ;
    rkg:condition <https://w3id.org/remedy-kg/id/condition/fibromyalgia> ;
    rkg:summary "Missing its evidence level."@en ;
    dcterms:source <https://w3id.org/remedy-kg/id/source/seed-page> ;
    rkg:curationStatus rkg:FromSeed .
""")
    with pytest.raises(ValidationFailed) as caught:
        build(copy, store)
    assert "no-evidence" in str(caught.value)
    assert "evidence level" in str(caught.value)
    assert store.count() == before
    # The new folder the loader was filling beside validation is gone, and its files.
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["project", "store"]


def test_a_violation_check_leaves_the_store_unchanged(broken,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Valid under the shapes, refused by a quality check, which now runs before the rules
    # while the new folder is being loaded beside it.
    copy, store, before = broken
    monkeypatch.setattr("kg.build.LOAD_BESIDE_FROM", 0)
    write(copy.root / "data" / "zz-undefined.ttl", """
<https://w3id.org/remedy-kg/id/claim/acupuncture--restless-legs-syndrome>
    <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/remedy-kg/id/source/nowhere> .
""")
    with pytest.raises(ValidationFailed) as caught:
        build(copy, store)
    assert "undefined-entities-violation" in str(caught.value), str(caught.value)
    assert "source:nowhere" in str(caught.value)
    assert store.count() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["project", "store"]


def test_a_build_removes_what_a_killed_build_left(broken, monkeypatch: pytest.MonkeyPatch) -> None:
    copy, store, _ = broken
    monkeypatch.setattr("kg.build.LOAD_BESIDE_FROM", 0)
    gone = 2**22 + 1  # above Linux's largest process id: no such process
    (store.path.parent / f".store.new-{gone}").mkdir()
    (store.path.parent / f".store.new-{gone}.140.tmp").write_text("half a file")
    (store.path.parent / f".store.new-{os.getpid()}").mkdir()  # this process: redone
    build(copy, store, force=True)
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["project", "store"]
