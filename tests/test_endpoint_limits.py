"""The public endpoint's limits through the Flask test client: read-only, time, size, rate."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import threading
import time

import pytest

from kg.query_guard import READ_ONLY
from web import create_app

# Three-way cross join of every triple (~8e11 rows) under an aggregate: pyoxigraph cannot
# be interrupted in it, so only killing its process stops it.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { ?s ?p ?o }"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
NO_RATE_LIMITS = {"RATE_LIMIT": "", "SPARQL_RATE_LIMIT": ""}


@pytest.fixture(scope="module")
def app(store):
    app = create_app({"TESTING": True, "QUERY_TIMEOUT": 1, "MAX_RESULT_ROWS": 5,
                      "MAX_CONCURRENT_QUERIES": 1, "QUERY_QUEUE_WAIT": 0.2,
                      "MAX_URL_LENGTH": 3000, "MAX_REQUEST_BYTES": 4000, **NO_RATE_LIMITS},
                     store=store)
    yield app
    app.extensions["kg_query_runner"].close()


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/json"
    return json.loads(response.data)


def _listener() -> tuple[socket.socket, str]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    return server, f"http://127.0.0.1:{server.getsockname()[1]}/"


def _connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            server.accept()[0].close()
            count += 1
        except BlockingIOError:
            return count


# -- read-only

@pytest.mark.parametrize("how", ["query", "update", "update body"])
def test_updates_are_refused_and_change_nothing(client, store, how: str) -> None:
    before = store.count()
    update = "DROP ALL"
    if how == "query":
        response = client.post("/sparql", data={"query": update})
    elif how == "update":
        response = client.post("/sparql", data={"update": update})
    else:
        response = client.post("/sparql", data=update,
                               content_type="application/sparql-update")
    assert _error(response, 400)["message"] == READ_ONLY
    assert store.count() == before > 0


def test_service_from_and_graph_parameters_reach_nothing_outside(client) -> None:
    server, url = _listener()
    with server:
        services = [
            {"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"},
            {"query": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE SILENT ?e {{ ?s ?p ?o }} }}"},
        ]
        for params in services:
            body = _error(client.get("/sparql", query_string=params), 400)
            assert body["error"] == "Query refused", params
            assert body["message"].startswith("SERVICE is not allowed"), params
        # A graph the store lacks is an empty graph (SPARQL's reading), answered, never fetched.
        outside_graphs = [
            {"query": f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}"},
            {"query": f"SELECT * FROM NAMED <{url}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
            {"query": QUICK, "default-graph-uri": url},
            {"query": QUICK, "named-graph-uri": url},
        ]
        for params in outside_graphs:
            response = client.get("/sparql", query_string=params, headers=JSON_RESULTS)
            assert response.status_code == 200, (params, response.get_data(as_text=True)[:300])
        for params in outside_graphs[:2]:
            response = client.get("/sparql", query_string=params, headers=JSON_RESULTS)
            assert response.get_json()["results"]["bindings"] == [], params
        time.sleep(0.1)
        assert _connections(server) == 0


def test_deep_nesting_is_a_400(client) -> None:
    query = "SELECT * WHERE " + "{ " * 100 + "?s ?p ?o" + " }" * 100
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert "nested too deeply" in _error(response, 400)["message"]


# -- rows

# Hundreds of rows, well past the cap of 5, without reading the whole graph: the limit of 1 s is
# for the timeout test, and a whole-graph answer nears it on a busy machine.
ACUPOINTS = "?s a <https://w3id.org/remedy-kg/ontology#Acupoint>"


def test_rows_past_the_cap_are_cut_and_signalled(client) -> None:
    response = client.get("/sparql", query_string={"query": f"SELECT ?s WHERE {{ {ACUPOINTS} }}"},
                          headers=JSON_RESULTS)
    assert response.status_code == 200
    assert len(json.loads(response.data)["results"]["bindings"]) == 5
    assert response.headers["X-Result-Truncated"] == "true"
    assert response.headers["X-Result-Row-Limit"] == "5"
    assert "X-Result-Truncated" in response.headers["Access-Control-Expose-Headers"]
    graph = client.get("/sparql", query_string={"query": f"CONSTRUCT WHERE {{ {ACUPOINTS} }}",
                                                "format": "ntriples"})
    assert len(graph.get_data(as_text=True).strip().splitlines()) == 5
    assert graph.headers["X-Result-Truncated"] == "true"


def test_a_kept_answer_is_still_marked_as_cut(client, store) -> None:
    query = f"SELECT ?s WHERE {{ {ACUPOINTS} }} # kept"
    first, again = (client.get("/sparql", query_string={"query": query}, headers=JSON_RESULTS)
                    for _ in range(2))
    assert again.data == first.data
    assert first.headers["X-Result-Truncated"] == again.headers["X-Result-Truncated"] == "true"
    # Answers are kept for the embedded store only (other engines' data can change under us).
    assert again.headers.get("X-Answer-Cache") == (None if store.stops_queries else "hit")


def test_a_result_within_the_cap_is_not_marked(client) -> None:
    response = client.get("/sparql", query_string={
        "query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"}, headers=JSON_RESULTS)
    assert len(json.loads(response.data)["results"]["bindings"]) == 5
    assert "X-Result-Truncated" not in response.headers


# -- size

def test_a_too_long_url_is_414_and_a_too_large_body_413(client) -> None:
    padding = "#" + "x" * 3000
    assert "POST" in _error(client.get("/sparql", query_string={"query": QUICK + padding}),
                            414)["message"]
    assert _error(client.post("/sparql", data=QUICK + "\n" + padding * 2,
                              content_type="application/sparql-query"), 413)
    assert _error(client.post("/sparql", data={"query": QUICK + "\n" + padding * 2}), 413)
    assert client.post("/sparql", data={"query": QUICK + "\n" + padding[:2000]},
                       headers=JSON_RESULTS).status_code == 200


# -- time

def _worker_pids() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.name == "kg-query-worker"}


def _gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def restart_if_still_busy(engine):
    """An engine that cannot stop a runaway query (an Oxigraph server, see the README) would
    burn a core for the rest of the run: restart it on the same data and port afterwards."""
    yield
    if engine is not None and not engine.stops_runaways:
        engine.stop()
        engine.start()


@pytest.mark.usefixtures("restart_if_still_busy")
def test_a_runaway_query_is_stopped_and_the_next_is_served(client, store) -> None:
    assert client.get("/sparql", query_string={"query": QUICK}).status_code == 200
    before = _worker_pids()
    started = time.monotonic()
    body = _error(client.get("/sparql", query_string={"query": RUNAWAY}), 503)
    took = time.monotonic() - started
    assert body["error"] == "Query timeout" and "time limit of 1 s" in body["message"]
    assert took < 30  # the limit is 1 s; a hang would not return at all
    if not store.stops_queries:  # an engine that stops its own queries needs no workers
        killed = before - _worker_pids()
        assert killed and all(_gone(pid) for pid in killed)
    started = time.monotonic()
    assert client.get("/sparql", query_string={"query": QUICK},
                      headers=JSON_RESULTS).status_code == 200
    assert time.monotonic() - started < 10


@pytest.mark.usefixtures("restart_if_still_busy")
def test_queries_beyond_the_concurrency_cap_get_503_with_retry_after(app) -> None:
    slow = threading.Thread(target=lambda: app.test_client().get(
        "/sparql", query_string={"query": RUNAWAY}))
    slow.start()
    busy = None
    asked = 0
    while slow.is_alive() and busy is None:
        # A new text each time: an answer kept from before would need no slot at all.
        asked += 1
        response = app.test_client().get("/sparql",
                                         query_string={"query": f"{QUICK} # {asked}"})
        if response.status_code == 503:
            busy = response
    slow.join()
    assert busy is not None, "the second query never found the only slot taken"
    assert int(busy.headers["Retry-After"]) >= 1
    assert "at once" in json.loads(busy.data)["message"]


def test_the_ui_and_the_service_description_state_the_limits(client) -> None:
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "stops after 1 s" in html and "At most 5 result rows" in html
    description = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "stops after 1 s" in description and "X-Result-Truncated" in description


# -- rate

def test_rate_limits_answer_429_with_retry_after(store) -> None:
    app = create_app({"TESTING": True, "RATE_LIMIT": "4 per minute",
                      "SPARQL_RATE_LIMIT": "2 per minute"}, store=store)
    try:
        client = app.test_client()
        assert client.get("/sparql", headers={"Accept": "text/html"}).status_code == 200
        for _ in range(2):
            assert client.get("/sparql", query_string={"query": QUICK}).status_code == 200
        limited = client.get("/sparql", query_string={"query": QUICK})
        body = _error(limited, 429)
        assert int(limited.headers["Retry-After"]) > 0 and body["message"]
        # The page limit counts every request, the query limit only queries.
        assert client.get("/").status_code == 429
        assert client.get("/static/css/site.css").status_code == 200
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
        assert other.get("/sparql", query_string={"query": QUICK}).status_code == 200
    finally:
        app.extensions["kg_query_runner"].close()


@pytest.mark.parametrize("setting", ["RATE_LIMIT", "SPARQL_RATE_LIMIT"])
def test_either_rate_limit_alone_still_counts_queries(store, setting: str) -> None:
    """Each limit is counted on its own (web.client_limits): either one set alone still
    counts queries."""
    app = create_app({"TESTING": True, **NO_RATE_LIMITS, setting: "2 per minute"},
                     store=store)
    try:
        client = app.test_client()
        for _ in range(2):
            assert client.get("/sparql", query_string={"query": QUICK}).status_code == 200
        assert client.get("/sparql", query_string={"query": QUICK}).status_code == 429
    finally:
        app.extensions["kg_query_runner"].close()


@pytest.mark.parametrize("setting, value", [
    ("QUERY_TIMEOUT", 0), ("QUERY_TIMEOUT", "ten"), ("MAX_RESULT_ROWS", -1),
    ("MAX_CONCURRENT_QUERIES", 0), ("MAX_URL_LENGTH", "8k"), ("ANSWER_CACHE_BYTES", -1),
    ("QUERY_MEMORY_MB", 0),
])
def test_bad_limit_settings_fail_fast(store, setting: str, value: object) -> None:
    with pytest.raises(ValueError, match=setting):
        create_app({"TESTING": True, setting: value}, store=store)


def test_a_worker_that_dies_mid_query_is_a_503_and_is_replaced(app, store) -> None:
    if store.stops_queries:
        pytest.skip("the engine stops its own queries: no worker processes to kill")
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": QUICK}).status_code == 200
    outcome = []
    runaway = threading.Thread(target=lambda: outcome.append(
        client.get("/sparql", query_string={"query": RUNAWAY})))
    runaway.start()
    time.sleep(0.3)
    for pid in _worker_pids():
        os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer would
    runaway.join()
    body = _error(outcome[0], 503)
    assert body["error"] == "Store unavailable" and "ended before answering" in body["message"]
    assert client.get("/sparql", query_string={"query": QUICK}).status_code == 200


# A few kB of text that makes the engine build and sort 27 million rows (about 4 GB without a
# cap): no data needed, so no time limit short of the build would catch it first.
VALUES_300 = " ".join(str(i) for i in range(300))
MEMORY_HOG = (f"SELECT * {{ VALUES ?a {{ {VALUES_300} }} VALUES ?b {{ {VALUES_300} }} "
              f"VALUES ?c {{ {VALUES_300} }} }} ORDER BY ?a LIMIT 1")


def test_a_query_past_the_memory_cap_is_a_503_and_its_worker_replaced(store) -> None:
    if store.stops_queries:
        pytest.skip("the engine runs its own queries: no worker processes to cap")
    app = create_app({"TESTING": True, "QUERY_TIMEOUT": 60, "QUERY_MEMORY_MB": 256,
                      "MAX_CONCURRENT_QUERIES": 1,
                      **NO_RATE_LIMITS}, store=store)
    try:
        client = app.test_client()
        assert client.get("/sparql", query_string={"query": QUICK}).status_code == 200
        before = _worker_pids()
        body = _error(client.post("/sparql", data={"query": MEMORY_HOG}), 503)
        assert body["error"] == "Query too large"
        assert "more than 256 MB" in body["message"] and "Narrow it" in body["message"]
        assert before - _worker_pids()  # the worker that ran it is gone
        assert client.get("/sparql", query_string={"query": QUICK},
                          headers=JSON_RESULTS).status_code == 200
    finally:
        app.extensions["kg_query_runner"].close()


# -- the guard's parse runs in a query worker

# 'graph' in a name sends a text to the parser (kg.query_guard._screened); 1,900 '+' (3.8 kB,
# within this module's 4 kB body) take rdflib about 5 s to read, past the 1 s limit.
LONG_TO_PARSE = "SELECT (" + "+".join(["1"] * 1_900) + " AS ?graph) {}"


def test_a_query_is_checked_while_another_holds_the_parser(app, store) -> None:
    """A text the guard must parse is parsed in a worker, not under this process's parser
    lock, which one long text held for seconds against every other request."""
    if store.stops_queries:
        pytest.skip("the engine stops its own queries: no workers, so the guard parses here")
    from kg.query_guard import PARSER_LOCK

    outcome = []
    asking = threading.Thread(target=lambda: outcome.append(app.test_client().get(
        "/sparql", query_string={"query": "ASK { GRAPH ?g { ?s ?p 'held lock' } }"})))
    with PARSER_LOCK:
        asking.start()
        asking.join(60)
        answered = bool(outcome)
    asking.join()
    assert answered, "the query waited for the parser lock this process held"
    assert outcome[0].status_code == 200


def test_a_text_too_long_to_check_in_time_is_a_503_and_the_next_is_served(client, store) -> None:
    if store.stops_queries:
        pytest.skip("the engine stops its own queries: no workers, so the guard parses here")
    body = _error(client.post("/sparql", data=LONG_TO_PARSE,
                              content_type="application/sparql-query"), 503)
    assert body["error"] == "Query timeout"
    assert "Reading the query's text ran past the time limit of 1 s" in body["message"]
    assert client.get("/sparql", query_string={"query": "ASK { GRAPH ?g { ?s ?p 1 } }"},
                      headers=JSON_RESULTS).status_code == 200
