"""The SPARQL quality checks: clean on the shipped data, and each one tripped by a broken copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import ValidationFailed, build, load_project
from kg.cli import main
from kg.quality import quality_checks, run_checks
from kg.store import OxigraphStore
from tests.conftest import copy_project, write

PREFIXES = """\
@prefix rkg:        <https://w3id.org/remedy-kg/ontology#> .
@prefix rdfs:       <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:       <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms:    <http://purl.org/dc/terms/> .
@prefix prov:       <http://www.w3.org/ns/prov#> .
@prefix remedy:     <https://w3id.org/remedy-kg/id/remedy/> .
@prefix condition:  <https://w3id.org/remedy-kg/id/condition/> .
@prefix claim:      <https://w3id.org/remedy-kg/id/claim/> .
@prefix mechanism:  <https://w3id.org/remedy-kg/id/mechanism/> .
@prefix population: <https://w3id.org/remedy-kg/id/population/> .
@prefix warning:    <https://w3id.org/remedy-kg/id/warning/> .
@prefix study:      <https://w3id.org/remedy-kg/id/study/> .
@prefix scheme:     <https://w3id.org/remedy-kg/id/scheme/> .
@prefix source:     <https://w3id.org/remedy-kg/id/source/> .
@prefix outcome:    <https://w3id.org/remedy-kg/id/outcome/> .
"""

# A remedy with a claim and nothing else: valid under the shapes, but with no study and no
# warning. Its slug is new, so only the breakage can name it.
LONE_REMEDY = """
remedy:test-remedy a rkg:Supplement ;
    rdfs:label "Test remedy"@en ;
    dcterms:description "A remedy that exists only in this test."@en ;
    rkg:curationStatus rkg:CuratorAdded ;
    dcterms:source source:seed-page .

claim:test-remedy--gastroparesis a rkg:Claim ;
    rdfs:label "Test remedy for Gastroparesis"@en ;
    rkg:remedy remedy:test-remedy ;
    rkg:condition condition:gastroparesis ;
    rkg:summary "Only in this test."@en ;
    rkg:evidenceLevel rkg:VeryLowEvidence ;
    rkg:curationStatus rkg:CuratorAdded ;
    dcterms:source source:seed-page .
"""

# check name -> (Turtle that breaks the rule, the entities its message must name)
BREAKAGES: dict[str, tuple[str, list[str]]] = {
    "duplicate-labels-violation": ("""
remedy:acupuncture-again a rkg:Practice ;
    rdfs:label " ACUPUNCTURE"@en ;
    dcterms:description "A second record of acupuncture."@en ;
    rkg:curationStatus rkg:CuratorAdded ;
    dcterms:source source:seed-page .
""", ["remedy:acupuncture-again", "remedy:acupuncture ", "Practice or therapy"]),
    "undefined-entities-violation": ("""
claim:acupuncture--restless-legs-syndrome prov:wasDerivedFrom source:seed-pgae .
""", ["claim:acupuncture--restless-legs-syndrome", "prov:wasDerivedFrom", "source:seed-pgae"]),
    "duplicate-claims-violation": ("""
claim:acupuncture--rls a rkg:Claim ;
    rdfs:label "Acupuncture for RLS, again"@en ;
    rkg:remedy remedy:acupuncture ;
    rkg:condition condition:restless-legs-syndrome ;
    rkg:outcome outcome:rls-symptom-severity ;
    rkg:role rkg:TreatmentRole ;
    rkg:summary "A second claim for the same remedy, outcome and condition."@en ;
    rkg:evidenceLevel rkg:LowEvidence ;
    rkg:curationStatus rkg:CuratorAdded ;
    dcterms:source source:seed-page .
""", ["claim:acupuncture--rls", "claim:acupuncture--restless-legs-syndrome",
      "condition:restless-legs-syndrome"]),
    "interactions-of-other-remedies-violation": ("""
claim:warfarin--systemic-lupus-erythematosus rkg:warning warning:turmeric-anticoagulants .
""", ["claim:warfarin--systemic-lupus-erythematosus", "warning:turmeric-anticoagulants",
      "remedy:warfarin"]),
    "claims-without-studies-warning": (LONE_REMEDY, ["claim:test-remedy--gastroparesis"]),
    "remedies-without-warnings-warning": (LONE_REMEDY, ["remedy:test-remedy"]),
    "remedies-without-claims-warning": ("""
remedy:test-claimless a rkg:Herb ;
    rdfs:label "Test claimless herb"@en ;
    dcterms:description "A herb with no claim."@en ;
    rkg:curationStatus rkg:CuratorAdded ;
    dcterms:source source:seed-page .
""", ["remedy:test-claimless"]),
    "orphan-mechanisms-warning": ("""
mechanism:test-orphan a rkg:Mechanism ;
    rdfs:label "Test orphan"@en ;
    skos:prefLabel "Test orphan"@en ;
    skos:definition "A mechanism nothing uses."@en ;
    skos:inScheme scheme:mechanisms ;
    skos:broader mechanism:dopamine-modulation ;
    rkg:curationStatus rkg:CuratorAdded ;
    dcterms:source source:seed-page .
""", ["mechanism:test-orphan"]),
    "unreached-population-warnings-warning": ("""
warning:test-unreached a rkg:Contraindication ;
    rdfs:label "A warning no claim links"@en ;
    rkg:severity rkg:Caution ;
    rkg:appliesTo population:pregnancy ;
    rkg:advice "Only in this test."@en ;
    rkg:curationStatus rkg:CuratorAdded ;
    dcterms:source source:seed-page .
