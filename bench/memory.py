"""Serving memory, broken down: `kg serve` and its query workers after the bench's requests.

Not part of the tests. For each store given and each tree's `kg` (e.g. main's venv and this
one, side by side in one run), it starts the server exactly as `kg serve` does, drives the
requests bench/run.py drives on our server (every page and RDF variant, every canned question
and its page, search, `ASK {}`, the dumps, a short load with 1, 8 and 16 clients; no other
engines), then reads:

- from /proc, for the server and every process under it (the fork server and the query workers
  it forks, which are not the server's children): RSS split into anonymous and file-backed;
- from inside the server (a SIGUSR1 handler this script installs before `kg serve` starts):
  glibc's heap (mallinfo2: in use, free but kept), the size of each structure the app keeps
  (label index, page cache, answer cache), and the RSS that `malloc_trim(0)` gives back;
- p50 of search and of a claim page, measured after the sequence.

    .venv/bin/python bench/memory.py --store 1m=/tmp/x/1m-store \
        --kg before=/work/main/.venv/bin/kg --kg after=.venv/bin/kg [--rounds 2]

Prints a Markdown table per store and writes JSON (--out).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent

# The probe runs inside the server's process; it is run by the server's own interpreter (the
# venv of the tree measured), so it may import only what every tree has.
PROBE = r'''
import ctypes, gc, json, os, signal, sys, threading
from array import array

REPORT = os.environ["KG_MEMORY_REPORT"]
APPS = []

import web
_create = web.create_app
def _keep(*a, **k):
    app = _create(*a, **k)
    APPS.append(app)
    return app
web.create_app = _keep

class Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Mallinfo2

def status():
    out = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            out[key] = int(value.split()[0]) * 1024
    return out

def deep(obj, seen):
    # Bytes of Python objects reachable from obj (containers, arrays, strings), each once.
    todo, total = [obj], 0
    while todo:
        o = todo.pop()
        if id(o) in seen or isinstance(o, (type, type(sys), threading.Lock().__class__)):
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, dict):
            todo.extend(o.keys()); todo.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            todo.extend(o)
        elif hasattr(o, "__dict__") and not callable(o):
            todo.append(vars(o))
        elif hasattr(o, "__slots__"):
            todo.extend(getattr(o, s) for s in o.__slots__ if hasattr(o, s))
    return total

def report(signum, frame):
    if not APPS:  # granian's parent: the app (and so the report) is its worker's
        return
    out = {"status": status()}
    m = libc.mallinfo2()
    out["malloc"] = {"arena": m.arena, "mmap": m.hblkhd, "in_use": m.uordblks,
                     "free_kept": m.fordblks}
    parts = {}
    if APPS:
        ext = APPS[0].extensions
        for name, obj in ext.items():
            if name in ("kg_label_index", "kg_page_cache"):
                parts[name] = deep(obj, set())
        runner = ext.get("kg_query_runner")
        answers = getattr(runner, "_answers", None)
        if answers is not None:
            parts["answer_cache"] = deep(answers.entries, set())
            parts["answer_cache_counted"] = answers.size
        cache = ext.get("kg_page_cache")
        if cache is not None:
            parts["page_cache_counted"] = cache.size
            parts["page_cache_entries"] = len(cache.entries)
        index = ext.get("kg_label_index")
        if index is not None:
            for field in ("texts", "grams", "entities", "blob", "postings"):
                if hasattr(index, field):
                    parts["label_index." + field] = deep(getattr(index, field), set())
    out["parts"] = parts
    out["gc_objects"] = len(gc.get_objects())
    if os.environ.get("KG_MEMORY_TRIM") == "1":
        import time
        start = time.perf_counter()
        libc.malloc_trim(0)
        out["trim_ms"] = (time.perf_counter() - start) * 1000
        out["after_trim"] = status()
    with open(REPORT + ".tmp", "w") as f:
        json.dump(out, f)
    os.replace(REPORT + ".tmp", REPORT)

signal.signal(signal.SIGUSR1, report)
from kg.cli import main
sys.argv = ["kg"] + sys.argv[1:]
main()
'''


def tree(pid: int) -> list[tuple[int, int]]:
    """pid and every process under it, each with its depth (0 for pid). granian's worker (a
    fork of pid, with its command line, that runs the app) is at depth 0 too, so the fork
    server and the query workers are at the depths they have under waitress."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    command = _command(pid)
    out, todo = [], [(pid, 0)]
    while todo:
        p, depth = todo.pop()
        out.append((p, depth))
        todo.extend((c, depth if p == pid and _command(c) == command else depth + 1)
                    for c in children.get(p, []))
    return out


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _forks_of(pid: int) -> list[int]:
    """granian's worker: the child of `pid` that runs its command line (not the fork server
    or the query workers, which a SIGUSR1 would end)."""
    return [p for p, depth in tree(pid) if depth == 0 and p != pid]


