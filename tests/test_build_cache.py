"""`kg build` leaves a store that already holds a build of the same inputs as it is."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.build import STAMP, build, inputs_fingerprint
from kg.cli import main
from kg.namespaces import Graphs
from kg.project import Project
from kg.store import OxigraphStore


@pytest.fixture
def synthetic(tmp_path: Path) -> Project:
    out = tmp_path / "project"
    assert CliRunner().invoke(main, ["synth", "--triples", "1500", "--out", str(out)]
                              ).exit_code == 0
    return Project(out)


def build_cli(project: Project, store: Path, *extra: str):
    return CliRunner().invoke(main, ["--project", str(project.root), "--store", str(store),
                                     "build", *extra])


def test_unchanged_inputs_are_not_built_again(synthetic: Project, tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = build_cli(synthetic, store)
    assert first.exit_code == 0, first.output
    assert (store / STAMP).read_text() == inputs_fingerprint(synthetic)
    again = build_cli(synthetic, store)
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.output
    assert "validate" not in again.output  # no step ran
    counts = [[line for line in r.output.splitlines() if " triples " in line]
              for r in (first, again)]
    assert counts[0] == counts[1] and len(counts[0]) == 6  # four graphs, examples, VoID
    forced = build_cli(synthetic, store, "--force")
    assert forced.exit_code == 0 and "nothing to do" not in forced.output


def test_a_changed_file_is_built(synthetic: Project, tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    with OxigraphStore(store_path) as store:
        assert not build(synthetic, store).unchanged
        data = synthetic.root / "data" / "sources.ttl"
        data.write_text(data.read_text() + "\n# a comment changes the hash\n")
        assert not build(synthetic, store).unchanged
        assert build(synthetic, store).unchanged


def test_a_store_without_the_graphs_is_built(synthetic: Project, tmp_path: Path) -> None:
    # A stamp whose store lost its graphs (or was never filled) does not count.
    store_path = tmp_path / "store"
    with OxigraphStore(store_path) as store:
        build(synthetic, store)
        store._store.remove_graph(ox.NamedNode(Graphs.DATA))
        result = build(synthetic, store)
        assert not result.unchanged
        assert result.triples[Graphs.DATA] > 1000


def test_a_failed_build_leaves_no_stamp_for_its_inputs(synthetic: Project,
                                                       tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    with OxigraphStore(store_path) as store:
        build(synthetic, store)
        claims = synthetic.root / "data" / "claims.ttl"
        claims.write_text(claims.read_text().replace("rkg:role", "rkg:roleTypo", 1))
        with pytest.raises(Exception, match="role"):
            build(synthetic, store)
        assert (store_path / STAMP).read_text() != inputs_fingerprint(synthetic)
