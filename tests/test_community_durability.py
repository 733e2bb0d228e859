"""Durability: `kg serve` is killed (SIGKILL) while clients vote, post and report outcomes; after
a restart every write that a client saw acknowledged (its 303) is there, in the counters, the
threads and at /sparql. Also: `kg build` rewrites the curated graphs and keeps the community's.
"""

from __future__ import annotations

import http.cookiejar
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kg.cli import main
from kg.namespaces import Graphs
from tests.conftest import wait_until_serving
from tests.engines import free_port

pytestmark = [pytest.mark.live, pytest.mark.parametrize("engine", ["embedded"], indirect=True)]
CLAIM = "claim/acupuncture--restless-legs-syndrome"


@contextmanager
def serving(store: Path, journal: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    kg = Path(sys.executable).with_name("kg")
    env = {**os.environ, "KG_COMMUNITY_JOURNAL": str(journal), "KG_SECRET_KEY": "durable",
           "KG_COMMUNITY_RATE_LIMIT": "", "KG_RATE_LIMIT": "", "KG_SPARQL_RATE_LIMIT": ""}
    process = subprocess.Popen([str(kg), "--store", str(store), "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(process, url + "/community/" + CLAIM, timeout=60)
    try:
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 303 is the acknowledgement itself
        return None


class Visitor:
    """One browser: its own cookies; its forms say they come from the site itself."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
        self.opener.addheaders = [("Sec-Fetch-Site", "same-origin")]
        with self.opener.open(f"{url}/community/{CLAIM}", timeout=30) as response:
            assert response.status == 200

    def send(self, action: str, **form: str) -> bool:
        """True when the server acknowledged the write (303)."""
        data = urllib.parse.urlencode(form).encode()
        try:
            self.opener.open(f"{self.url}/community/{action}", data=data, timeout=30).close()
        except urllib.error.HTTPError as exc:
            return exc.code == 303
        except OSError:
            return False
        return False


def sparql(url: str, query: str) -> list[dict]:
    import json

    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(f"{url}/sparql", data=data,
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["results"]["bindings"]


def test_acknowledged_writes_survive_a_killed_server(disk_store: Path, tmp_path: Path):
    journal = tmp_path / "community.jsonl"
    acked: dict[str, list[str]] = {"vote": [], "post": [], "outcome": []}
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int, url: str) -> None:
        i = 0
        while not stop.is_set():
            try:
                visitor = Visitor(url)  # a new visitor each round: every vote counts once
            except (OSError, AttributeError):
                return
            i += 1
            text = f"client {n} post {i}"
            for action, form in (("vote", {"item": CLAIM, "direction": "up"}),
                                 ("post", {"item": CLAIM, "name": f"c{n}", "text": text}),
                                 ("outcome", {"item": CLAIM, "outcome": "no-change"})):
                if visitor.send(action, **form):
                    with lock:
                        acked[action].append(text)

    with serving(disk_store, journal) as (url, process):
        threads = [threading.Thread(target=client, args=(n, url)) for n in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while len(acked["outcome"]) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)  # mid-write: no shutdown, no flush
        process.wait()
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert len(acked["vote"]) >= 10, "too few writes before the kill to test anything"

    with serving(disk_store, journal) as (url, _):
        rows = sparql(url, f"""PREFIX schema: <https://schema.org/>
            SELECT ?n WHERE {{ GRAPH <{Graphs.COMMUNITY}> {{
              ?c schema:interactionType schema:LikeAction ; schema:userInteractionCount ?n .
              <https://w3id.org/remedy-kg/id/{CLAIM}> schema:interactionStatistic ?c }} }}""")
        up = int(rows[0]["n"]["value"]) if rows else 0
        # Every acknowledged vote is counted; at most the one cut mid-reply is there too.
        assert len(acked["vote"]) <= up <= len(acked["vote"]) + 4
        posts = {r["t"]["value"] for r in sparql(url, f"""
            SELECT ?t WHERE {{ GRAPH <{Graphs.COMMUNITY}> {{
              ?p <http://rdfs.org/sioc/ns#content> ?t }} }}""")}
        assert set(acked["post"]) <= posts
        reviews = sparql(url, f"""SELECT (COUNT(?r) AS ?n) WHERE {{
            GRAPH <{Graphs.COMMUNITY}> {{ ?r a <https://schema.org/Review> }} }}""")
        assert int(reviews[0]["n"]["value"]) >= len(acked["outcome"])
        with urllib.request.urlopen(f"{url}/community/{CLAIM}", timeout=30) as response:
            html = response.read().decode()
        assert f"{up} up" in html
        assert acked["post"][0] in html


def test_kg_build_keeps_the_community_graph(disk_store: Path, tmp_path: Path, runner):
    journal = tmp_path / "community.jsonl"
    with serving(disk_store, journal) as (url, _):
        assert Visitor(url).send("post", item=CLAIM, name="Ann", text="before the rebuild")
    result = runner.invoke(main, ["--store", str(disk_store), "build"])
    assert result.exit_code == 0, result.output
    with serving(disk_store, journal) as (url, _):
        rows = sparql(url, f"""SELECT ?t WHERE {{ GRAPH <{Graphs.COMMUNITY}> {{
            ?p <http://rdfs.org/sioc/ns#content> ?t }} }}""")
        assert [r["t"]["value"] for r in rows] == ["before the rebuild"]
