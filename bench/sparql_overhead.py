"""/sparql against the bare engine, and before against after, interleaved in one run.

    .venv/bin/python bench/sparql_overhead.py --store DIR [--before /work/main/.venv/bin]
        [--queries NAME,NAME...] [--rounds N]

Starts `kg serve` from this checkout (and, with --before, from another checkout's virtualenv,
on the same store folder, read-only), a bare Oxigraph server over the same quads, and opens
the store with pyoxigraph. Then it sends `ASK {}` and every canned question to each, one
request at a time in turn, `--rounds` times, and prints the medians, the overhead over
pyoxigraph and the ratio to the bare server. Keep-alive clients on loopback, as bench/run.py
(whose helpers it uses); the rate limits are off, as there. Not part of the tests.

Columns: `run` is this checkout with the answer cache off (KG_ANSWER_CACHE_BYTES=0: every
query runs; the guard's parse of the text is kept from the warm-up), `kept` the same with the
cache on (after the warm-up every answer comes from memory), `before` and `before kept` the
other checkout the same two ways, and `new text` the `run` server sent a text it has never
seen (a unique comment at the end), so it pays the guard's parse too, as a query asked for the
first time. `--queries` keeps `ASK {}` and the canned questions named (at 1M a round of all of
them takes minutes).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # noqa: E402
    BIN,
    JSON_RESULTS,
    NTRIPLES,
    SERVER_ENV,
    Client,
    free_port,
    is_graph,
    oxigraph_server,
    throughput,
    wait_for,
)

from kg.queries import canned_queries  # noqa: E402

PIDS: dict[str, int] = {}  # netloc -> the kg serve process


@contextmanager
def kg_serve(bin_dir: Path, store: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen([str(bin_dir / "kg"), "--store", str(store), "serve", "--port",
                               str(port)], stderr=subprocess.DEVNULL,
                              env={**os.environ, **SERVER_ENV, **(env or {})})
    try:
        wait_for(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", server)
        PIDS[f"127.0.0.1:{port}"] = server.pid
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def over_http(netloc: str, endpoint: str, new_text: bool = False) -> Callable[[str], float | None]:
    """`new_text`: a comment made unique per request, so the server has never seen the text
    (its guard parses it, as for a query asked for the first time)."""
    client = Client(netloc)
    sent = itertools.count()

    def run(text: str) -> float | None:
        if new_text:
            text = f"{text}\n# {next(sent)}"
        path = endpoint + "?" + urllib.parse.urlencode({"query": text})
        accept = NTRIPLES if is_graph(text) else JSON_RESULTS
        status, _, ms, _ = client.get(path, {"Accept": accept})
        return ms if status == 200 else None
    return run


def embedded(store: ox.Store) -> Callable[[str], float]:
    """The engine alone: the query and pyoxigraph's writer, in this process."""
    def run(text: str) -> float:
        start = time.perf_counter()
        answer = store.query(text, use_default_graph_as_union=True)
        if isinstance(answer, ox.QueryTriples):
            ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES)
        else:
            answer.serialize(format=ox.QueryResultsFormat.JSON)
        return (time.perf_counter() - start) * 1000
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store `kg build` wrote")
    parser.add_argument("--before", type=Path, help="bin folder of another checkout's venv")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=3.0, help="per throughput figure")
    parser.add_argument("--queries", help="comma-separated canned question names (default: "
                                          "all; '' for ASK {} alone)")
    parser.add_argument("--rate-limits", action="store_true",
                        help="count requests as a default server does (limits too high to "
                             "refuse any), instead of turning the rate limits off")
    args = parser.parse_args()
    counted = {"KG_RATE_LIMIT": "1000000 per minute", "KG_SPARQL_RATE_LIMIT": "1000000 per minute"}
    limits = counted if args.rate_limits else {}
    canned = canned_queries()
    # `--queries ''`: `ASK {}` alone.
    names = [n for n in args.queries.split(",") if n] if args.queries is not None \
        else list(canned)
    unknown = [name for name in names if name not in canned]
    if unknown:
        parser.error(f"no canned question named {', '.join(unknown)}")
    queries = {"ASK {}": "ASK {}", **{name: canned[name].text for name in names}}
    print(f"load average at start: {load_average()}", flush=True)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        store = ox.Store.read_only(str(args.store))
        dump = Path(scratch) / "dump.nq"
        store.dump(str(dump), ox.RdfFormat.N_QUADS)
        bare, _ = stack.enter_context(oxigraph_server(dump, Path(scratch) / "oxigraph"))
        # "run": answers not kept, every query runs; "kept": the default, answers to queries
        # asked before come from memory (after the warm-up, every figure of this column).
        servers = {"run": stack.enter_context(kg_serve(BIN, args.store,
                                                       {"KG_ANSWER_CACHE_BYTES": "0", **limits})),
                   "kept": stack.enter_context(kg_serve(BIN, args.store, limits))}
        if args.before:
            servers["before"] = stack.enter_context(
                kg_serve(args.before, args.store, {"KG_ANSWER_CACHE_BYTES": "0", **limits}))
            servers["before kept"] = stack.enter_context(kg_serve(args.before, args.store,
                                                                  limits))
        engines: dict[str, Callable[[str], float | None]] = {
            name: over_http(netloc, "/sparql") for name, netloc in servers.items()}
        engines["new text"] = over_http(servers["run"], "/sparql", new_text=True)
        engines["pyoxigraph"] = embedded(store)
        engines["oxigraph-server"] = over_http(bare, "/query")
        times: dict[str, dict[str, list[float]]] = {
            q: {e: [] for e in engines} for q in queries}
        for text in queries.values():  # warm every cache once
            for run in engines.values():
                run(text)
        for _ in range(args.rounds):
            for name, text in queries.items():
                for engine, run in engines.items():
                    ms = run(text)
                    if ms is not None:
                        times[name][engine].append(ms)
        memory = {name: descendants_rss_mb(PIDS[netloc]) for name, netloc in servers.items()}
        rps: dict[str, float] = {}
        for name, netloc in [*servers.items(), ("oxigraph-server", bare)]:
            path = "/query" if name == "oxigraph-server" else "/sparql"
            for clients in (1, 8, 16):
                rps[f"{name} x{clients}"] = throughput(
                    netloc, f"{path}?query=ASK%7B%7D", {"Accept": JSON_RESULTS}, clients,
                    args.seconds)["rps"]
    print(f"load average at end: {load_average()}")
    print(report(times, list(engines), rps))
    print("\n| server | MB RSS, with its query workers, after the rounds |\n|---|---|")
    print("\n".join(f"| {name} | {mb:,.0f} |" for name, mb in memory.items()))


