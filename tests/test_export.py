"""`kg export`: every format parses back to a graph isomorphic to the built one."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kg.cli import main
from kg.formats import RDF_FORMATS
from kg.namespaces import Graphs
from tests.isomorphism import same_graph


@pytest.fixture(scope="module")
def built_dataset(disk_store: Path) -> Dataset:
    from kg.store import open_store

    with open_store(disk_store, read_only=True) as store:
        return store.dataset()


@pytest.mark.remote_engines_once(name="nquads")
@pytest.mark.parametrize("name", list(RDF_FORMATS))
def test_export_round_trips(name: str, disk_store: Path, built_dataset: Dataset, runner,
                            tmp_path: Path) -> None:
    syntax = RDF_FORMATS[name]
    out = tmp_path / f"dump.{syntax.extension}"
    result = runner.invoke(main, ["--store", str(disk_store), "export", "--format", name,
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    if syntax.quads:
        parsed = Dataset()
        parsed.parse(out, format=syntax.rdflib)
        for graph in built_dataset.graphs():
            if len(graph):
                assert same_graph(parsed.graph(graph.identifier), graph), graph.identifier
        assert sum(len(g) for g in parsed.graphs()) == sum(len(g) for g in built_dataset.graphs())
    else:
        parsed = Graph().parse(out, format=syntax.rdflib)
        union = Graph()
        for graph in built_dataset.graphs():
            if str(graph.identifier) not in Graphs.APART:  # asked for by name, not in the union
                union += graph
        assert len(union) > 1000
        assert same_graph(parsed, union)
