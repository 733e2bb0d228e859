"""How fast a runaway query is stopped at the time limit, through HTTP on the shipped data.

Starts `kg serve` over the built store (run `kg build` first) with KG_QUERY_TIMEOUT set, sends
a query that would run for hours (a cross join of all triples under COUNT), and prints, per
round and as medians: the response time minus the limit (limit -> client told), the CPU the
server's processes burn while the query runs and in each of the two seconds after the answer
(a query that went on running would show ~1 core), and how long the next query then takes.
Usage: .venv/bin/python scripts/bench_query_timeout.py [--limit 2] [--rounds 5] [--store var/store]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from local_server import served

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { ?s ?p ?o }"
TICKS = os.sysconf("SC_CLK_TCK")


def _tree_cpu(root: int) -> float:
    """CPU seconds used so far by a process's descendants (from /proc): the server's tree."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(times.get(pid, 0.0) for pid in tree - {root})


def _ask(url: str, query: str) -> tuple[int, float]:
    started = time.monotonic()
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=data,
                                     headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=2.0, help="KG_QUERY_TIMEOUT, seconds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--store", default="var/store")
    args = parser.parse_args()
    env = {"KG_QUERY_TIMEOUT": str(args.limit), "KG_RATE_LIMIT": '""',
           "KG_SPARQL_RATE_LIMIT": '""'}
    me = os.getpid()  # `kg serve`, its fork server and its workers all descend from here
    with served(args.store, env) as base:
        url = base + "/sparql"
        _ask(url, QUICK)  # start the workers
        time.sleep(1)
        overshoot, during, after, later, next_query = [], [], [], [], []
        print(f"limit {args.limit:g} s; {args.rounds} rounds")
        print("round  status  response-limit(ms)  cpu-while-running  cpu-0-1s-after  "
              "cpu-1-2s-after  next(ms)")
        for i in range(args.rounds):
            outcome: list[tuple[int, float]] = []
            runaway = threading.Thread(target=lambda out=outcome: out.append(_ask(url, RUNAWAY)))
            runaway.start()
            time.sleep(0.5)
            cpu0, t0 = _tree_cpu(me), time.monotonic()
            time.sleep(max(0.2, args.limit - 0.8))
            during.append((_tree_cpu(me) - cpu0) / (time.monotonic() - t0))
            runaway.join()
            status, took = outcome[0]
            cpu1, t1 = _tree_cpu(me), time.monotonic()
            time.sleep(1)  # the replacement worker starts in this second
            cpu2, t2 = _tree_cpu(me), time.monotonic()
            time.sleep(1)
            after.append((cpu2 - cpu1) / (t2 - t1))
            later.append((_tree_cpu(me) - cpu2) / (time.monotonic() - t2))
            quick_status, quick = _ask(url, QUICK)
            overshoot.append((took - args.limit) * 1000)
            next_query.append(quick * 1000)
            print(f"{i + 1:>5}  {status:>6}  {overshoot[-1]:>18.0f}  {during[-1]:>17.2f}  "
                  f"{after[-1]:>14.2f}  {later[-1]:>14.2f}  {next_query[-1]:>8.0f}  "
                  f"(next: {quick_status})")
        print(f"median {'':>6}  {statistics.median(overshoot):>18.0f}  "
              f"{statistics.median(during):>17.2f}  {statistics.median(after):>14.2f}  "
              f"{statistics.median(later):>14.2f}  {statistics.median(next_query):>8.0f}")
        print("cpu columns: cores busy in the server's process tree")


if __name__ == "__main__":
    main()