def proc_memory(pid: int, depth: int) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                fields[key] = int(value.split()[0]) / 1024
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        # RSS counts a page shared by several processes in each: the query workers share
        # what the fork server imported. PSS divides each shared page among its sharers, so
        # the PSS of a tree adds up to the memory it takes.
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            key, _, value = line.partition(":")
            if key in ("Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean",
                       "Private_Dirty"):
                fields[key] = int(value.split()[0]) / 1024
    except OSError:
        return {}
    # Workers are forked by the fork server (no exec): they carry its command line.
    role = ("server" if depth == 0 else "query worker" if depth > 1 else "fork server"
            if "forkserver" in cmd else "resource tracker" if "resource_tracker" in cmd
            else "other")
    return {"pid": pid, "role": role, **fields}


def drive(netloc: str, store_path: str, rounds: int, seconds: float,
          pid: int) -> dict[str, Any]:
    """bench/run.py's requests to our server, the side-by-side engines left out; the RSS of
    the server alone and of its whole tree after each step, in MB."""
    sys.path.insert(0, str(BENCH))
    import pyoxigraph as ox
    import run  # bench/run.py

    store = ox.Store.read_only(store_path)
    claim = run.first_entity(store, "Claim", run.RLS_CLAIM)
    remedy = run.first_entity(store, "Herb") if claim != run.RLS_CLAIM else \
        "https://w3id.org/remedy-kg/id/remedy/acupuncture"
    entities = {"claim": claim, "remedy": remedy,
                "condition": run.first_entity(store, "Condition")}
    word = run.label_of(store, remedy).split()[0][:5]
    del store
    searches = {"word": word, "short": word[:2], "none": "zzqxv"}
    out: dict[str, Any] = {"phases": {}}

    def phase(name: str) -> None:
        time.sleep(0.5)  # let a trim asked for by the last request run
        ms = [m for m in (proc_memory(*p) for p in tree(pid)) if m]
        out["phases"][name] = (ms[0].get("VmRSS", 0), sum(m.get("VmRSS", 0) for m in ms))

    for iri in entities.values():
        for variant in run.VARIANTS:
            run.latency(netloc, run.local(iri) + variant, {}, rounds)
    phase("pages")
    for q in run.canned_queries().values():
        run.latency(netloc, "/sparql?" + urllib.parse.urlencode({"query": q.text}),
                    {"Accept": run.JSON_RESULTS}, rounds)
    phase("canned /sparql")
    for name in run.canned_queries():
        run.latency(netloc, f"/questions/{name}", {}, rounds)
    phase("question pages")
    for q in searches.values():
        run.latency(netloc, "/api/search?" + urllib.parse.urlencode({"q": q}), {}, rounds)
    run.latency(netloc, "/sparql?query=ASK%7B%7D", {"Accept": run.JSON_RESULTS}, rounds)
    phase("search")
    out["dumps"] = {}
    for name in ("remedy-kg.nt", "remedy-kg.ttl"):
        client = run.Client(netloc)
        # (status, ms to the first byte, ms to the last, bytes): the first request writes it.
        out["dumps"][name] = [client.get(f"/downloads/{name}", first_byte=True)
                              for _ in range(4)]
    phase("dumps")
    for path in (run.local(claim), run.local(remedy), run.local(claim) + ".ttl",
                 "/api/search?q=" + word):
        for clients in (1, 8, 16):
            run.throughput(netloc, path, {}, clients, seconds)
    # What the side-by-side adds on our server: the bound entity and search queries.
    for text in (run.bound("entity-description", this=run._iri(claim)),
                 run.bound("search", q=run._literal(word))):
        run.latency(netloc, "/sparql?" + urllib.parse.urlencode({"query": text}),
                    {"Accept": run.JSON_RESULTS}, rounds)
    phase("load, bound queries")
    for name, path in (("search word", "/api/search?q=" + urllib.parse.quote(word)),
                       ("search short", "/api/search?q=" + urllib.parse.quote(word[:2])),
                       ("claim page", run.local(claim))):
        out[f"p50 {name}"] = run.latency(netloc, path, {}, 200)["p50"]
    return out


