"""A bounded load test on loopback: many clients, mixed requests, a few runaway queries.

Starts `kg serve` over the built store (run `kg build` first), runs CLIENTS threads for
DURATION seconds, each picking requests from a weighted mix (entity pages, canned questions
through /sparql, the search API, and now and then a query that would run for hours), then
prints per-kind counts by status and p50/p99 latencies, and how fast the server answers once
the load stops. Statuses 429 (rate limit) and 503/504 (time limit, busy) are the intended
refusals; anything else that is not 2xx counts as an error and makes the script exit 1.

Usage: .venv/bin/python scripts/bench_load.py [--duration 60] [--clients 16]
       [--store var/store] [--set KG_QUERY_TIMEOUT=10 ...]
"""

from __future__ import annotations

import argparse
import http.client
import random
import statistics
import threading
import time
import urllib.parse
from collections import Counter, defaultdict

from local_server import served

from kg.queries import canned_queries

INTENDED = {429, 503, 504}
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
PAGES = ["/", "/id/claim/acupuncture--restless-legs-syndrome", "/id/remedy/acupuncture",
         "/id/acupoint/ST36", "/id/condition/restless-legs-syndrome", "/browse/Remedy",
         "/id/remedy/acupuncture.ttl", "/questions/warnings-for-anticoagulated-patients"]
SEARCHES = ["acu", "zusanli", "restless", "warfarin", "st3", "dopamine"]


def request_mix() -> list[tuple[str, str, int]]:
    """(kind, path, weight) of every request the clients choose from."""
    mix = [("page", p, 6) for p in PAGES]
    mix += [("canned", "/sparql?" + urllib.parse.urlencode({"query": q.text}), 4)
            for q in canned_queries().values()]
    mix += [("search", "/api/search?" + urllib.parse.urlencode({"q": s}), 3) for s in SEARCHES]
    mix.append(("runaway", "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}), 1))
    return mix


def accept_for(path: str) -> dict[str, str]:
    return {"Accept": "application/sparql-results+json"} if path.startswith("/sparql") else {}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def client(base: str, mix: list[tuple[str, str, int]], until: float, seed: int,
           results: list[tuple[str, int, float]], lock: threading.Lock) -> None:
    rng = random.Random(seed)
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    kinds = list(mix)
    weights = [m[2] for m in mix]
    while time.monotonic() < until:
        kind, path, _ = rng.choices(kinds, weights)[0]
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=accept_for(path))
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0  # the connection failed: an error
            conn.close()
            conn = http.client.HTTPConnection(host, int(port), timeout=120)
        with lock:
            results.append((kind, status, (time.perf_counter() - start) * 1000))
    conn.close()


def after_load(base: str) -> list[float]:
    """Latencies (ms) of simple requests right after the load stops."""
    host, port = base.removeprefix("http://").split(":")
    times = []
    for path in ["/id/acupoint/ST36", "/sparql?query=ASK%7B%7D"] * 5:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        start = time.perf_counter()
        conn.request("GET", path, headers=accept_for(path))
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - start) * 1000)
        conn.close()
        assert response.status == 200, (path, response.status)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--store", default="var/store")
    parser.add_argument("--set", action="append", default=[], metavar="KG_NAME=VALUE",
                        help="a setting for the server (repeatable)")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.set)
    mix = request_mix()
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    with served(args.store, env) as base:
        until = time.monotonic() + args.duration
        threads = [threading.Thread(target=client, args=(base, mix, until, i, results, lock))
                   for i in range(args.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        recovery = after_load(base)

    by_kind: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for kind, status, ms in results:
        by_kind[kind].append((status, ms))
    print(f"{args.clients} clients, {elapsed:.1f} s, {len(results)} requests "
          f"({len(results) / elapsed:.0f}/s); settings: {env or 'defaults'}")
    print(f"{'kind':<8} {'requests':>8} {'p50 ms':>9} {'p99 ms':>9}  statuses")
    errors = 0
    for kind in ("page", "canned", "search", "runaway"):
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        statuses = Counter(s for s, _ in rows)
        ok = [ms for s, ms in rows if s < 300] or [ms for _, ms in rows]
        errors += sum(n for s, n in statuses.items() if s >= 300 and s not in INTENDED)
        print(f"{kind:<8} {len(rows):>8} {statistics.median(ok):>9.1f} "
              f"{percentile(ok, 0.99):>9.1f}  {dict(sorted(statuses.items()))}")
    print(f"after the load: median {statistics.median(recovery):.1f} ms, "
          f"max {max(recovery):.1f} ms over {len(recovery)} requests")
    print(f"errors (not 2xx, 429, 503, 504): {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