""", ["warning:test-unreached", "population:pregnancy"]),
    "uncited-studies-warning": ("""
study:test-uncited a rkg:CaseReport ;
    rdfs:label "A study no claim cites"@en ;
    rkg:finding "Only in this test."@en ;
    rkg:publishedIn source:bmc ;
    rkg:curationStatus rkg:CuratorAdded ;
    dcterms:source source:bmc .
""", ["study:test-uncited"]),
    "statements-on-unread-works-warning": ("""
population:test-unread a rkg:Population ;
    rdfs:label "A population only an unread work defines"@en ;
    skos:prefLabel "A population only an unread work defines"@en ;
    skos:definition "Only in this test."@en ;
    rkg:curationStatus rkg:CuratorAdded ;
    dcterms:source source:ods-iron .
""", ["population:test-unread", "source:ods-iron"]),
}


def _broken(project, tmp_path: Path, name: str):
    copy = copy_project(project, tmp_path / "project")
    write(copy.root / "data" / "zz-broken.ttl", PREFIXES + BREAKAGES[name][0])
    return copy


@pytest.fixture(scope="module")
def shipped_report(project):
    sources = load_project(project)
    return run_checks(sources.data, sources.ontology)


def test_every_check_has_a_breakage_and_a_severity() -> None:
    checks = quality_checks()
    assert {c.name for c in checks} == set(BREAKAGES)
    assert {c.severity for c in checks} == {"Violation", "Warning"}
    for c in checks:
        assert c.title and c.message, c.name
        assert c.name.endswith("-" + c.severity.lower()), c.name


def test_shipped_data_has_no_violations(shipped_report) -> None:
    assert shipped_report.violations == [], shipped_report.text()


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_check_is_tripped_by_a_broken_copy(name: str, project, tmp_path: Path,
                                           shipped_report) -> None:
    expected = BREAKAGES[name][1]
    # The shipped data does not already say this: the finding is the breakage's.
    assert not any(expected[0] in f.message for f in shipped_report.of(name))
    sources = load_project(_broken(project, tmp_path, name))
    report = run_checks(sources.data, sources.ontology)
    found = [f.message for f in report.of(name)]
    matching = [m for m in found if expected[0] in m]
    assert matching, f"{name} did not name {expected[0]}: {found}"
    for entity in expected[1:]:
        assert entity in matching[0], (entity, matching[0])
    assert matching[0] in report.text()


# One check of each severity: each run validates the whole project with pySHACL (~3 s).
@pytest.mark.parametrize("name", ["undefined-entities-violation", "orphan-mechanisms-warning"])
def test_validate_exits_by_severity(name: str, project, tmp_path: Path, runner) -> None:
    copy = _broken(project, tmp_path, name)
    result = runner.invoke(main, ["--project", str(copy.root), "validate"])
    # The breakages are valid under the shapes: only the quality check can fail them.
    assert "0 violations." in result.output
    assert name in result.output and BREAKAGES[name][1][0] in result.output
    assert result.exit_code == (1 if name.endswith("-violation") else 0), result.output


def test_build_stops_on_a_violation_check_and_keeps_the_store(project, tmp_path: Path) -> None:
    copy = _broken(project, tmp_path, "undefined-entities-violation")
    with OxigraphStore(None) as store:
        with pytest.raises(ValidationFailed) as caught:
            build(copy, store)
        assert store.graph_names() == []
    assert "source:seed-pgae" in str(caught.value)


def test_build_reports_warning_checks(built) -> None:
    _, result = built
    assert result.quality.conforms
    assert {f.check.severity for f in result.quality.findings} <= {"Warning"}


def test_the_checks_find_the_same_through_the_engine_union(project, tmp_path: Path) -> None:
    # While the build's staging store holds only the data and ontology graphs, the checks read
    # the engine's union of every graph instead of a list of those two
    # (kg.store.oxigraph.union_of): the same rows, on the shipped data with every breakage
    # added and on a synthetic graph; with another graph in the store, the list again.
    from click.testing import CliRunner

    from kg.load import load_files
    from kg.project import Project
    from kg.quality import run_checks_in
    from kg.staging import ASSERTED, INFERRED, Staging
    from kg.store.oxigraph import union_of

    broken = copy_project(project, tmp_path / "broken")
    for name, (turtle, _) in BREAKAGES.items():
        write(broken.root / "data" / f"zz-{name}.ttl", PREFIXES + turtle)
    synthetic = tmp_path / "synthetic"
    assert CliRunner().invoke(main, ["synth", "--triples", "3000", "--out", str(synthetic)]
                              ).exit_code == 0
    for copy in (broken, Project(synthetic)):
        staging = Staging.load(copy)
        staging.validate(load_files(copy.shapes_files))
        assert union_of(staging.store, ASSERTED) == {"use_default_graph_as_union": True}
        by_union = run_checks_in(staging.store, ASSERTED)
        staging.store.add_graph(INFERRED)  # empty, yet no longer the union of the two
        assert union_of(staging.store, ASSERTED) == {"default_graph": list(ASSERTED)}
        by_list = run_checks_in(staging.store, ASSERTED)
        assert by_union.findings and by_union.text() == by_list.text()
        assert ([(f.check.name, f.row) for f in by_union.findings]
                == [(f.check.name, f.row) for f in by_list.findings])
        if copy is broken:  # every check finds its breakage
            assert {f.check.name for f in by_union.findings} == set(BREAKAGES)