def measure(kg: str, store: str, rounds: int, seconds: float, trim: bool) -> dict[str, Any]:
    python = str(Path(kg).parent / "python")
    report = Path(tempfile.mkdtemp(prefix="kg-memory-")) / "report.json"
    sys.path.insert(0, str(BENCH))
    import run

    port = run.free_port()
    env = {**os.environ, **run.SERVER_ENV, "KG_MEMORY_REPORT": str(report),
           "KG_MEMORY_TRIM": "1" if trim else "0"}
    server = subprocess.Popen([python, "-c", PROBE, "--store", store, "serve", "--port",
                               str(port)], env=env, stderr=subprocess.DEVNULL,
                              cwd=Path(kg).resolve().parents[2])  # `-c` imports from the cwd
    out: dict[str, Any] = {"kg": kg, "store": store}
    try:
        netloc = f"127.0.0.1:{port}"
        run.wait_for(f"http://{netloc}/", server)
        out["rss_started"] = [proc_memory(*p) for p in tree(server.pid)]
        out["latency"] = drive(netloc, store, rounds, seconds, server.pid)
        time.sleep(1)
        out["processes"] = [m for m in (proc_memory(*p) for p in tree(server.pid)) if m]
        # The process that holds the app reports: the server (waitress) or the worker it
        # forked (granian), which inherits the probe; the parent, without the app, does not.
        for pid in [server.pid, *_forks_of(server.pid)]:
            os.kill(pid, signal.SIGUSR1)
        for _ in range(100):
            if report.exists():
                break
            time.sleep(0.1)
        out["inside"] = json.loads(report.read_text())
    finally:
        server.terminate()
        server.wait(timeout=30)
    return out


