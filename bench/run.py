"""The benchmark suite: Remedy KG at 10k, 100k and 1M triples, beside the engines users would pick.

One command, not part of the tests (speed is measured here, never in timed tests):

    .venv/bin/python bench/run.py [--sizes 10k,100k,1m] [--large] [--rounds 30]

For each size it writes a synthetic project (`kg synth`, plus the shipped data unless
--no-shipped, so the canned questions have answers), then measures:

- `kg build` wall time split by step and peak memory (a child process, its own rusage), and a
  second build with nothing changed. A build over --build-timeout is stopped and reported as
  such; the store is then loaded by the engine's bulk loader with the same graphs and rules,
  without validation, so the serving figures can still be taken (the report says so);
- through HTTP on the production server (`kg serve`: granian, or waitress with
  KG_SERVER=waitress; rate limits off): p50/p99 of every canned question (the /sparql answer
  and the /questions page), entity pages (HTML and each RDF variant), search and dumps (time
  to first byte and to the last byte);
- requests per second with 1, 8 and 16 keep-alive clients;
- the same SPARQL, interleaved in one loop, against our /sparql, a bare pyoxigraph store (the
  same folder, read-only, answers written by pyoxigraph's JSON writer), a bare Oxigraph server
  (`oxigraph load` + `oxigraph serve-read-only --union-default-graph`) and rdflib's memory
  store (a child process; up to 1M triples, stopped past --rdflib-timeout);
- the server's memory after all of that.

It prints a table of medians and ratios, and writes JSON and a dated Markdown report naming
the machine under bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.namespaces import BASE, Graphs  # noqa: E402
from kg.queries import canned_queries  # noqa: E402
from web.page_queries import bound  # noqa: E402

BIN = Path(sys.executable).parent
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
RKG = "https://w3id.org/remedy-kg/ontology#"
RLS_CLAIM = "https://w3id.org/remedy-kg/id/claim/acupuncture--restless-legs-syndrome"
VARIANTS = ["", ".ttl", ".jsonld", ".nt", ".rdf"]
JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
# Limits off for the bench: at the defaults the rate limits answer 98 % of a load test with
# 429s (scripts/bench_load.py), which measures the limiter, not the server.
BUDGET_MS = 60_000  # per measured item; at least MIN_ROUNDS are taken anyway
MIN_ROUNDS = 5
SERVER_ENV = {"KG_RATE_LIMIT": "", "KG_SPARQL_RATE_LIMIT": "", "KG_QUERY_TIMEOUT": "60",
              "KG_MAX_RESULT_ROWS": "1000000"}


# ------------------------------------------------------------------ small helpers

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * p))]


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values), "p99": percentile(values, 0.99),
            "n": len(values)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 for line in
                Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    server = subprocess.run([str(BIN / "oxigraph"), "--version"], capture_output=True,
                            text=True).stdout.strip()
    return {"host": platform.node(), "cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem,
            "os": platform.platform(), "python": platform.python_version(),
            "pyoxigraph": ox.__version__ if hasattr(ox, "__version__") else "?",
            "oxigraph_server": server,
            "load_average": os.getloadavg()}


def run_measured(command: list[str], timeout: float,
                 env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command; wall time, exit status, peak memory (its own rusage), and its stderr
    lines with the second each arrived (so a stopped build still shows how far it got)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})}, start_new_session=True)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            lines.append((time.perf_counter() - start, raw.decode(errors="replace").rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timer = threading.Timer(timeout, lambda: os.killpg(process.pid, signal.SIGKILL))
    timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    reader.join(10)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    return {"wall": wall, "exit": process.returncode, "peak_mb": usage.ru_maxrss / 1024,
            "timed_out": wall >= timeout and process.returncode < 0, "lines": lines,
            "stderr": "\n".join(line for _, line in lines)}


# ------------------------------------------------------------------ data and build

def make_project(folder: Path, triples: int, shipped: bool) -> dict[str, Any]:
    result = run_measured([str(BIN / "kg"), "synth", "--triples", str(triples),
                           "--out", str(folder), "--seed", "1"], 3600)
    if result["exit"] != 0:
        raise SystemExit(f"kg synth failed:\n{result['stderr']}")
    if shipped:
        for path in sorted((ROOT / "data").glob("*.ttl")):
            shutil.copyfile(path, folder / "data" / f"shipped-{path.name}")
    files = sorted((folder / "data").glob("*.ttl"))
    return {"wall": result["wall"], "files": len(files),
            "bytes": sum(p.stat().st_size for p in files)}


STEP = re.compile(r"(\w+) ([0-9.]+) s")


def kg_build(project: Path, store: Path, timeout: float, kg: list[str] | None = None,
             env: dict[str, str] | None = None) -> dict[str, Any]:
    """One `kg build` (by default this tree's; `kg` and `env` run another's)."""
    result = run_measured([*(kg or [str(BIN / "kg")]), "--project", str(project),
                           "--store", str(store), "build"], timeout, env)
    lines = result["lines"]
    # "load...", "validate...": each step's time is the time to the next line.
    steps = {}
    for i, (at, line) in enumerate(lines):
        if line.endswith("...") and " " not in line:
            end = lines[i + 1][0] if i + 1 < len(lines) else result["wall"]
            steps[line.rstrip(".")] = end - at
    reported = [m for _, line in lines for m in [STEP.findall(line)] if len(m) >= 3]
    if reported:  # the build's own figures, when it got to print them
        steps = {name: float(t) for name, t in reported[-1]}
    reached = [line.rstrip(".") for _, line in lines if line.endswith("...")]
    status = "ok" if result["exit"] == 0 else "timeout" if result["timed_out"] else "failed"
    return {"status": status, "wall": result["wall"], "peak_mb": result["peak_mb"],
            "steps": steps, "last_step": reached[-1] if reached else None,
            "error": "" if status == "ok" else result["stderr"][-2000:]}


def bulk_prepare(project: Path, store_path: Path) -> dict[str, Any]:
    """The graphs `kg build` writes, by pyoxigraph's bulk loader and the rules run in the
    engine, with no validation: only for serving figures when the build is over its cap."""
    start = time.perf_counter()
    if store_path.exists():
        shutil.rmtree(store_path)
    store = ox.Store(str(store_path))
    for folder, graph in (("ontology", Graphs.ONTOLOGY), ("shapes", Graphs.SHAPES),
                          ("data", Graphs.DATA)):
        for path in sorted((project / folder).glob("*.ttl")):
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE,
                            to_graph=ox.NamedNode(graph))
    inferred = ox.NamedNode(Graphs.INFERRED)
    from kg.inference import rules

    new = []
    for text in rules().values():
        for t in store.query(text, use_default_graph_as_union=True):
            if not any(True for _ in store.quads_for_pattern(t.subject, t.predicate, t.object)):
                new.append(ox.Quad(t.subject, t.predicate, t.object, inferred))
    store.bulk_extend(new)
    store.flush()
    del store
    return {"status": "bulk (no validation)", "wall": time.perf_counter() - start}


# ------------------------------------------------------------------ servers

@contextmanager
def kg_server(store: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    port = free_port()
    server = subprocess.Popen([str(BIN / "kg"), "--store", str(store), "serve", "--port",
                               str(port)], stderr=subprocess.DEVNULL,
                              env={**os.environ, **SERVER_ENV, **(env or {})})
    try:
        wait_for(f"http://127.0.0.1:{port}/", server)
        yield f"127.0.0.1:{port}", server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def oxigraph_server(dump: Path, folder: Path) -> Iterator[tuple[str, float]]:
    """A bare Oxigraph server over the same quads, loaded by its own bulk loader."""
    start = time.perf_counter()
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(folder), "--file",
                    str(dump)], check=True, capture_output=True)
    load = time.perf_counter() - start
    port = free_port()
    server = subprocess.Popen([str(BIN / "oxigraph"), "serve-read-only", "--location",
                               str(folder), "--bind", f"127.0.0.1:{port}",
                               "--union-default-graph"], stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", server)
        yield f"127.0.0.1:{port}", load
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    parsed = urllib.parse.urlsplit(url)
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"server for {url} exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection(parsed.netloc, timeout=2)
            conn.request("GET", parsed.path + ("?" + parsed.query if parsed.query else ""))
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and every process under it, in MB: the query workers are
    forked by the fork server, so they are the server's grandchildren (counting children
    alone left them out: 245 MB at 1M, bench/memory.py)."""
    parents: dict[int, int] = {}
    pages: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(proc.name)], pages[int(proc.name)] = int(stat[1]), int(stat[21])
        except (OSError, IndexError, ValueError):
            continue
    inside = {pid}
    for _ in range(8):  # a few levels deep is all there is
        inside |= {p for p, parent in parents.items() if parent in inside}
    return sum(pages.get(p, 0) for p in inside) * os.sysconf("SC_PAGE_SIZE") / 2**20


