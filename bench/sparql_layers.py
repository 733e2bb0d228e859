"""Where the fixed cost of `/sparql` goes, layer by layer: `ASK {}` answered from the kept
answers, in this process and over HTTP.

    .venv/bin/python bench/sparql_layers.py --store DIR [--requests 2000] [--rounds 7]
        [--http-requests 500] [--server waitress]

In this process, no HTTP (this thread's CPU time, median over `--rounds` batches of
`--requests` calls, ms each):
a bare WSGI function returning the same bytes, a bare Flask app with one route (Flask's
contexts, routing and Response), our app as `kg serve` runs it with the rate limits off (as
bench/run.py serves), then what each of its request hooks, the session and the memory trimmer's
wrapper cost: the whole app minus the app without it, interleaved, median over the rounds.

Over HTTP, keep-alive on loopback, interleaved per round (median of the per-round medians,
ms): the bare WSGI function and the bare Flask app served as `kg serve` serves (web.serving,
`--server`), `kg serve` itself, and a bare Oxigraph server (`oxigraph serve-read-only` on a
copy of the store). The server's own floor is the bare WSGI row; the app's cost over it is
`kg serve` minus that row.

With `--servers waitress,granian`: `kg serve` under each server instead, side by side (`ASK {}`
p50, requests per second with 1, 8 and 16 clients for `ASK {}` and a claim page, serving
memory). Not part of the tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path

from werkzeug.test import EnvironBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # noqa: E402
    BIN,
    JSON_RESULTS,
    RLS_CLAIM,
    SERVER_ENV,
    Client,
    first_entity,
    free_port,
    local,
    throughput,
    tree_rss_mb,
    wait_for,
)

ASK = "/sparql?query=ASK%7B%7D"
BODY = b'{"head":{},"boolean":true}'
HEADERS = [("Content-Type", "application/sparql-results+json"),
           ("Content-Length", str(len(BODY)))]


def bare_wsgi(environ: dict, start_response: Callable) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]


def bare_flask():  # type: ignore[no-untyped-def]
    from flask import Flask, Response

    app = Flask("bare")

    @app.route("/sparql")
    def endpoint() -> Response:
        return Response(BODY, content_type="application/sparql-results+json")

    return app


def caller(app: Callable) -> Callable[[], None]:
    environ = EnvironBuilder(path="/sparql", query_string="query=ASK%7B%7D",
                             headers={"Accept": JSON_RESULTS}).get_environ()

    def call() -> None:
        body = app(dict(environ), lambda status, headers, exc=None: None)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    for _ in range(300):
        call()
    return call


def cpu_ms(call: Callable[[], None], requests: int) -> float:
    """This thread's CPU time per call: on a shared machine, wall time mostly measures the
    other processes' load."""
    start = time.thread_time()
    for _ in range(requests):
        call()
    return (time.thread_time() - start) * 1000 / requests


