"""The first render of entity pages: what a page costs before the page cache keeps it.

The page cache serves a page from memory after its first request (web/page_cache.py), so the
work an entity page does per render shows only on a miss. Each request here carries a new
query string, which the cache keys on, so every one is a miss. Prints the median and the
slowest of `--rounds` renders per page, in milliseconds.

Run it with another tree's interpreter to compare trees over the same built store:

    /work/main/.venv/bin/python bench/entity_first_render.py --store var/store
    .venv/bin/python bench/entity_first_render.py --store var/store
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kg.store import OxigraphStore
from web import create_app

# One entity of each family whose page changed (or shares the changed parts), by class.
FAMILIES = ["Remedy", "Claim", "Study", "Source", "AdverseEvent", "Warning"]


def _first(store: OxigraphStore, cls: str, prefer: str | None) -> str:
    ns = store.namespaces
    if prefer:
        return prefer
    rows = list(store.query(f"SELECT ?s WHERE {{ ?s a <{ns.RKG[cls]}> }} LIMIT 1").dicts())
    return str(rows[0]["s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a folder `kg build` wrote")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--page", action="append", default=[],
                        help="an entity path to add (e.g. /id/source/nccih-massage)")
    args = parser.parse_args()
    store = OxigraphStore(args.store, read_only=True)
    app = create_app({"RATE_LIMIT": "", "SPARQL_RATE_LIMIT": ""}, store=store)
    client = app.test_client()
    base = str(store.namespaces.base).rstrip("/")
    paths = [_first(store, cls, None)[len(base):] for cls in FAMILIES] + args.page
    client.get(paths[0] + "?warm=1")  # the app's one-time caches (labels of the ontology)
    for path in paths:
        times = []
        for i in range(args.rounds):
            start = time.perf_counter()
            response = client.get(f"{path}?miss={i}", headers={"Accept": "text/html"})
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            assert response.headers.get("X-Page-Cache") != "hit"
        print(f"{path:70s} median {statistics.median(times):7.2f} ms  max {max(times):7.2f} ms")


if __name__ == "__main__":
    main()
