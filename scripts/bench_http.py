"""Latency of pages and canned questions through HTTP on the shipped data.

Starts `kg serve` on a free loopback port over the built store (run `kg build` first),
requests each path N times one after another, and prints median and p90 in milliseconds.
Usage: .venv/bin/python scripts/bench_http.py [--rounds N] [--store var/store]
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.parse
import urllib.request

from local_server import served

from kg.queries import canned_queries

PAGES = [
    "/id/claim/acupuncture--restless-legs-syndrome",
    "/id/remedy/acupuncture",
    "/id/acupoint/ST36",
    "/id/claim/acupuncture--restless-legs-syndrome.ttl",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--store", default="var/store")
    args = parser.parse_args()
    with served(args.store) as base:
        paths = PAGES + [f"/questions/{name}" for name in canned_queries()]
        paths += ["/sparql?" + urllib.parse.urlencode({"query": q.text})
                  for q in canned_queries().values()]
        print(f"{'path':<70} {'p50 ms':>8} {'p90 ms':>8}")
        for path in paths:
            times = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                request = urllib.request.Request(
                    base + path, headers={"Accept": "application/sparql-results+json"}
                    if path.startswith("/sparql") else {})
                with urllib.request.urlopen(request) as response:
                    response.read()
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            label = path if not path.startswith("/sparql") else \
                "/sparql " + next(n for n, q in canned_queries().items()
                                  if urllib.parse.quote_plus(q.text) in path)
            print(f"{label[:70]:<70} {statistics.median(times):>8.1f} "
                  f"{times[int(len(times) * 0.9) - 1]:>8.1f}")


if __name__ == "__main__":
    main()
