"""Where a /sparql query's engine time goes: the same query in pyoxigraph, in this process, on
the store read-only and on a checkpoint of it opened for writing (as the query workers do), over
the engine's union default graph and over the list of served graphs (as the workers passed it).

    .venv/bin/python bench/sparql_dataset.py --store DIR [--queries NAME,NAME] [--rounds 5]

Prints the median ms per query and variant, with the load average. Not part of the tests.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import namespaces
from kg.queries import canned_queries


def timed(store: ox.Store, text: str, options: dict[str, object]) -> float:
    """One query and pyoxigraph's writer (what the worker does before the pipe), in ms."""
    start = time.perf_counter()
    answer = store.query(text, **options)  # type: ignore[arg-type]
    if isinstance(answer, ox.QueryTriples):
        ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES)
    else:
        answer.serialize(format=ox.QueryResultsFormat.JSON)
    return (time.perf_counter() - start) * 1000


def variant(store: ox.Store, options: dict[str, object]) -> Callable[[str], float]:
    return lambda text: timed(store, text, options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store `kg build` wrote")
    parser.add_argument("--queries", default="conditions-for-remedy,remedies-for-outcome,"
                        "warnings-for-remedy-and-population,adverse-events-of-remedy,"
                        "mechanisms-of-remedy")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    canned = canned_queries()
    print("load average at start:", Path("/proc/loadavg").read_text().strip(), flush=True)
    apart = set(namespaces().graphs.APART)
    # The checkpoint's folder goes while its store may still be compacting: ignore that.
    with tempfile.TemporaryDirectory(dir=args.store.parent, prefix=".sparql-dataset-",
                                     ignore_cleanup_errors=True) as tmp:
        disk = ox.Store.read_only(str(args.store))
        disk.backup(str(Path(tmp) / "checkpoint"))
        stores = {"read-only": disk, "checkpoint": ox.Store(str(Path(tmp) / "checkpoint"))}
        served = [g for g in disk.named_graphs() if g.value not in apart]
        datasets: dict[str, dict[str, object]] = {
            "union": {"use_default_graph_as_union": True}, "list": {"default_graph": served}}
        variants = {f"{s}, {d}": variant(stores[s], datasets[d])
                    for s in stores for d in datasets}
        print("| query | " + " | ".join(variants) + " |")
        print("|---|" + "---|" * len(variants))
        for name in args.queries.split(","):
            text = canned[name].text
            times: dict[str, list[float]] = {v: [] for v in variants}
            for run in variants.values():  # warm up
                run(text)
            for _ in range(args.rounds):
                for label, run in variants.items():
                    times[label].append(run(text))
            print(f"| {name} | " + " | ".join(f"{statistics.median(t):.1f}"
                                              for t in times.values()) + " |", flush=True)
        stores.clear()
        variants.clear()
    print("load average at end:", Path("/proc/loadavg").read_text().strip())


if __name__ == "__main__":
    main()