def interleaved(kgs: dict[str, str], store: str, rounds: int) -> dict[str, dict[str, float]]:
    """p50 ms of a search and a claim page on every tree's server at once, asked in turn, so
    that the load of a shared machine falls on each alike."""
    sys.path.insert(0, str(BENCH))
    import pyoxigraph as ox
    import run

    disk = ox.Store.read_only(store)
    claim = run.first_entity(disk, "Claim", run.RLS_CLAIM)
    remedy = run.first_entity(disk, "Herb") if claim != run.RLS_CLAIM else \
        "https://w3id.org/remedy-kg/id/remedy/acupuncture"
    word = run.label_of(disk, remedy).split()[0][:5]
    del disk
    paths = {"search word": "/api/search?q=" + urllib.parse.quote(word),
             "search short": "/api/search?q=" + urllib.parse.quote(word[:2]),
             "claim page": run.local(claim)}
    times: dict[str, dict[str, list[float]]] = {n: {p: [] for p in paths} for n in kgs}
    # Half the rounds with the servers started in the order given, half in the reverse order:
    # the server started first answered the claim page 0.07-0.6 ms faster, whichever tree it
    # was (and of two servers of one tree, the first too).
    for starts in (list(kgs), list(kgs)[::-1]):
        _ask_in_turn({n: kgs[n] for n in starts}, store, paths, (rounds + 1) // 2, times)
    return {n: {p: statistics.median(ts) for p, ts in per.items()} for n, per in times.items()}


def _ask_in_turn(kgs: dict[str, str], store: str, paths: dict[str, str], rounds: int,
                 times: dict[str, dict[str, list[float]]]) -> None:
    """Start every tree's server (in the order of `kgs`) and ask each path of each in turn."""
    import run

    servers, clients = [], {}
    try:
        for name, kg in kgs.items():
            port = run.free_port()
            server = subprocess.Popen([kg, "--store", store, "serve", "--port", str(port)],
                                      env={**os.environ, **run.SERVER_ENV},
                                      stderr=subprocess.DEVNULL)
            servers.append(server)
            run.wait_for(f"http://127.0.0.1:{port}/", server)
            clients[name] = run.Client(f"127.0.0.1:{port}")
        for i in range(rounds + 3):  # three rounds to warm up (label index, page cache)
            # Each round in the other order: the server asked second was measured slower.
            order = list(clients.items())[::-1 if i % 2 else 1]
            for what, path in paths.items():
                for name, client in order:
                    status, _, ms, _ = client.get(path)
                    if i >= 3 and status == 200:
                        times[name][what].append(ms)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return {n: {p: statistics.median(ts) for p, ts in per.items()} for n, per in times.items()}


MB = 2**20


def table(label: str, results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    lines = [f"### {label}", "", "| | " + " | ".join(names) + " |",
             "|---|" + "---|" * len(names)]

    def row(title: str, cell: Any) -> None:
        lines.append(f"| {title} | " + " | ".join(cell(results[n]) for n in names) + " |")

    def total(r: dict[str, Any], key: str = "VmRSS") -> float:
        return sum(p.get(key, 0) for p in r["processes"])

    def by_role(r: dict[str, Any], role: str, key: str) -> str:
        ps = [p for p in r["processes"] if p["role"] == role]
        return " + ".join(f"{p.get(key, 0):,.0f}" for p in ps) or "—"

    row("RSS MB, server and every process under it", lambda r: f"{total(r):,.0f}")
    row("PSS MB, the same (shared pages divided among their sharers)",
        lambda r: f"{total(r, 'Pss'):,.0f}")
    row("… private / shared MB", lambda r:
        f"{total(r, 'Private_Clean') + total(r, 'Private_Dirty'):,.0f} / "
        f"{total(r, 'Shared_Clean') + total(r, 'Shared_Dirty'):,.0f}")
    row("… anonymous / file-backed", lambda r: f"{total(r, 'RssAnon'):,.0f} / "
        f"{total(r, 'RssFile'):,.0f}")
    row("RSS MB as bench/run.py counts it (server + its children)",
        lambda r: f"{sum(p['VmRSS'] for p in r['processes'] if p['role'] != 'query worker'):,.0f}")
    for role in ("server", "fork server", "resource tracker", "query worker"):
        row(f"{role} RSS MB (anon / file)", lambda r, role=role:
            f"{by_role(r, role, 'VmRSS')} ({by_role(r, role, 'RssAnon')} / "
            f"{by_role(r, role, 'RssFile')})")
    for role in ("server", "fork server", "query worker"):
        row(f"{role} PSS MB", lambda r, role=role: by_role(r, role, "Pss"))
    row("server RSS MB at start", lambda r: " + ".join(
        f"{p.get('VmRSS', 0):,.0f}" for p in r["rss_started"] if p.get("role") == "server"))
    row("glibc heap in use MB", lambda r: f"{r['inside']['malloc']['in_use'] / MB:,.1f}")
    row("glibc heap free but kept MB", lambda r: f"{r['inside']['malloc']['free_kept'] / MB:,.1f}")
    row("glibc mmapped MB", lambda r: f"{r['inside']['malloc']['mmap'] / MB:,.1f}")
    parts = sorted({k for r in results.values() for k in r["inside"]["parts"]})
    for part in parts:
        row(part + (" (count)" if part.endswith("entries") else " MB"),
            lambda r, part=part: "—" if part not in r["inside"]["parts"] else
            f"{r['inside']['parts'][part]:,}" if part.endswith("entries") else
            f"{r['inside']['parts'][part] / MB:,.1f}")
    row("server RSS MB after malloc_trim(0)", lambda r: "—" if "after_trim" not in r["inside"]
        else f"{r['inside']['after_trim']['VmRSS'] / MB:,.0f}")
    row("malloc_trim(0) took ms", lambda r: "—" if "trim_ms" not in r["inside"]
        else f"{r['inside']['trim_ms']:.1f}")
    for phase in next(iter(results.values()))["latency"]["phases"]:
        row(f"after {phase}: server / tree RSS MB", lambda r, phase=phase:
            "{:,.0f} / {:,.0f}".format(*r["latency"]["phases"][phase]))
    for name in next(iter(results.values()))["latency"].get("dumps", {}):
        row(f"{name}: first request, ms to first / last byte", lambda r, name=name:
            "{1:,.1f} / {2:,.0f}".format(*r["latency"]["dumps"][name][0]))
        row(f"{name}: later, ms to first / last byte (median)", lambda r, name=name:
            "{:,.1f} / {:,.0f}".format(*(statistics.median(
                t[i] for t in r["latency"]["dumps"][name][1:]) for i in (1, 2))))
    for key in ("p50 search word", "p50 search short", "p50 claim page"):
        row(key + " ms", lambda r, key=key: f"{r['latency'][key]:.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="append", required=True, help="LABEL=FOLDER")
    parser.add_argument("--kg", action="append", required=True, help="LABEL=PATH to kg")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.0, help="per load step")
    parser.add_argument("--trim", action="store_true",
                        help="call malloc_trim(0) in the server after reading it, and report")
    parser.add_argument("--latency-rounds", type=int, default=300,
                        help="rounds of the interleaved p50 (every tree's server at once)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    everything: dict[str, Any] = {}
    for store_arg in args.store:
        label, _, folder = store_arg.partition("=")
        results = {}
        for kg_arg in args.kg:
            name, _, kg = kg_arg.partition("=")
            print(f"{time.strftime('%H:%M:%S')} {label} {name} "
                  f"load {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
            results[name] = measure(kg, folder, args.rounds, args.seconds, args.trim)
            results[name]["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
        everything[label] = results
        print(table(label, results), flush=True)
        if len(args.kg) > 1:
            kgs = {a.partition("=")[0]: a.partition("=")[2] for a in args.kg}
            p50 = interleaved(kgs, folder, args.latency_rounds)
            everything[label + " interleaved p50"] = p50
            for what in next(iter(p50.values())):
                print(f"| {what} p50 ms, asked in turn ({args.latency_rounds} rounds) | "
                      + " | ".join(f"{p50[n][what]:.3f}" for n in kgs) + " |", flush=True)
        print("load average after: " + " ".join(results[name]["load_average"]), flush=True)
    if args.out:
        args.out.write_text(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main()

