"""The fixed cost of one /sparql request in this process, without the HTTP server: `ASK {}`
answered from the kept answers, with the rate limits counted (as a default server: limits too
high to refuse) and off (as bench/run.py serves); each resent whole before Flask
(web.answer_replay) and through Flask, our hooks and the endpoint.

    .venv/bin/python bench/sparql_fixed_cost.py --store DIR [--requests 1000]

Prints the median over 7 batches, in ms per request. Not part of the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from werkzeug.test import EnvironBuilder

COUNTED = {"KG_RATE_LIMIT": "1000000 per minute", "KG_SPARQL_RATE_LIMIT": "1000000 per minute"}
OFF = {"KG_RATE_LIMIT": "", "KG_SPARQL_RATE_LIMIT": ""}


def per_request(store: Path, env: dict[str, str], replay: bool, requests: int) -> float:
    os.environ.update(env)
    from kg.store import open_store
    from web import create_app

    app = create_app(store=open_store(store, read_only=True))
    if not replay:  # it keeps nothing: every request goes through Flask
        app.extensions["kg_answer_replay"].kept.max_entry_bytes = -1
    environ = EnvironBuilder(path="/sparql", query_string="query=ASK%7B%7D",
                             headers={"Accept": "application/sparql-results+json"}).get_environ()

    def call() -> None:
        body = app.wsgi_app(dict(environ), lambda status, headers, exc=None: None)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    for _ in range(500):  # the first answer is kept; warm everything else
        call()
    batches = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(requests):
            call()
        batches.append((time.perf_counter() - start) * 1000 / requests)
    app.extensions["kg_query_runner"].close()
    return statistics.median(batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store `kg build` wrote")
    parser.add_argument("--requests", type=int, default=1000, help="per batch")
    args = parser.parse_args()
    print("load average at start:", Path("/proc/loadavg").read_text().strip())
    for label, env, replay in (("rate limits counted, resent", COUNTED, True),
                               ("rate limits off, resent", OFF, True),
                               ("rate limits counted, through Flask", COUNTED, False),
                               ("rate limits off, through Flask", OFF, False)):
        ms = per_request(args.store, env, replay, args.requests)
        print(f"| {label} | {ms:.3f} ms |", flush=True)
    print("load average at end:", Path("/proc/loadavg").read_text().strip())


if __name__ == "__main__":
    main()