# ------------------------------------------------------------------ HTTP measurements

class Client:
    """One keep-alive connection."""

    def __init__(self, netloc: str):
        self.netloc = netloc
        self.conn = http.client.HTTPConnection(netloc, timeout=600)

    def get(self, path: str, headers: dict[str, str] | None = None,
            first_byte: bool = False) -> tuple[int, float, float, int]:
        """Status, ms to the first byte, ms to the last, body size."""
        start = time.perf_counter()
        try:
            self.conn.request("GET", path, headers=headers or {})
            response = self.conn.getresponse()
            first = response.read(1) if first_byte else b""
            ttfb = time.perf_counter() - start
            size = len(first) + len(response.read())
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.netloc, timeout=600)
            return 0, 0.0, (time.perf_counter() - start) * 1000, 0
        return response.status, ttfb * 1000, (time.perf_counter() - start) * 1000, size


def latency(netloc: str, path: str, headers: dict[str, str], rounds: int) -> dict[str, Any]:
    client = Client(netloc)
    status, _, first, size = client.get(path, headers)  # the first request, cold
    times: list[float] = []
    statuses = {status}
    for _ in range(rounds):
        if len(times) >= MIN_ROUNDS and sum(times) > BUDGET_MS:
            break  # a slow item at 1M: fewer rounds rather than an hour on one URL
        status, _, ms, _ = client.get(path, headers)
        statuses.add(status)
        times.append(ms)
    return {**summary(times), "first": first, "bytes": size, "statuses": sorted(statuses)}


