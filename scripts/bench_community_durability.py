"""How fast the embedded store takes community writes, per way of making them durable.

    python scripts/bench_community_durability.py [--writes 500] [--dir /tmp]

Each option casts the same votes through `kg.community.Community` (one SPARQL Update per
vote: the vote and both recounted counters) and prints writes per second, median and 99th
percentile latency, and for the journal how long a restart takes to replay it:

- journal + fsync: the chosen default (kg/store/journal.py); survives a killed process and
  a power cut;
- journal, no fsync: survives a killed process (the OS has the bytes), not a power cut;
- on-disk pyoxigraph, no flush: RocksDB's write-ahead log is written but not synced, so a
  killed process keeps the write, a power cut may not; and the curated store would need a
  writer in the serving process, which read-only query workers may not share;
- on-disk pyoxigraph + flush(): memtables flushed to files after every write.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import URIRef

from kg.community import Community
from kg.namespaces import ID
from kg.store import OxigraphStore, Store
from kg.store.journal import JournalledStore

ITEMS = [URIRef(ID + f"claim/bench-{i}") for i in range(20)]


def run(name: str, store: Store, writes: int, after: Callable[[], None] = lambda: None) -> None:
    community = Community(store, b"bench-secret")
    latencies = []
    start = time.perf_counter()
    for n in range(writes):
        t = time.perf_counter()
        community.vote(ITEMS[n % len(ITEMS)], f"visitor-{n}", "up" if n % 3 else "down")
        after()
        latencies.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    latencies.sort()
    print(f"{name:<32} {writes / total:>8.0f} writes/s  median "
          f"{statistics.median(latencies) * 1000:>6.2f} ms  p99 "
          f"{latencies[int(len(latencies) * 0.99) - 1] * 1000:>6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--dir", default=None, help="where to write (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        print(f"{args.writes} votes each, in {root}")
        journal = root / "synced.jsonl"
        store = JournalledStore(journal, sync=True)
        run("journal + fsync (chosen)", store, args.writes)
        store.close()
        store = JournalledStore(root / "unsynced.jsonl", sync=False)
        run("journal, no fsync", store, args.writes)
        store.close()
        disk = OxigraphStore(root / "oxigraph")
        run("on-disk pyoxigraph, no flush", disk, args.writes)
        disk.close()
        disk = OxigraphStore(root / "oxigraph-flushed")
        run("on-disk pyoxigraph + flush()", disk, args.writes,
            after=lambda: disk._store.flush())
        disk.close()
        start = time.perf_counter()
        JournalledStore(journal).close()
        size = journal.stat().st_size
        print(f"replaying the journal on open: {time.perf_counter() - start:.2f} s for "
              f"{args.writes} entries ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
