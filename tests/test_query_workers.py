"""Query workers over an on-disk store that follow the community journal."""

from __future__ import annotations

import multiprocessing.process
import shutil
from pathlib import Path

import pytest

from kg.namespaces import Graphs
from kg.query_workers import QueryRequest, StoreSource, Worker, WorkerPool
from kg.store import OxigraphStore, StoreError, open_store
from kg.store.journal import open_journal


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    """A community journal holding one post, written after the build."""
    path = tmp_path / "community.jsonl"
    writer = open_journal(path)
    writer.update(f'INSERT DATA {{ GRAPH <{Graphs.COMMUNITY}> {{ '
                  '<urn:x-test:post> <urn:x-test:says> "written after the build" } }')
    writer.close()
    return path


def test_a_worker_following_a_journal_reads_a_checkpoint_of_the_disk_store(
        disk_store, engine, journal: Path) -> None:
    if engine is not None:
        pytest.skip("workers serve the embedded on-disk store only")
    with open_store(disk_store, read_only=True) as disk:
        curated = len(disk._store)  # type: ignore[attr-defined]
    pool = WorkerPool(lambda: StoreSource(path=str(disk_store), journal=str(journal)), 1)
    try:
        said = pool.query(QueryRequest(
            f"SELECT ?o WHERE {{ GRAPH <{Graphs.COMMUNITY}> {{ ?s <urn:x-test:says> ?o }} }}"), 60)
        assert [str(row[0]) for row in said.result.rows] == ["written after the build"]
        counted = pool.query(QueryRequest(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"), 60)
        assert int(counted.result.rows[0][0]) == curated + 1  # every curated quad, and the post
        scratch = Path(pool._workers[0].scratch)  # a checkpoint beside the store, not a copy
        assert (scratch / "store").is_dir() and scratch.parent == Path(disk_store).parent
    finally:
        pool.close()
    assert not scratch.exists()
    with open_store(disk_store, read_only=True) as disk:  # the store itself took no write
        assert len(disk._store) == curated  # type: ignore[attr-defined]


def test_a_query_of_the_default_graph_alone_runs_on_the_served_graphs_only(
        disk_store, engine, journal: Path) -> None:
    """The served store answers over the engine's union of its graphs: it must hold no graph
    kept apart (VoID, examples, community), and its answers must be those of the served list."""
    if engine is not None:
        pytest.skip("workers serve the embedded on-disk store only")
    source = StoreSource(path=str(disk_store), journal=str(journal))
    with open_store(disk_store, read_only=True) as disk:
        held = disk.graph_names()
        served = [g for g in held if g not in disk.namespaces.graphs.APART]
    assert set(held) - set(served), "the shipped store holds graphs apart (VoID, examples)"
    scratch = source.scratch()
    try:
        stores = source.open(scratch)
        assert stores.served.graph_names() == served
        assert stores.full.graph_names() == held
        stores.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    pool = WorkerPool(lambda: source, 1)
    try:
        union = pool.query(QueryRequest(count, default_graph_only=True), 60)
        for apart in ("ASK { ?s <urn:x-test:says> ?o }",  # the community graph
                      "ASK { ?s a <http://rdfs.org/ns/void#Dataset> }"):  # the VoID graph
            assert pool.query(QueryRequest(apart, default_graph_only=True), 60) \
                .result.boolean is False
        worker = Path(pool._workers[0].scratch)
        assert not (worker / "store").exists()  # the full checkpoint waits for a query naming
        listed = pool.query(QueryRequest(count, default_graph_uris=tuple(served)), 60)
        assert (worker / "store").is_dir()
        assert int(union.result.rows[0][0]) == int(listed.result.rows[0][0]) > 0
        assert pool.query(QueryRequest(
            f"ASK {{ GRAPH <{Graphs.VOID}> {{ ?s a <http://rdfs.org/ns/void#Dataset> }} }}"),
            60).result.boolean is True
    finally:
        pool.close()


def test_a_request_with_a_dataset_cannot_claim_the_default_graph_only() -> None:
    with pytest.raises(ValueError):
        QueryRequest("ASK {}", default_graph_uris=("urn:x-test:g",), default_graph_only=True)


def test_a_worker_that_cannot_start_leaves_no_scratch_folder(
        disk_store, engine, monkeypatch: pytest.MonkeyPatch) -> None:
    if engine is not None:
        pytest.skip("workers serve the embedded on-disk store only")
    made: list[str] = []
    scratch = StoreSource.scratch

    def remembered(self: StoreSource) -> str | None:
        made.append(scratch(self))
        return made[-1]

    def refuse(self: object) -> None:
        raise RuntimeError("cannot start a process here")

    monkeypatch.setattr(StoreSource, "scratch", remembered)
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    with pytest.raises(RuntimeError):
        Worker(StoreSource(path=str(disk_store)))
    assert made and made[0] is not None and not Path(made[0]).exists()


def test_the_served_checkpoint_holds_only_the_served_graphs(tmp_path: Path) -> None:
    """Its default graph is the engine's union of all it holds: a triple of a graph kept
    apart, or of the store's unnamed graph, would otherwise be read as served data."""
    folder = tmp_path / "store"
    with OxigraphStore(folder) as built:
        built.update(f"""INSERT DATA {{
            <urn:x-test:a> <urn:x-test:in> "data" .
            GRAPH <{Graphs.DATA}> {{ <urn:x-test:a> <urn:x-test:in> "served" }}
            GRAPH <{Graphs.VOID}> {{ <urn:x-test:a> <urn:x-test:in> "void" }}
            GRAPH <{Graphs.EXAMPLES}> {{ <urn:x-test:a> <urn:x-test:in> "examples" }}
        }}""")
    source = StoreSource(path=str(folder))
    scratch = source.scratch()
    try:
        stores = source.open(scratch)
        seen = stores.served.query("SELECT ?o WHERE { <urn:x-test:a> <urn:x-test:in> ?o }")
        assert [str(row[0]) for row in seen.rows] == ["served"]
        assert stores.served.graph_names() == [Graphs.DATA]
        assert len(stores.full.graph_names()) == 3  # the store itself, every graph in it
        stores.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def test_a_checkpoint_that_cannot_be_written_is_a_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    with OxigraphStore(folder) as built:
        built.update(f"INSERT DATA {{ GRAPH <{Graphs.DATA}> {{ "
                     "<urn:x-test:a> <urn:x-test:b> 1 } }")
    scratch = tmp_path / "not-a-folder"
    scratch.write_text("a file where the worker's scratch folder should be")
    with pytest.raises(StoreError, match="cannot make the query worker's checkpoint of"):
        StoreSource(path=str(folder)).open(str(scratch))


def test_a_long_chain_of_operators_is_answered_not_a_crash() -> None:
    # 8,000 terms (24 kB) overflowed the engine's stack in the worker, which died. The guard
    # refuses chains this long at /sparql now; the worker's stack is the second line.
    pool = WorkerPool(lambda: StoreSource(nquads=b""), 1)
    try:
        text = "SELECT * WHERE { BIND(1 AS ?a) FILTER(" + "+".join(["?a"] * 8000) + " > 0) }"
        answered = pool.query(QueryRequest(text), 60)
        assert [str(row[0]) for row in answered.result.rows] == ["1"]
    finally:
        pool.close()
