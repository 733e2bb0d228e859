"""The pages that list a whole class (a canned question's answer, /browse/<type>, the sitemap),
this checkout against another, on the same store, interleaved in one run.

    .venv/bin/python bench/pages.py --store DIR [--before /work/main/.venv/bin] [--rounds 5]

Starts `kg serve` from this checkout (and, with --before, from another checkout's virtualenv)
on the same store folder, rate limits off as in bench/run.py, then asks each server for each
page in turn: `cold` is the first request (the list computed, the page rendered), `rendered`
the median of `--rounds` requests each with a query string never sent before (so the page
cache cannot answer: the page is rendered again, from the kept answer where the server keeps
one), `kept` the median of `--rounds` requests for the page asked before (the page cache, for
a page small enough to be kept). Sizes are the bytes of the body. The sitemap is asked
`--sitemap-rounds` times per column (at a million triples one request took minutes before).
Keep-alive clients on loopback; the load average is printed at the start and at the end.
Not part of the tests.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, SERVER_ENV, Client, free_port, wait_for  # noqa: E402

PAGES = ["/questions/studies-with-null-or-negative-results",
         "/questions/claims-resting-on-a-single-study", "/browse/Study", "/browse/Claim"]
LAST = re.compile(rb'<a href="[^"]*\?page=(\d+)">Last</a>')


@contextmanager
def kg_serve(bin_dir: Path, store: Path, journal: Path) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen([str(bin_dir / "kg"), "--store", str(store), "serve", "--port",
                               str(port)], stderr=subprocess.DEVNULL,
                              env={**os.environ, **SERVER_ENV,
                                   "KG_COMMUNITY_JOURNAL": str(journal)})
    try:
        wait_for(f"http://127.0.0.1:{port}/", server)
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(client: Client, path: str, rounds: int) -> dict[str, object]:
    body = b""

    def get(url: str) -> tuple[int, float, int]:
        nonlocal body
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                client.conn.request("GET", url)
                response = client.conn.getresponse()
                body = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                # waitress closes a connection left idle for 2 minutes (while the other
                # server answered minutes-long pages): connect again, once.
                client.conn.close()
                client.conn = http.client.HTTPConnection(client.netloc, timeout=600)
                if attempt == 2:
                    raise
        return response.status, (time.perf_counter() - start) * 1000, len(body)

    status, cold, size = get(path)
    joiner = "&" if "?" in path else "?"
    rendered = [get(f"{path}{joiner}bench={i}")[1] for i in range(rounds)]
    kept = [get(path)[1] for _ in range(rounds)]
    last = LAST.search(body)
    return {"status": status, "cold": cold, "rendered": statistics.median(rendered),
            "kept": statistics.median(kept), "bytes": size,
            "last": int(last.group(1)) if last else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store `kg build` wrote")
    parser.add_argument("--before", type=Path, help="bin folder of another checkout's venv")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sitemap-rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"load average at start: {load_average()}", flush=True)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        servers = {"after": stack.enter_context(
            kg_serve(BIN, args.store, Path(scratch) / "after.jsonl"))}
        if args.before:
            servers["before"] = stack.enter_context(
                kg_serve(args.before, args.store, Path(scratch) / "before.jsonl"))
        clients = {name: Client(netloc) for name, netloc in servers.items()}
        print("| page | server | status | cold ms | rendered p50 ms | kept p50 ms | bytes |")
        print("|---|---|---|---|---|---|---|")
        todo = [(path, args.rounds) for path in PAGES] + [("/sitemap.xml", args.sitemap_rounds)]
        while todo:
            path, rounds = todo.pop(0)
            for name, client in clients.items():
                if name == "before" and ("page=" in path or path.startswith("/sitemap-")):
                    continue  # the other checkout has one page per list, one sitemap file
                m = measure(client, path, rounds)
                print(f"| {path} | {name} | {m['status']} | {m['cold']:,.1f} | "
                      f"{m['rendered']:,.1f} | {m['kept']:,.1f} | {m['bytes']:,} |", flush=True)
                if name == "after" and m["last"] and "page=" not in path:
                    todo[:0] = [(f"{path}?page={n}", rounds) for n in sorted({2, m["last"]})]
                if name == "after" and path == "/sitemap.xml":
                    parts = re.findall(r"/sitemap-\d+\.xml", client_body(client, path))
                    todo.extend((part, rounds) for part in parts)
    print(f"load average at the end: {load_average()}")


def client_body(client: Client, path: str) -> str:
    client.conn.close()
    client.conn = http.client.HTTPConnection(client.netloc, timeout=600)
    client.conn.request("GET", path)
    return client.conn.getresponse().read().decode("utf-8")


if __name__ == "__main__":
    main()
