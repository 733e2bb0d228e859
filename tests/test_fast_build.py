"""The fast build (pyoxigraph's parser, bulk-loaded store folders) gives what the rdflib build
gave: the same graphs from every file, the same validation reports, the same store."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.util import guess_format

from kg.build import Sources, build
from kg.cli import main
from kg.inference import infer
from kg.load import load_files, parse_file
from kg.namespaces import Graphs
from kg.project import SOURCE_ROOT, Project
from kg.store import OxigraphStore
from kg.validate import validate
from tests.conftest import FIXTURES
from tests.isomorphism import same_graph

FILES = sorted([*SOURCE_ROOT.glob("ontology/*.ttl"), *SOURCE_ROOT.glob("shapes/*.ttl"),
                *SOURCE_ROOT.glob("data/*.ttl"), *FIXTURES.glob("*/*.ttl")])
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))


def rdflib_load(paths: list[Path]) -> Graph:
    """What kg.load did before it read files with pyoxigraph: rdflib's parser, file by file."""
    graph = Graph()
    for path in paths:
        scratch = Graph()
        scratch.parse(path, format=guess_format(str(path)) or "turtle")
        graph += scratch
    return graph


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_every_file_parses_to_the_same_graph(path: Path) -> None:
    fast = parse_file(path)
    assert len(fast) > 0
    assert same_graph(fast, rdflib_load([path])), path


def readable(report: str) -> list[str]:
    """The report's lines with blank node labels blanked: parsers name them at random (two
    rdflib parses of one file differ too), so only their place in the report can be compared."""
    return [re.sub(r"_:[A-Za-z0-9]+", "_:b", line) for line in report.splitlines()]


@pytest.fixture(scope="module")
def rdflib_sources(project: Project) -> Sources:
    return Sources(rdflib_load(project.ontology_files), rdflib_load(project.shapes_files),
                   rdflib_load(project.data_files))


def test_the_shipped_data_gets_the_same_report(sources: Sources,
                                               rdflib_sources: Sources) -> None:
    fast = validate(sources.data, sources.shapes, sources.ontology)
    before = validate(rdflib_sources.data, rdflib_sources.shapes, rdflib_sources.ontology)
    assert readable(fast.text()) == readable(before.text())


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_each_invalid_fixture_gets_the_same_report(path: Path, sources: Sources,
                                                   rdflib_sources: Sources) -> None:
    fast = validate(load_files([path]), sources.shapes, sources.ontology)
    before = validate(rdflib_load([path]), rdflib_sources.shapes, rdflib_sources.ontology)
    assert not fast.conforms
    assert readable(fast.text()) == readable(before.text())


def test_a_bad_file_still_names_its_line(tmp_path: Path) -> None:
    # pyoxigraph refuses it; rdflib parses it again for the message it has always given.
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n")
    with pytest.raises(Exception) as raised:
        parse_file(bad)
    assert str(raised.value).startswith(f"{bad}:3: bad syntax")