def in_process(store: Path, requests: int, rounds: int) -> list[tuple[str, float]]:
    """Each variant is measured in turn with the whole app in every round; a layer's cost is
    the median over the rounds of (whole app - app without it)."""
    os.environ.update(SERVER_ENV)
    from flask import Flask
    from flask.sessions import NullSession, SecureCookieSessionInterface

    from kg.store import open_store
    from web import create_app

    app = create_app(store=open_store(store, read_only=True))
    whole = caller(app.wsgi_app)
    plain = {"bare WSGI function": caller(bare_wsgi),
             "bare Flask app, one route": caller(bare_flask().wsgi_app),
             "our app (kg serve, rate limits off)": whole}
    rows = [(label, statistics.median(cpu_ms(call, requests) for _ in range(rounds)))
            for label, call in plain.items()]

    def without(remove: Callable[[], Callable[[], None]]) -> float:
        diffs = []
        for _ in range(rounds):
            full = cpu_ms(whole, requests)
            restore = remove()
            try:
                diffs.append(full - cpu_ms(call_app, requests))
            finally:
                restore()
        return statistics.median(diffs)

    call_app = caller(app.wsgi_app)
    registries = (("before_request", app.before_request_funcs),
                  ("after_request", app.after_request_funcs),
                  ("teardown", app.teardown_request_funcs))
    for kind, registry in registries:
        for key, funcs in list(registry.items()):
            for func in list(funcs):
                def remove(registry=registry, key=key, func=func):  # type: ignore[no-untyped-def]
                    kept = registry[key]
                    registry[key] = [f for f in kept if f is not func]
                    return lambda: registry.__setitem__(key, kept)
                rows.append((f"  {kind} {_name(func)} ({key or 'app'})", without(remove)))

    class NoSessions(SecureCookieSessionInterface):
        def open_session(self, app, request):  # type: ignore[no-untyped-def, override]
            return NullSession()

    def no_sessions():  # type: ignore[no-untyped-def]
        interface, app.session_interface = app.session_interface, NoSessions()
        return lambda: setattr(app, "session_interface", interface)

    rows.append(("  opening the session", without(no_sessions)))
    if app.wsgi_app != Flask.wsgi_app.__get__(app):  # web.memory's timing wrapper
        def no_timing():  # type: ignore[no-untyped-def]
            wrapper, app.wsgi_app = app.wsgi_app, partial(Flask.wsgi_app, app)
            return lambda: setattr(app, "wsgi_app", wrapper)
        rows.append(("  the memory trimmer's timing wrapper", without(no_timing)))
    app.extensions["kg_query_runner"].close()
    return rows


def _name(func: object) -> str:
    return getattr(func, "__qualname__", None) or getattr(getattr(func, "func", None),
                                                          "__qualname__", repr(func))


