"""Query workers over an on-disk store that follow the community journal."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.namespaces import Graphs
from kg.query_workers import QueryRequest, StoreSource, WorkerPool
from kg.store import open_store
from kg.store.journal import open_journal


def test_a_worker_following_a_journal_reads_a_checkpoint_of_the_disk_store(
        disk_store, engine, tmp_path: Path) -> None:
    if engine is not None:
        pytest.skip("workers serve the embedded on-disk store only")
    journal = tmp_path / "community.jsonl"
    writer = open_journal(journal)
    writer.update(f'INSERT DATA {{ GRAPH <{Graphs.COMMUNITY}> {{ '
                  '<urn:x-test:post> <urn:x-test:says> "written after the build" } }')
    writer.close()
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
