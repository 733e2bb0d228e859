"""Rewritten questions against their earlier text, on the same store, interleaved in one run.

    .venv/bin/python bench/query_rewrites.py --store DIR [--rounds 5] [--only NAME ...]

The earlier texts are the ones tests/test_canned_rewrites.py and tests/test_search_index.py pin
the answers to (tests/fixtures/*-before-rewrite/). Each is run on the built store opened
read-only with pyoxigraph, the default graph as the union of the named graphs and the answer
written as SPARQL JSON, as bench/run.py's bare pyoxigraph column does; old and new text in turn,
`--rounds` times after one warm-up run that also checks both give the same rows. Prints the
medians, the rows and the load average before and after. Not part of the tests.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.queries import bind, canned_query  # noqa: E402
from web.page_queries import bound  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SEARCH_WORD = "Acupu"  # what bench/run.py searches for when the shipped data is in the graph


def pairs() -> dict[str, tuple[str, str]]:
    """Question name -> (earlier text, current text)."""
    found = {p.stem: (p.read_text(encoding="utf-8"), canned_query(p.stem).text)
             for p in sorted((FIXTURES / "canned-before-rewrite").glob("*.rq"))}
    search = (FIXTURES / "page-queries-before-rewrite" / "search.rq").read_text(encoding="utf-8")
    found[f"search ({SEARCH_WORD})"] = (bind(search, q=Literal(SEARCH_WORD)),
                                        bound("search", q=Literal(SEARCH_WORD)))
    return found


def run(store: ox.Store, text: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    answer = store.query(text, use_default_graph_as_union=True)
    out = io.BytesIO()
    answer.serialize(out, ox.QueryResultsFormat.JSON)
    return (time.perf_counter() - start) * 1000, out.getvalue()


def rows(data: bytes) -> list[str]:
    return sorted(repr(list(s)) for s in ox.parse_query_results(data, ox.QueryResultsFormat.JSON))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a built store folder")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="time only this question (repeatable); default: every one")
    args = parser.parse_args()
    store = ox.Store.read_only(str(args.store))
    texts = {n: t for n, t in pairs().items() if not args.only or n in args.only}
    if not texts:
        parser.error(f"no rewritten question named {', '.join(args.only)}; there are: "
                     f"{', '.join(pairs())}")
    print(f"store {args.store}: {len(store):,} quads; load average before "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    counts = {}
    for name, (old, new) in texts.items():  # warm-up, and the answers compared
        before, after = rows(run(store, old)[1]), rows(run(store, new)[1])
        counts[name] = (len(before), before == after)
    times: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in texts}
    for _ in range(args.rounds):
        for name, (old, new) in texts.items():
            times[name][0].append(run(store, old)[0])
            times[name][1].append(run(store, new)[0])
    print("| question | rows | same rows | earlier text ms | rewritten ms | ratio |")
    print("|---|---|---|---|---|---|")
    for name, (old_ms, new_ms) in times.items():
        before, after = statistics.median(old_ms), statistics.median(new_ms)
        n, same = counts[name]
        print(f"| {name} | {n:,} | {'yes' if same else 'NO'} | {before:,.1f} | {after:,.1f} | "
              f"{before / after:,.1f}× |", flush=True)
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"medians of {args.rounds} runs each, old and new in turn, after one warm-up run")


if __name__ == "__main__":
    main()