def descendants_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (the fork server's query workers
    are the server's grandchildren), in MB."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent[int(proc.name)] = int(stat[1])
            rss[int(proc.name)] = int(stat[21])
    tree = {pid}
    grew = True
    while grew:
        more = {child for child, up in parent.items() if up in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(rss.get(p, 0) for p in tree) * os.sysconf("SC_PAGE_SIZE") / 2**20


def load_average() -> str:
    return Path("/proc/loadavg").read_text().strip()


def report(times: dict[str, dict[str, list[float]]], engines: list[str],
           rps: dict[str, float]) -> str:
    med: dict[str, dict[str, Any]] = {
        q: {e: statistics.median(ts) if ts else None for e, ts in per.items()}
        for q, per in times.items()}
    servers = [e for e in engines if e in ("run", "kept", "before", "before kept")]
    head = ["query", *engines, *(f"{s} − pyoxigraph" for s in servers),
            *(f"{s} ÷ server" for s in servers)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for query, per in med.items():
        cells = [query, *(f"{per[e]:.2f}" if per[e] is not None else "—" for e in engines)]
        for s in servers:
            cells.append(f"{per[s] - per['pyoxigraph']:.2f}" if per[s] is not None else "—")
        for s in servers:
            server = per["oxigraph-server"]
            cells.append(f"{per[s] / server:.2f}×" if per[s] and server else "—")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| ASK {} requests per second | rps |", "|---|---|"]
    lines += [f"| {name} | {value:,.0f} |" for name, value in rps.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