@contextmanager
def process(command: list[str], url: str, env: dict[str, str] | None = None) -> Iterator[None]:
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL,
                              env={**os.environ, **SERVER_ENV, **(env or {})})
    try:
        wait_for(url, server)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def over_http(store: Path, server: str, requests: int, rounds: int,
              kg_bins: dict[str, Path]) -> list[tuple[str, float]]:
    env = {"KG_SERVER": server}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        netlocs: dict[str, str] = {}
        for kind in ("wsgi", "flask"):
            port = free_port()
            stack.enter_context(process([sys.executable, __file__, "--serve", kind,
                                         "--port", str(port)],
                                        f"http://127.0.0.1:{port}{ASK}", env))
            netlocs[f"bare {kind} on {server}"] = f"127.0.0.1:{port}"
        for label, bin_dir in kg_bins.items():
            port = free_port()
            stack.enter_context(process([str(bin_dir / "kg"), "--store", str(store), "serve",
                                         "--port", str(port)],
                                        f"http://127.0.0.1:{port}{ASK}", env))
            netlocs[label] = f"127.0.0.1:{port}"
        copy = Path(scratch) / "oxigraph"
        shutil.copytree(store, copy)
        port = free_port()
        stack.enter_context(process([str(BIN / "oxigraph"), "serve-read-only", "--location",
                                     str(copy), "--bind", f"127.0.0.1:{port}",
                                     "--union-default-graph"],
                                    f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"))
        netlocs["Oxigraph server"] = f"127.0.0.1:{port}"
        clients = {label: Client(netloc) for label, netloc in netlocs.items()}
        paths = {label: "/query?query=ASK%7B%7D" if label == "Oxigraph server" else ASK
                 for label in netlocs}
        headers = {"Accept": JSON_RESULTS}
        for label, client in clients.items():
            for _ in range(200):
                client.get(paths[label], headers)
        medians: dict[str, list[float]] = {label: [] for label in clients}
        for _ in range(rounds):
            for label, client in clients.items():
                times = []
                for _ in range(requests):
                    status, _, ms, _ = client.get(paths[label], headers)
                    if status == 200:
                        times.append(ms)
                medians[label].append(statistics.median(times))
    return [(label, statistics.median(ms)) for label, ms in medians.items()]


def servers(store: Path, names: list[str], requests: int, rounds: int,
            seconds: float) -> str:
    """`kg serve` from this checkout under each WSGI server (web.serving), side by side:
    `ASK {}` p50 interleaved, requests per second with 1, 8 and 16 clients for `ASK {}` and a
    claim page, and the serving memory (the server, its workers and its query workers)."""
    import pyoxigraph as ox

    opened = ox.Store.read_only(str(store))
    claim = local(first_entity(opened, "Claim", prefer=RLS_CLAIM))
    del opened
    with ExitStack() as stack:
        netlocs, pids = {}, {}
        for name in names:
            port = free_port()
            server = subprocess.Popen([str(BIN / "kg"), "--store", str(store), "serve",
                                       "--port", str(port)], stderr=subprocess.DEVNULL,
                                      env={**os.environ, **SERVER_ENV, "KG_SERVER": name})
            stack.callback(server.wait, 30)
            stack.callback(server.terminate)
            wait_for(f"http://127.0.0.1:{port}{ASK}", server)
            netlocs[name], pids[name] = f"127.0.0.1:{port}", server.pid
        headers = {"Accept": JSON_RESULTS}
        clients = {name: Client(netloc) for name, netloc in netlocs.items()}
        for client in clients.values():
            for _ in range(200):
                client.get(ASK, headers)
            client.get(claim, {"Accept": "text/html"})
        medians: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(rounds):
            for name, client in clients.items():
                medians[name].append(statistics.median(
                    client.get(ASK, headers)[2] for _ in range(requests)))
        rows = ["| ASK {} p50 ms, 1 client | "
                + " | ".join(f"{statistics.median(medians[n]):.3f}" for n in names) + " |"]
        for label, path, accept in (("ASK {}", ASK, JSON_RESULTS), ("claim page", claim,
                                                                   "text/html")):
            for count in (1, 8, 16):
                rps = [throughput(netlocs[n], path, {"Accept": accept}, count, seconds)["rps"]
                       for n in names]
                rows.append(f"| {label} requests/s, {count} clients | "
                            + " | ".join(f"{r:,.0f}" for r in rps) + " |")
        rows.append("| serving MB RSS (server, its children, query workers) | "
                    + " | ".join(f"{tree_rss_mb(pids[n]):,.0f}" for n in names) + " |")
    head = "| kg serve, rate limits off | " + " | ".join(names) + " |"
    return "\n".join([head, "|---|" + "---|" * len(names), *rows])


def serve_bare(kind: str, port: int) -> None:
    from web.serving import serve

    server = os.environ.get("KG_SERVER", "waitress")
    serve((lambda: bare_wsgi) if kind == "wsgi" else bare_flask, "127.0.0.1", port, 8, server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a store `kg build` wrote")
    parser.add_argument("--requests", type=int, default=2000, help="per in-process batch")
    parser.add_argument("--http-requests", type=int, default=500, help="per server per round")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--server", default="waitress", help="KG_SERVER for the HTTP rows")
    parser.add_argument("--before", type=Path,
                        help="bin folder of another checkout's venv: its kg serve too")
    parser.add_argument("--no-in-process", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--servers", help="comma-separated WSGI servers (web.serving.SERVERS) "
                                          "to compare kg serve under, instead of the layers")
    parser.add_argument("--seconds", type=float, default=3.0, help="per requests/s figure")
    parser.add_argument("--serve", choices=["wsgi", "flask"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_bare(args.serve, args.port)
        return
    if args.store is None:
        parser.error("--store is required")
    print("load average at start:", Path("/proc/loadavg").read_text().strip(), flush=True)
    if args.servers:
        print(servers(args.store, args.servers.split(","), args.http_requests, args.rounds,
                      args.seconds))
        print("load average at end:", Path("/proc/loadavg").read_text().strip())
        return
    if not args.no_in_process:
        print("\n| in this process, no HTTP | CPU ms per request |\n|---|---|")
        for label, ms in in_process(args.store, args.requests, args.rounds):
            print(f"| {label} | {ms:.3f} |", flush=True)
    if args.no_http:
        return
    bins = {"kg serve": BIN}
    if args.before:
        bins = {"kg serve, before": args.before, "kg serve": BIN}
    print(f"\n| over HTTP ({args.server}), keep-alive, 1 client | ms p50 |\n|---|---|")
    for label, ms in over_http(args.store, args.server, args.http_requests, args.rounds, bins):
        print(f"| {label} | {ms:.3f} |", flush=True)
    print("load average at end:", Path("/proc/loadavg").read_text().strip())


if __name__ == "__main__":
    main()
