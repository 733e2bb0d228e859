"""The remote store's HTTP side against a fake engine: retries, backoff, credentials, errors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import Literal

from kg.store import QuerySyntaxError, QueryTimeout, StoreError, open_store
from kg.store.oxigraph import check_syntax
from kg.store.remote import Endpoints, RemoteStore
from kg.store.transport import Credentials, EngineError, Retry, with_retries
from tests.engines import free_port

ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()
SELECT_ONE = json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": []}}).encode()


class FakeEngine:
    """Answers each request from a script of (status, headers, body, delay) and records it."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str], bytes, float]] = []
        self.requests: list[dict[str, str]] = []
        engine = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                engine.requests.append(dict(self.headers.items()))
                status, headers, body, delay = (engine.script.pop(0) if engine.script
                                                else (200, {}, ASK_TRUE, 0.0))
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", headers.pop("Content-Type",
                                                             "application/sparql-results+json"))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, status: int, body: bytes = b"", delay: float = 0.0, **headers: str) -> None:
        self.script.append((status, {k.replace("_", "-"): v for k, v in headers.items()},
                            body, delay))


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    engine = FakeEngine()
    yield engine
    engine.server.shutdown()


def _store(url: str, **options: object) -> RemoteStore:
    options.setdefault("retry", Retry(attempts=3, first_delay=0.01))
    # The served-graph list is fetched once and cached, so scripts below count from the query.
    store = RemoteStore(Endpoints(url), **options)  # type: ignore[arg-type]
    store._served = (time.monotonic(), ["http://example.org/g"])
    return store


def test_transient_statuses_are_retried_with_growing_delays(fake: FakeEngine) -> None:
    fake.answer(503, b"busy")
    fake.answer(504, b"gateway timeout")
    fake.answer(200, ASK_TRUE)
    slept: list[float] = []
    store = _store(fake.url)
    answer = with_retries(fake.url, lambda: _store_fetch(store), Retry(3, 0.5, 2.0),
                          sleep=slept.append)
    assert answer is True
    assert slept == [0.5, 1.0]


def _store_fetch(store: RemoteStore) -> bool:
    from kg.store.remote import _fetch

    wrapper = store._wrapper(store.endpoints.query)
    wrapper.setQuery("ASK {}")
    return json.loads(_fetch(wrapper).body)["boolean"]


def test_a_query_survives_two_unavailable_answers(fake: FakeEngine) -> None:
    fake.answer(503, b"busy")
    fake.answer(503, b"still busy")
    fake.answer(200, ASK_TRUE)
    assert _store(fake.url).query("ASK { ?s ?p ?o }").boolean is True
    assert len(fake.requests) == 3


def test_giving_up_names_the_endpoint_status_and_body(fake: FakeEngine) -> None:
    for _ in range(3):
        fake.answer(503, b"Service Unavailable: the engine is restarting")
    with pytest.raises(EngineError) as caught:
        _store(fake.url).query("ASK { ?s ?p ?o }")
    message = str(caught.value)
    assert fake.url in message and "HTTP 503" in message
    assert "the engine is restarting" in message and "after 3 attempts" in message


def test_a_refusal_is_not_retried(fake: FakeEngine) -> None:
    fake.answer(500, b"Virtuoso 42000 Error SR186: No permission")
    with pytest.raises(EngineError, match=r"answered HTTP 500: Virtuoso 42000 Error SR186"):
        _store(fake.url).query("ASK { ?s ?p ?o }")
    assert len(fake.requests) == 1


def test_a_stopped_engine_is_a_clear_error_after_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    slept: list[float] = []
    store = _store(url, retry=Retry(attempts=3, first_delay=0.01))
    with pytest.raises(EngineError, match=r"cannot reach .*: connection refused .*3 attempts"):
        with_retries(url, lambda: _store_fetch(store), store.retry, sleep=slept.append)
    assert len(slept) == 2


def test_basic_credentials_come_from_the_environment_and_stay_secret(fake: FakeEngine) -> None:
    credentials = Credentials.from_environment({"KG_ENDPOINT_USER": "loader",
                                                "KG_ENDPOINT_PASSWORD": "s3cret-pw"})
    fake.answer(401, b"Unauthorized")
    with pytest.raises(EngineError) as caught:
        _store(fake.url, credentials=credentials).query("ASK { ?s ?p ?o }")
    assert fake.requests[0]["Authorization"] == "Basic bG9hZGVyOnMzY3JldC1wdw=="
    assert "s3cret" not in str(caught.value) and "s3cret" not in repr(credentials)
    assert "HTTP 401" in str(caught.value)