def throughput(netloc: str, path: str, headers: dict[str, str], clients: int,
               seconds: float) -> dict[str, Any]:
    counts = [0] * clients
    errors = [0] * clients
    until = time.monotonic() + seconds

    def work(i: int) -> None:
        client = Client(netloc)
        while time.monotonic() < until:
            status, _, _, _ = client.get(path, headers)
            if status == 200:
                counts[i] += 1
            else:
                errors[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    return {"rps": sum(counts) / elapsed, "errors": sum(errors)}


# ------------------------------------------------------------------ bare engines

def rdflib_child(conn: Any, dump: str) -> None:
    """rdflib's memory store in a child process, answering queries sent over a pipe."""
    from rdflib import Dataset

    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    conn.send(("loaded", time.perf_counter() - start))
    while True:
        text = conn.recv()
        if text is None:
            return
        result = dataset.query(text)
        body = result.serialize(format="nt" if result.type == "CONSTRUCT" else "json")
        conn.send(("ok", len(body)))


class Rdflib:
    """The parent's handle on the rdflib child: a query that outruns the cap kills it."""

    def __init__(self, dump: Path, load_timeout: float, query_timeout: float):
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=rdflib_child, args=(child, str(dump)),
                                       daemon=True)
        self.process.start()
        self.query_timeout = query_timeout
        self.load = None
        self.dead: str | None = None
        if self.conn.poll(load_timeout):
            self.load = self.conn.recv()[1]
        else:
            self.stop(f"loading took over {load_timeout:.0f} s")
        self.slow: set[str] = set()

    def run(self, name: str, text: str) -> float | None:
        if self.dead or name in self.slow:
            return None
        start = time.perf_counter()
        self.conn.send(text)
        if not self.conn.poll(self.query_timeout):
            self.slow.add(name)
            self.stop(f"{name} took over {self.query_timeout:.0f} s")
            return None
        self.conn.recv()
        return (time.perf_counter() - start) * 1000

    def stop(self, why: str = "") -> None:
        self.dead = self.dead or why or "stopped"
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def side_by_side(ours: str, bare_server: str, store: ox.Store, rdflib: Rdflib | None,
                 queries: dict[str, str], rounds: int,
                 ours_cold: str | None = None) -> dict[str, dict[str, Any]]:
    """Each query through each engine, interleaved, `rounds` times; medians in ms.

    `ours` keeps answers (KG_ANSWER_CACHE_BYTES), so after the warm-up its figures are those
    of a query asked again; `ours_cold`, a second server with the cache off, runs every query.
    """
    ours_client, bare_client = Client(ours), Client(bare_server)

    def via(client: Client, endpoint: str) -> Callable[[str], float | None]:
        def run(text: str) -> float | None:
            path = endpoint + "?" + urllib.parse.urlencode({"query": text})
            accept = NTRIPLES if is_graph(text) else JSON_RESULTS
            status, _, ms, _ = client.get(path, {"Accept": accept})
            return ms if status == 200 else None
        return run

    def embedded(text: str) -> float:
        start = time.perf_counter()
        answer = store.query(text, use_default_graph_as_union=True)
        out = io.BytesIO()
        if isinstance(answer, ox.QueryBoolean):
            out.write(b"true" if answer else b"false")
        elif isinstance(answer, ox.QueryTriples):
            answer.serialize(out, ox.RdfFormat.N_TRIPLES)
        else:
            answer.serialize(out, ox.QueryResultsFormat.JSON)
        return (time.perf_counter() - start) * 1000

    engines: dict[str, Callable[[str], float | None]] = {
        "ours": via(ours_client, "/sparql"), "oxigraph-server": via(bare_client, "/query"),
        "pyoxigraph": embedded}
    if ours_cold is not None:
        engines["ours-cold"] = via(Client(ours_cold), "/sparql")
    times: dict[str, dict[str, list[float]]] = {q: {e: [] for e in engines} for q in queries}
    if rdflib is not None:
        for name in queries:
            times[name]["rdflib"] = []
    for text in queries.values():  # warm every cache once
        for run in engines.values():
            run(text)
    rdflib_rounds = max(3, rounds // 10)  # rdflib is 10-1000x slower: fewer rounds
    for i in range(rounds):
        for name, text in queries.items():
            spent = sum(sum(ts) for ts in times[name].values())
            if i >= MIN_ROUNDS and spent > BUDGET_MS * len(engines):
                continue
            for engine, run in engines.items():
                ms = run(text)
                if ms is not None:
                    times[name][engine].append(ms)
            if rdflib is not None and i < rdflib_rounds:
                ms = rdflib.run(name, text)
                if ms is not None:
                    times[name]["rdflib"].append(ms)
    medians: dict[str, dict[str, Any]] = {
        name: {engine: statistics.median(ts) if ts else None for engine, ts in per.items()}
        for name, per in times.items()}
    for name, per in times.items():
        medians[name]["rounds"] = len(per["ours"])
    return medians


def local(iri: str) -> str:
    """Where kg serve serves an entity IRI."""
    return "/" + iri.removeprefix(BASE)


def is_graph(text: str) -> bool:
    """CONSTRUCT or DESCRIBE: answered as N-Triples by every engine here."""
    body = re.sub(r"(?m)^\s*(#.*|PREFIX\s.*|BASE\s.*)$", "", text)
    return re.match(r"\s*(CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE) is not None


# ------------------------------------------------------------------ one size

def first_entity(store: ox.Store, kind: str, prefer: str | None = None) -> str:
    if prefer and any(True for _ in store.quads_for_pattern(ox.NamedNode(prefer), None, None)):
        return prefer
    rows = store.query(f"SELECT ?e WHERE {{ GRAPH <{Graphs.DATA}> {{ ?e a <{RKG}{kind}> }} }} "
                       "LIMIT 1")
    return next(iter(rows))["e"].value


def label_of(store: ox.Store, iri: str) -> str:
    rows = store.query(f"SELECT ?l WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> "
                       "?l }", use_default_graph_as_union=True)
    return next(iter(rows))["l"].value


def measure_size(label: str, triples: int, args: argparse.Namespace,
                 work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"size": label, "requested_triples": triples}
    folder = work / label
    project, store_path = folder / "project", folder / "store"
    say(f"[{label}] synth")
    out["synth"] = make_project(project, triples, not args.no_shipped)

    say(f"[{label}] kg build (cap {args.build_timeout:.0f} s)")
    out["build"] = kg_build(project, store_path, args.build_timeout)
    if out["build"]["status"] == "ok":
        say(f"[{label}] kg build again, nothing changed")
        out["rebuild_unchanged"] = kg_build(project, store_path, args.build_timeout)
    else:
        say(f"[{label}] build {out['build']['status']} in step {out['build']['last_step']}; "
            "bulk load for the serving figures")
        out["prepare"] = bulk_prepare(project, store_path)

    store = ox.Store.read_only(str(store_path))
    out["graph_triples"] = len(store)
    dump = folder / "dataset.nq"
    with dump.open("wb") as handle:
        store.dump(handle, ox.RdfFormat.N_QUADS)
    claim = first_entity(store, "Claim", RLS_CLAIM)
    remedy = first_entity(store, "Herb") if claim != RLS_CLAIM else \
        "https://w3id.org/remedy-kg/id/remedy/acupuncture"
    entities = {"claim": claim, "remedy": remedy,
                "condition": first_entity(store, "Condition")}
    word = label_of(store, remedy).split()[0][:5]
    searches = {"word": word, "short": word[:2], "none": "zzqxv"}
    out["entities"] = {**entities, "searches": searches}

    say(f"[{label}] HTTP latency")
    rounds = args.rounds
    with kg_server(store_path) as (ours, pid):
        http_out: dict[str, Any] = {}
        for kind, iri in entities.items():
            path = local(iri)
            for variant in VARIANTS:
                http_out[f"page {kind}{variant or ' html'}"] = latency(ours, path + variant, {},
                                                                       rounds)
        for name, q in canned_queries().items():
            sparql = "/sparql?" + urllib.parse.urlencode({"query": q.text})
            http_out[f"sparql {name}"] = latency(ours, sparql, {"Accept": JSON_RESULTS}, rounds)
            http_out[f"question page {name}"] = latency(ours, f"/questions/{name}", {}, rounds)
        for kind, q in searches.items():
            http_out[f"search {kind}"] = latency(
                ours, "/api/search?" + urllib.parse.urlencode({"q": q}), {}, rounds)
        http_out["sparql ASK {}"] = latency(ours, "/sparql?query=ASK%7B%7D",
                                            {"Accept": JSON_RESULTS}, rounds)
        out["http"] = http_out

        say(f"[{label}] dumps")
        dumps = {}
        for name in ("remedy-kg.nt", "remedy-kg.ttl"):
            client = Client(ours)
            first = client.get(f"/downloads/{name}", first_byte=True)
            again = [client.get(f"/downloads/{name}", first_byte=True) for _ in range(3)]
            dumps[name] = {"first_ttfb": first[1], "first_total": first[2], "bytes": first[3],
                           "status": first[0],
                           "again_ttfb": statistics.median(a[1] for a in again),
                           "again_total": statistics.median(a[2] for a in again)}
        out["dumps"] = dumps

        say(f"[{label}] throughput")
        loads = {"claim page html": (local(claim), {}),
                 "remedy page html": (local(remedy), {}),
                 "claim .ttl": (local(claim) + ".ttl", {}),
                 "search": ("/api/search?q=" + word, {}),
                 "sparql ASK {}": ("/sparql?query=ASK%7B%7D", {"Accept": JSON_RESULTS})}
        rps: dict[str, Any] = {}
        for name, (path, headers) in loads.items():
            for clients in (1, 8, 16):
                rps[f"{name} x{clients}"] = throughput(ours, path, headers, clients,
                                                       args.seconds)
        out["throughput"] = rps

        say(f"[{label}] side by side with the bare engines")
        queries = {name: q.text for name, q in canned_queries().items()}
        queries["entity description (claim)"] = bound("entity-description", this=_iri(claim))
        queries["search (word)"] = bound("search", q=_literal(word))
        queries["ASK {}"] = "ASK {}"
        rdflib = None
        if triples <= SIZES[args.rdflib_max]:
            say(f"[{label}] rdflib loads the dump")
            rdflib = Rdflib(dump, args.rdflib_timeout, args.rdflib_timeout)
            out["rdflib_load"] = rdflib.load
        with oxigraph_server(dump, folder / "oxigraph") as (bare, load):
            out["oxigraph_load"] = load
            ox_rps = {}
            for clients in (1, 8, 16):
                ox_rps[f"oxigraph-server ASK {{}} x{clients}"] = throughput(
                    bare, "/query?query=ASK%7B%7D", {"Accept": JSON_RESULTS}, clients,
                    args.seconds)
            out["throughput"].update(ox_rps)
            with kg_server(store_path, {"KG_ANSWER_CACHE_BYTES": "0"}) as (cold, _):
                for clients in (1, 8, 16):
                    out["throughput"][f"sparql ASK {{}}, answers not kept, x{clients}"] = \
                        throughput(cold, "/sparql?query=ASK%7B%7D", {"Accept": JSON_RESULTS},
                                   clients, args.seconds)
                out["sparql"] = side_by_side(ours, bare, store, rdflib, queries, rounds,
                                             ours_cold=cold)
        if rdflib is not None:
            out["rdflib_note"] = rdflib.dead or ""
            rdflib.stop()
        out["server_rss_mb"] = tree_rss_mb(pid)
    del store
    return out


def _iri(value: str) -> Any:
    from rdflib import URIRef

    return URIRef(value)


def _literal(value: str) -> Any:
    from rdflib import Literal

    return Literal(value)


def say(message: str) -> None:
    print(f"{dt.datetime.now(dt.UTC):%H:%M:%S} {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ report

def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}{unit}"
    return f"{value:.1f}{unit}" if value >= 10 else f"{value:.2f}{unit}"


def step_cell(build: dict[str, Any], step: str) -> str:
    stopped = build["status"] != "ok" and build["last_step"] == step
    return ("over " if stopped else "") + fmt(build["steps"][step]) + (
        " (stopped)" if stopped else "")


def http_cell(m: dict[str, Any]) -> str:
    bad = [code for code in m["statuses"] if code != 200]
    return (f"{fmt(m['p50'])} / {fmt(m['p99'])} ({fmt(m['first'])})"
            + (f" **status {bad}**" if bad else ""))


def ratio(per: dict[str, float | None], engine: str) -> str:
    """An engine's median over the bare server's."""
    server, value = per.get("oxigraph-server"), per.get(engine)
    return fmt(value / server) + "×" if value is not None and server else "—"


def report(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [f"# Benchmark {results['date']} on {m['host']}", "",
             f"{m['cpu']}, {m['cores']} cores, {m['memory_mb']:,} MB RAM; {m['os']}; Python "
             f"{m['python']}; {m['oxigraph_server']}; load average at start "
             f"{', '.join(f'{x:.1f}' for x in m['load_average'])}.", "",
             f"Command: `{results['command']}`. Latencies in ms (p50 / p99 over "
             f"{results['rounds']} requests after one cold request, keep-alive, loopback).", ""]
    sizes = results["sizes"]
    head = "| | " + " | ".join(s["size"] for s in sizes) + " |"
    rule = "|---" * (len(sizes) + 1) + "|"

    def row(name: str, cell: Callable[[dict[str, Any]], str]) -> str:
        cells = []
        for s in sizes:
            try:
                cells.append(cell(s))
            except (KeyError, TypeError):
                cells.append("—")
        return f"| {name} | " + " | ".join(cells) + " |"

    lines += ["## Build", "", head, rule,
              row("graph triples (all graphs)", lambda s: f"{s['graph_triples']:,}"),
              row("`kg synth` s", lambda s: fmt(s["synth"]["wall"])),
              row("`kg build` status", lambda s: s["build"]["status"] + (
                  f" (in {s['build']['last_step']})" if s["build"]["status"] != "ok" else "")),
              row("`kg build` wall s", lambda s: fmt(s["build"]["wall"])),
              *[row(f"  {step} s", lambda s, step=step: step_cell(s["build"], step))
                for step in ("load", "validate", "checks", "infer", "store")],
              row("`kg build` peak MB", lambda s: fmt(s["build"]["peak_mb"])),
              row("rebuild, nothing changed, s", lambda s: fmt(s["rebuild_unchanged"]["wall"])),
              row("bulk load instead (no validation) s", lambda s: fmt(s["prepare"]["wall"])),
              row("`oxigraph load` of the same quads s", lambda s: fmt(s["oxigraph_load"])),
              row("rdflib parse of the same quads s", lambda s: fmt(s["rdflib_load"])), ""]
    lines += ["## HTTP on `kg serve` (p50 / p99 ms; the first, cold request in brackets)", "",
              head, rule]
    for name in sizes[0]["http"]:
        lines.append(row(name, lambda s, n=name: http_cell(s["http"][n])))
    lines += ["", "## Dumps (ms to first byte / to last byte)", "", head, rule]
    for name in sizes[0]["dumps"]:
        lines.append(row(f"{name}, first request", lambda s, n=name: (
            f"{fmt(s['dumps'][n]['first_ttfb'])} / {fmt(s['dumps'][n]['first_total'])}")))
        lines.append(row(f"{name}, later", lambda s, n=name: (
            f"{fmt(s['dumps'][n]['again_ttfb'])} / {fmt(s['dumps'][n]['again_total'])}")))
    lines += ["", f"## Requests per second ({results['seconds']:.0f} s each)", "", head, rule]
    for name in sizes[0]["throughput"]:
        lines.append(row(name, lambda s, n=name: fmt(s["throughput"][n]["rps"]) + (
            f" ({s['throughput'][n]['errors']} errors)" if s["throughput"][n]["errors"] else "")))
    lines += ["", "## The same SPARQL side by side (median ms; ratio to the bare Oxigraph "
              "server)", ""]
    for s in sizes:
        lines += [f"### {s['size']}", "", "`ours, run` is a server with the answer cache off "
                  "(every query runs, as a query asked for the first time); `ours, kept` the "
                  "default server, whose answers to queries asked before come from memory.", "",
                  "| query | ours, run | ours, kept | pyoxigraph | Oxigraph server | rdflib | "
                  "run ÷ server | kept ÷ server | rdflib ÷ server |", "|---" * 9 + "|"]
        for name, per in s["sparql"].items():
            lines.append(f"| {name} | {fmt(per.get('ours-cold'))} | {fmt(per.get('ours'))} | "
                         f"{fmt(per.get('pyoxigraph'))} | "
                         f"{fmt(per.get('oxigraph-server'))} | {fmt(per.get('rdflib'))} | "
                         f"{ratio(per, 'ours-cold')} | {ratio(per, 'ours')} | "
                         f"{ratio(per, 'rdflib')} |")
        if s.get("rdflib_note"):
            lines.append(f"\nrdflib: {s['rdflib_note']}.")
        lines.append("")
    lines += ["## Serving memory", "", head, rule,
              row("`kg serve` and its workers, MB RSS after all of the above",
                  lambda s: fmt(s["server_rss_mb"])), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1m",
                        help="comma-separated: 10k, 100k, 1m, 10m (default 10k,100k,1m)")
    parser.add_argument("--large", action="store_true", help="add 10m")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="duration of each requests-per-second run")
    parser.add_argument("--build-timeout", type=float, default=600.0)
    parser.add_argument("--rdflib-max", default="1m", choices=list(SIZES),
                        help="largest size rdflib is measured at")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0,
                        help="cap on rdflib's load and on each of its queries; past it the "
                             "rdflib child is stopped and its remaining figures left out")
    parser.add_argument("--no-shipped", action="store_true",
                        help="synthetic data only (the canned questions then find nothing)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    names = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if args.large and "10m" not in names:
        names.append("10m")
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["bench/run.py", *sys.argv[1:]]), "machine": machine(),
        "rounds": args.rounds, "seconds": args.seconds, "sizes": []}
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{dt.datetime.now(dt.UTC):%Y-%m-%d}-{re.sub(r'[^A-Za-z0-9-]', '-', platform.node())}"
    try:
        for name in names:
            results["sizes"].append(measure_size(name, SIZES[name], args, work))
            # After each size, so a run stopped at 1M keeps what the smaller sizes measured.
            (args.out / f"{stem}.json").write_text(json.dumps(results, indent=1, default=str))
            (args.out / f"{stem}.md").write_text(report(results) + "\n")
            _plot(results, args.out / f"{stem}.svg")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(report(results))
    say(f"wrote {args.out / stem}.md and .json")


def _plot(results: dict[str, Any], out: Path) -> None:
    try:
        from plot import plot  # bench/plot.py, beside this script
    except ImportError as exc:  # matplotlib is the bench extra, not needed for the figures
        say(f"no plot ({exc}): pip install -e '.[bench]'")
        return
    plot(results, out)


if __name__ == "__main__":
    main()
