"""The remote store on real engines: killed mid-load, reloaded, and driven from the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.cli import main
from kg.store.transport import EngineError
from tests.conftest import start_engine
from tests.engines import ENGINES, free_port

EX = "http://example.org/"


def _graph(label: str, size: int) -> Graph:
    g = Graph()
    for i in range(size):
        g.add((URIRef(f"{EX}s{i}"), URIRef(EX + "p"), Literal(f"{label} {i}")))
    part = BNode()  # blank nodes must survive the trip, whatever the chunking
    g.add((URIRef(EX + "s0"), URIRef(EX + "part"), part))
    g.add((part, URIRef(EX + "label"), Literal(f"{label} part", lang="en")))
    return g


@pytest.mark.parametrize("mode", ["update", "graph-store"])
@pytest.mark.parametrize("name", list(ENGINES))
def test_engine_killed_mid_load_keeps_the_old_data(name: str, mode: str, tmp_path: Path) -> None:
    engine = start_engine(name, tmp_path / name)
    try:
        old = {EX + "g1": _graph("old", 20), EX + "g2": _graph("old two", 5)}
        engine.store(graph_store=mode == "graph-store").replace_graphs(old)

        def kill_after_first_step(message: str) -> None:
            # Between two requests of the load: some data staged, the swap not yet sent.
            engine.kill()

        loader = engine.store(graph_store=mode == "graph-store", chunk_triples=50,
                              progress=kill_after_first_step)
        with pytest.raises(EngineError) as caught:
            loader.replace_graphs({EX + "g1": _graph("new", 500), EX + "g2": _graph("new", 5)})
        endpoint = (engine.endpoints.graph_store if mode == "graph-store"
                    else engine.endpoints.update_url)
        assert f"cannot reach {endpoint}" in str(caught.value)
        assert "connection refused" in str(caught.value)

        engine.start()
        reader = engine.store()
        assert reader.graph_names() == [EX + "g1", EX + "g2"]  # no staging graph is served
        labels = {str(o) for o in reader.query(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}").column("o")}
        assert labels == {f"old {i}" for i in range(20)} | {f"old two {i}" for i in range(5)}
        part = reader.query(f"SELECT ?l WHERE {{ <{EX}s0> <{EX}part> ?b . ?b <{EX}label> ?l }}")
        assert sorted(map(str, part.column("l"))) == ["old part", "old two part"]
    finally:
        engine.stop()


@pytest.mark.parametrize("name", list(ENGINES))
def test_a_later_load_replaces_the_data_and_keeps_blank_nodes(name: str, tmp_path: Path) -> None:
    engine = start_engine(name, tmp_path / name)
    try:
        store = engine.store(chunk_triples=7, blank_chunk_triples=3)
        store.replace_graphs({EX + "g1": _graph("old", 10)})
        store.replace_graphs({EX + "g1": _graph("new", 30)})
        assert store.count(EX + "g1") == 32
        assert store.count() == 32
        rows = store.query(f"SELECT ?l WHERE {{ ?s <{EX}part> ?b . ?b <{EX}label> ?l }}").rows
        assert [str(r[0]) for r in rows] == ["new part"]
    finally:
        engine.stop()


def test_cli_builds_and_reads_through_endpoint_options(runner, tmp_path: Path) -> None:
    engine = start_engine("oxigraph-server", tmp_path / "engine")
    try:
        urls = engine.endpoints
        built = runner.invoke(main, ["build", "--endpoint", urls.query,
                                     "--update-endpoint", str(urls.update)])
        assert built.exit_code == 0, built.output
        assert f"built {urls.query}" in built.output
        stats = runner.invoke(main, ["stats"], env={"KG_ENDPOINT": urls.query})
        assert stats.exit_code == 0, stats.output
        assert "data" in stats.output and "Remedy" in stats.output
        answer = runner.invoke(main, ["query", "acupoints-for-restless-legs",
                                      "--endpoint", urls.query])
        assert "ST36" in answer.output
    finally:
        engine.stop()


def test_cli_on_a_stopped_engine_is_a_clear_message(runner) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = runner.invoke(main, ["query", "ASK {}", "--endpoint", url])
    assert result.exit_code == 1
    assert f"cannot reach {url}: connection refused" in result.output
    assert "Traceback" not in result.output