@pytest.mark.parametrize("beside", [True, False], ids=["loaded-beside", "loaded-after"])
def test_the_fast_build_writes_the_same_graphs(tmp_path: Path, beside: bool,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Beside: the new folder gets most triples from files while validation runs (the path of
    # large builds); after: every triple once the reports passed.
    monkeypatch.setattr("kg.build.LOAD_BESIDE_FROM", 0 if beside else 10**12)
    out = tmp_path / "project"
    assert CliRunner().invoke(main, ["synth", "--triples", "3000", "--out", str(out)]
                              ).exit_code == 0
    project = Project(out)
    with OxigraphStore(tmp_path / "store") as store:
        build(project, store)  # into a fresh folder, swapped in
        build(project, store, force=True)  # over a built store
        fast = {name: store.dataset().graph(ox_name(name)) for name in Graphs.ALL}
        assert_inferred_blank_nodes_are_data_nodes(store)
    # Before: rdflib's parser, and the store's graphs replaced in place (staging, then MOVE).
    ontology, data = rdflib_load(project.ontology_files), rdflib_load(project.data_files)
    shapes = rdflib_load(project.shapes_files)
    # As the build does: pySHACL adds two rdfs:subClassOf triples to the shapes graph it is
    # given, and the build has always stored that graph.
    assert validate(data, shapes, ontology).conforms
    before = {Graphs.ONTOLOGY: ontology, Graphs.SHAPES: shapes, Graphs.DATA: data,
              Graphs.INFERRED: infer(ontology, data)}
    with OxigraphStore(None) as memory:
        memory.replace_graphs(before)
        stored = {name: memory.dataset().graph(ox_name(name)) for name in Graphs.ALL}
    for name in Graphs.ALL:
        assert same_graph(fast[name], stored[name]), name
        assert len(fast[name]) == len(before[name]) > 0, name


def assert_inferred_blank_nodes_are_data_nodes(store: OxigraphStore) -> None:
    """The rules derive facts about nodes the data has (a mechanism statement's superclass
    types): a blank node of the inferred graph is the data graph's node, not a copy of it."""
    def blank_subjects(condition: str = "") -> int:
        return int(store.query(  # type: ignore[arg-type]
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { "
            f"GRAPH <{Graphs.INFERRED}> {{ ?s ?p ?o }} FILTER(isBlank(?s)) {condition} }}"
        ).rows[0][0])

    inferred = blank_subjects()
    shared = blank_subjects(f"FILTER EXISTS {{ GRAPH <{Graphs.DATA}> {{ ?s ?q ?v }} }}")
    assert shared == inferred > 0


def test_blank_nodes_stay_one_node_across_graphs(embedded_store: OxigraphStore) -> None:
    assert_inferred_blank_nodes_are_data_nodes(embedded_store)


def ox_name(name: str):
    from rdflib import URIRef

    return URIRef(name)


def test_other_graphs_survive_the_swap(tmp_path: Path) -> None:
    other = "https://example.org/graph/kept"
    with OxigraphStore(tmp_path / "store") as store:
        store._store.add(ox.Quad(ox.NamedNode("https://example.org/s"),
                                 ox.NamedNode("https://example.org/p"), ox.Literal("o"),
                                 ox.NamedNode(other)))
        graph = Graph()
        graph.parse(data="<https://example.org/a> <https://example.org/b> 1 .", format="turtle")
        store.replace_graphs({Graphs.DATA: graph})
        assert store.count(other) == 1 and store.count(Graphs.DATA) == 1
    assert not [p for p in tmp_path.iterdir() if p.name != "store"]  # no folder left behind


@pytest.mark.parametrize("datatype, aliased", [("positiveInteger", True), ("integer", False)])
def test_staging_restores_only_what_it_aliased(tmp_path: Path, datatype: str,
                                               aliased: bool) -> None:
    # A literal under an integer-derived datatype is staged under validation's alias and
    # written as the engine stores it (xsd:integer); a build without one skips the restore.
    from kg.staging import DATA, Staging

    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "o.ttl").write_text("<https://example.org/C> a "
                                                 "<http://www.w3.org/2002/07/owl#Class> .\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "d.ttl").write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'<https://example.org/s> <https://example.org/n> "62"^^xsd:{datatype} .\n')
    staging = Staging.load(Project(tmp_path))
    assert staging.aliased is aliased
    assert staging.validate(Graph()).conforms
    integer = ox.Literal("62", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert [q.object for q in staging.store.quads_for_pattern(None, None, None, DATA)] == [integer]
    staging.write_unshared(DATA, tmp_path / "out.nt")
    assert (tmp_path / "out.nt").read_text().count(f"{integer} ") == 1


def test_the_split_dump_writes_what_the_queries_wrote(tmp_path: Path) -> None:
    # The bulk loader's files from the engine's dump, split on "_:", hold the same triples as
    # those selected quad by quad: without blank nodes in one file per graph, with them in one.
    from kg.staging import ASSERTED, INFERRED, STAGED, Staging

    out = tmp_path / "project"
    assert CliRunner().invoke(main, ["synth", "--triples", "3000", "--out", str(out)]
                              ).exit_code == 0
    staging = Staging.load(Project(out))
    assert not staging.aliased
    for graph in ASSERTED:
        staging.write_unshared(graph, tmp_path / "unshared.nt")
        written = (tmp_path / "unshared.nt").read_bytes()
        assert b"_:" not in written
        expected = {(q.subject, q.predicate, q.object)
                    for q in staging.store.quads_for_pattern(None, None, None, graph)
                    if not isinstance(q.subject, ox.BlankNode)
                    and not isinstance(q.object, ox.BlankNode)}
        assert {(t.subject, t.predicate, t.object) for t in ox.parse(
            written, format=ox.RdfFormat.N_TRIPLES)} == expected
    staging.validate(load_files(Project(out).shapes_files))
    staging.infer()
    staging.write_unshared(INFERRED, tmp_path / "unshared.nt")
    staging.write_shared(STAGED, tmp_path / "shared.nq")
    split = set(ox.parse(path=str(tmp_path / "shared.nq"), format=ox.RdfFormat.N_QUADS))
    staging._shared.clear()  # the quad by quad path
    staging.write_shared(STAGED, tmp_path / "quads.nq")
    by_quad = set(ox.parse(path=str(tmp_path / "quads.nq"), format=ox.RdfFormat.N_QUADS))
    assert split == by_quad and any(isinstance(q.object, ox.BlankNode) for q in split)
