"""The canned questions through each backend, side by side: embedded, Oxigraph server, Virtuoso.

Builds the shipped data into the embedded store (in memory) and into each engine (started on
loopback ports over a temporary folder, as the tests do), then runs every canned question
ROUNDS times through the store interface, one after another, and prints the median latency
in milliseconds per backend and its ratio to the embedded store. Also prints each build's
store step (the load), and the queries of the entity page, of an "Is it safe for me?" answer
and of the evidence map. An engine that cannot start is reported and left out.

Usage: .venv/bin/python scripts/bench_backends.py [--rounds 30] [--graph-store]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.engines

from rdflib import URIRef  # noqa: E402

from kg.build import build  # noqa: E402
from kg.evidence_map import query_text as evidence_map_query  # noqa: E402
from kg.namespaces import BASE  # noqa: E402
from kg.project import Project  # noqa: E402
from kg.queries import bind, canned_queries  # noqa: E402
from kg.safety import answer_query, runnable  # noqa: E402
from kg.store import OxigraphStore, Store  # noqa: E402
from tests.engines import ENGINES, Engine, EngineUnavailable  # noqa: E402
from web.page_queries import bound  # noqa: E402

CLAIM = URIRef("https://w3id.org/remedy-kg/id/claim/acupuncture--restless-legs-syndrome")


def questions() -> dict[str, str]:
    texts = {name: q.text for name, q in canned_queries().items()}
    texts["(entity page of the RLS claim)"] = bound("entity-page", this=CLAIM)
    texts["(safety: RLS, 2 situations, warfarin)"] = bind(
        runnable(answer_query("safety")),
        condition=URIRef(BASE + "id/condition/restless-legs-syndrome"),
        situation=[URIRef(BASE + "id/population/anticoagulated-patients"),
                   URIRef(BASE + "id/population/implanted-electrical-devices")],
        taking=[URIRef(BASE + "id/remedy/warfarin")])
    texts["(evidence map, every claim)"] = evidence_map_query()
    return texts


def median_ms(store: Store, text: str, rounds: int) -> float:
    store.query(text)  # warm caches (and the remote store's graph list)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        store.query(text)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--graph-store", action="store_true",
                        help="load the engines by the Graph Store Protocol, not SPARQL Update")
    args = parser.parse_args()
    project = Project.locate()
    texts = questions()
    medians: dict[str, dict[str, float]] = {}
    loads: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        backends: list[tuple[str, Store, Engine | None]] = [("embedded", OxigraphStore(None), None)]
        for name, kind in ENGINES.items():
            engine = kind(Path(tmp) / name)
            try:
                engine.start()
            except EngineUnavailable as exc:
                print(f"{name}: left out, it did not start: {exc}", file=sys.stderr)
                continue
            backends.append((name, engine.store(graph_store=args.graph_store), engine))
        try:
            for name, store, _ in backends:
                loads[name] = build(project, store).timings["store"]
                medians[name] = {q: median_ms(store, text, args.rounds)
                                 for q, text in texts.items()}
        finally:
            for _, _, engine in backends:
                if engine is not None:
                    engine.stop()
    names = list(medians)
    width = max(len(q) for q in texts)
    print(f"median ms over {args.rounds} rounds (ratio to embedded); "
          f"engines loaded by {'Graph Store Protocol' if args.graph_store else 'SPARQL Update'}")
    print(f"{'question':<{width}}  " + "  ".join(f"{n:>24}" for n in names))
    for q in texts:
        base = medians["embedded"][q]
        cells = [f"{medians[n][q]:>10.2f} ({medians[n][q] / base:>6.1f}x)" for n in names]
        print(f"{q:<{width}}  " + "  ".join(f"{c:>24}" for c in cells))
    print(f"{'load (build store step, s)':<{width}}  "
          + "  ".join(f"{loads[n]:>24.2f}" for n in names))


if __name__ == "__main__":
    main()