def test_bearer_token_from_the_environment(fake: FakeEngine) -> None:
    credentials = Credentials.from_environment({"KG_ENDPOINT_TOKEN": "tok-123"})
    _store(fake.url, credentials=credentials).query("ASK { ?s ?p ?o }")
    assert fake.requests[0]["Authorization"] == "Bearer tok-123"
    assert "tok-123" not in repr(credentials)


def test_both_kinds_of_credentials_is_an_error() -> None:
    with pytest.raises(StoreError, match="either"):
        Credentials.from_environment({"KG_ENDPOINT_TOKEN": "t", "KG_ENDPOINT_USER": "u"})


def test_credentials_in_the_url_are_refused() -> None:
    with pytest.raises(StoreError, match="KG_ENDPOINT_USER") as caught:
        open_store("http://loader:s3cret@127.0.0.1:1/sparql")
    assert "s3cret" not in str(caught.value)


def test_syntax_errors_are_caught_before_the_engine_with_the_usual_message(
        fake: FakeEngine) -> None:
    with pytest.raises(QuerySyntaxError, match=r"error at 1:\d+"):
        _store(fake.url).query("SELECT ?s WHERE { ?s }")
    assert fake.requests == []


@pytest.mark.parametrize("query, form", [
    # Evaluated, these would fail (pyoxigraph refuses port 9): the check parses and stops
    # there, so an ASK or an aggregate over a cross product of VALUES costs nothing here.
    ("ASK { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "ASK"),
    ("PREFIX x: <urn:x#>\nSELECT (COUNT(*) AS ?n) { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
     "SELECT"),
    ("describe <urn:x>", "DESCRIBE"),
])
def test_the_syntax_check_parses_and_evaluates_nothing(query: str, form: str) -> None:
    assert check_syntax(query) == form


def test_virtuoso_partial_answer_is_a_timeout_not_a_result(fake: FakeEngine) -> None:
    store = _store(fake.url)
    store._server = "Virtuoso/07.20.3229 (Linux)"
    fake.answer(200, SELECT_ONE, X_SQL_State="S1TAT",
                X_SQL_Message="RC...: Returning incomplete results, query interrupted")
    with pytest.raises(QueryTimeout, match="incomplete results"):
        store.query("SELECT ?g WHERE { ?g ?p ?o }", timeout=1.0)


def test_an_engine_slower_than_the_limit_is_a_timeout(fake: FakeEngine) -> None:
    fake.answer(200, ASK_TRUE, delay=1.5)
    store = _store(fake.url)
    store._server = "Oxigraph/0.5"
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="did not answer in time"):
        store.query("ASK { ?s ?p ?o }", timeout=0.3)
    assert time.monotonic() - started < 1.4
    assert len(fake.requests) == 1  # a timeout is not retried


def test_virtuoso_ask_answer_is_a_boolean(fake: FakeEngine) -> None:
    body = {"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [
        {"__ASK_RETVAL": {"type": "typed-literal", "value": "0",
                          "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}
    fake.answer(200, json.dumps(body).encode())
    assert _store(fake.url).query("ASK { ?s ?p ?o }").boolean is False


def test_terms_come_back_as_the_embedded_store_gives_them(fake: FakeEngine) -> None:
    body = {"head": {"vars": ["a", "b", "c", "d"]}, "results": {"bindings": [{
        "a": {"type": "literal", "value": "x",
              "datatype": "http://www.w3.org/2001/XMLSchema#string"},
        "b": {"type": "typed-literal", "value": "3",
              "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
        "c": {"type": "literal", "value": "y", "xml:lang": "en"},
        "d": {"type": "bnode", "value": "nodeID://b10001"}}]}}
    fake.answer(200, json.dumps(body).encode())
    row = _store(fake.url).query("SELECT ?a ?b ?c ?d WHERE { ?a ?b ?c }").rows[0]
    assert row[:3] == (Literal("x"), Literal(3), Literal("y", lang="en"))
    assert "/" not in str(row[3]) and row[3].n3().startswith("_:")
