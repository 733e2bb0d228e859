"""`kg synth`: a synthetic graph that passes the shapes and checks, the same for the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import check, check_quality, load_project
from kg.cli import main
from kg.project import Project


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "project"
    result = CliRunner().invoke(main, ["synth", "--triples", "4000", "--out", str(out),
                                       "--seed", "7"])
    assert result.exit_code == 0, result.output
    return out


def test_it_passes_the_shapes_and_the_violation_checks(synthetic: Path) -> None:
    sources = load_project(Project(synthetic))
    report = check(sources)
    assert report.conforms, report.text()
    quality = check_quality(sources)
    assert quality.conforms, quality.text()


def test_it_has_the_size_asked_and_every_kind_of_record(synthetic: Path) -> None:
    sources = load_project(Project(synthetic))
    assert 4000 <= len(sources.data) < 4400
    rkg = "https://w3id.org/remedy-kg/ontology#"
    found = {str(t) for t in sources.data.objects()}
    for kind in ("Claim", "Interaction", "Outcome", "Mechanism", "Acupoint", "Population",
                 "CertaintyAdjustment", "MetaAnalysis", "AdverseEvent", "RemedyClass"):
        assert rkg + kind in found, kind


def test_the_same_seed_gives_the_same_files(synthetic: Path, tmp_path: Path) -> None:
    for seed, same in (("7", True), ("8", False)):
        out = tmp_path / seed
        assert CliRunner().invoke(main, ["synth", "--triples", "4000", "--out", str(out),
                                         "--seed", seed]).exit_code == 0
        equal = all((out / "data" / p.name).read_bytes() == p.read_bytes()
                    for p in (synthetic / "data").glob("*.ttl"))
        assert equal is same, seed


def test_a_wrong_level_is_caught(synthetic: Path, tmp_path: Path) -> None:
    # The stored levels equal the derived ones only if the generator computes them as the rule
    # does; a changed level must fail, or the first test proves nothing about the levels.
    broken = Project(tmp_path / "broken")
    for folder in ("ontology", "shapes", "data"):
        (broken.root / folder).mkdir(parents=True)
        for path in (synthetic / folder).glob("*.ttl"):
            (broken.root / folder / path.name).write_bytes(path.read_bytes())
    claims = broken.root / "data" / "claims.ttl"
    text = claims.read_text()
    start = text.index("rkg:evidenceLevel rkg:") + len("rkg:evidenceLevel ")
    level = text[start:text.index(" ", start)].rstrip(";")
    other = "rkg:HighEvidence" if level != "rkg:HighEvidence" else "rkg:VeryLowEvidence"
    claims.write_text(text[:start] + other + text[start + len(level):])
    report = check(load_project(broken))
    assert not report.conforms
    assert {str(v.shape).rsplit("#", 1)[1] for v in report.violations} == {"DerivedLevelShape"}


def test_it_refuses_a_folder_with_data(synthetic: Path) -> None:
    result = CliRunner().invoke(main, ["synth", "--triples", "4000", "--out", str(synthetic)])
    assert result.exit_code != 0
    assert "not empty" in result.output


def test_it_sits_beside_the_shipped_data(synthetic: Path, tmp_path: Path,
                                         project: Project) -> None:
    # The benchmark builds both together: no synthetic record may merge into a shipped one
    # (the same meridian or acupoint IRI would carry two labels).
    both = Project(tmp_path / "both")
    for folder in ("ontology", "shapes"):
        (both.root / folder).mkdir(parents=True)
        for path in (synthetic / folder).glob("*.ttl"):
            (both.root / folder / path.name).write_bytes(path.read_bytes())
    (both.root / "data").mkdir()
    for path in [*(synthetic / "data").glob("*.ttl"), *project.data_files]:
        name = path.name if path.parent == synthetic / "data" else f"shipped-{path.name}"
        (both.root / "data" / name).write_bytes(path.read_bytes())
    sources = load_project(both)
    report = check(sources)
    assert report.conforms, report.text()
    assert check_quality(sources).conforms


def test_its_statements_rest_on_read_sources(synthetic: Path) -> None:
    # Real data cites works someone read; a synthetic graph citing unread ones would make the
    # unread-works check report every statement (56,257 warnings at 1M before its sources
    # carried rkg:seenAt), which is not what a build of real data at that size does.
    quality = check_quality(load_project(Project(synthetic)))
    assert any(c.name == "statements-on-unread-works-warning" for c in quality.checks)
    assert quality.of("statements-on-unread-works-warning") == []
