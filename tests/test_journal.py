"""The community journal: replayed on open, a torn last line dropped, damage reported, one
writer at a time, followers that see each write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.store import StoreError
from kg.store.journal import FollowingStore, JournalError, JournalledStore

INSERT = 'INSERT DATA {{ GRAPH <urn:g> {{ <urn:s> <urn:p> "{}" }} }}'
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:g> { ?s ?p ?o } }"


def count(store) -> int:
    return int(store.query(COUNT).rows[0][0])


def test_writes_are_replayed_and_a_torn_last_line_is_dropped(tmp_path: Path):
    journal = tmp_path / "j.jsonl"
    with JournalledStore(journal) as store:
        for i in range(3):
            store.update(INSERT.format(i))
    size = journal.stat().st_size
    with journal.open("ab") as handle:
        handle.write(b'{"crc": 1, "update": "INSERT DA')  # a crash mid-write
    with JournalledStore(journal) as store:
        assert count(store) == 3
    assert journal.stat().st_size == size  # the torn line is gone


def test_a_damaged_line_before_the_end_is_an_error_naming_the_file(tmp_path: Path):
    journal = tmp_path / "j.jsonl"
    with JournalledStore(journal) as store:
        store.update(INSERT.format("a"))
        store.update(INSERT.format("b"))
    data = journal.read_bytes().replace(b'\\"a\\"', b'\\"z\\"', 1)
    journal.write_bytes(data)
    with pytest.raises(JournalError, match="j.jsonl"):
        JournalledStore(journal)


def test_a_refused_update_leaves_neither_journal_nor_memory_changed(tmp_path: Path):
    journal = tmp_path / "j.jsonl"
    with JournalledStore(journal) as store:
        store.update(INSERT.format("a"))
        size = journal.stat().st_size
        with pytest.raises(ValueError):
            store.update("INSERT DATA { this is not SPARQL }")
        assert journal.stat().st_size == size
        assert count(store) == 1


def test_one_writer_per_journal_and_followers_see_each_write(tmp_path: Path):
    journal = tmp_path / "j.jsonl"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from kg.store.journal import JournalledStore;"
         f"s = JournalledStore({str(journal)!r}); s.update({INSERT.format('x')!r});"
         "print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="in use by another process"):
            JournalledStore(journal)
        follower = FollowingStore(journal)
        assert count(follower) == 1
        with pytest.raises(StoreError, match="only reads it"):
            follower.update(INSERT.format("y"))
    finally:
        holder.kill()
        holder.wait()
    with JournalledStore(journal) as store:  # the lock went with the process
        store.update(INSERT.format("z"))
    assert count(follower) == 2
