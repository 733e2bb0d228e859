"""Latency of pages and canned questions through HTTP on the shipped data.

Starts `kg serve` on a free loopback port over the built store (run `kg build` first),
requests each path N times one after another, and prints median and p90 in milliseconds.
Usage: .venv/bin/python scripts/bench_http.py [--rounds N] [--store var/store]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kg = Path(sys.executable).with_name("kg")
    server = subprocess.Popen([str(kg), "--store", args.store, "serve", "--port", str(port)],
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
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
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
