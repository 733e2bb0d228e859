"""web.answer_replay: /sparql answers the runner keeps, resent whole without Flask."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_app
from web.answer_replay import EXTENSION, AnswerReplay

JSON_RESULTS = "application/sparql-results+json"
QUERY = "SELECT ?s WHERE { ?s a <https://w3id.org/remedy-kg/ontology#Remedy> } ORDER BY ?s"


@pytest.fixture
def replay_app(embedded_store):
    app = make_app(embedded_store)
    yield app
    app.extensions["kg_query_runner"].close()


def _get(client, query: str = QUERY, accept: str = JSON_RESULTS, **kwargs):
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": accept},
                      **kwargs)


def _flask_refuses(app, monkeypatch) -> None:
    """From now on the endpoint's view fails: only a resent answer can be a 200."""
    def refuse():  # type: ignore[no-untyped-def]
        raise AssertionError("Flask's view ran")
    monkeypatch.setitem(app.view_functions, "sparql.endpoint", refuse)


def test_the_third_asking_is_the_seconds_response_resent_without_flask(replay_app,
                                                                       monkeypatch) -> None:
    client = replay_app.test_client()
    first, second = _get(client), _get(client)
    assert "X-Answer-Cache" not in first.headers and second.headers["X-Answer-Cache"] == "hit"
    _flask_refuses(replay_app, monkeypatch)
    third = _get(client)
    assert third.status_code == 200
    assert third.data == second.data == first.data and len(json.loads(third.data)
                                                           ["results"]["bindings"]) > 5
    assert list(third.headers.items()) == list(second.headers.items())
    assert replay_app.extensions[EXTENSION].replays == 1


def _kept(app):  # type: ignore[no-untyped-def]
    """A client that has asked QUERY twice: the replay now keeps its answer."""
    client = app.test_client()
    for _ in range(2):
        _get(client)
    return client


def test_another_format_or_query_is_not_resent_from_an_answer_kept(replay_app) -> None:
    client = _kept(replay_app)
    csv = _get(client, accept="text/csv")
    assert csv.mimetype == "text/csv" and "X-Answer-Cache" not in csv.headers
    other = _get(client, QUERY + " LIMIT 2")
    assert len(json.loads(other.data)["results"]["bindings"]) == 2
    assert replay_app.extensions[EXTENSION].replays == 0


def test_a_request_with_a_cookie_or_not_a_get_goes_through_flask(replay_app,
                                                                  monkeypatch) -> None:
    client = _kept(replay_app)
    _flask_refuses(replay_app, monkeypatch)
    client.set_cookie("session", "abc")  # a visitor's session: Flask refreshes it
    with pytest.raises(AssertionError, match="view ran"):
        _get(client)
    client.delete_cookie("session")
    with pytest.raises(AssertionError, match="view ran"):
        client.head("/sparql", query_string={"query": QUERY}, headers={"Accept": JSON_RESULTS})
    assert _get(client).status_code == 200  # and without them, resent
    assert replay_app.extensions[EXTENSION].replays == 1


def test_resent_answers_count_against_the_rate_limits(embedded_store) -> None:
    app = make_app(embedded_store, SPARQL_RATE_LIMIT="3 per minute")
    try:
        client = app.test_client()
        assert [_get(client).status_code for _ in range(3)] == [200, 200, 200]
        assert app.extensions[EXTENSION].replays == 1
        limited = _get(client)
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert "3 per 1 minute" in limited.get_json()["message"]
        assert app.extensions[EXTENSION].replays == 1
    finally:
        app.extensions["kg_query_runner"].close()


def test_queries_that_can_read_the_community_graph_are_never_kept(replay_app) -> None:
    client = replay_app.test_client()
    query = "SELECT * WHERE { GRAPH ?g { ?s a <https://schema.org/LikeAction> } }"
    for _ in range(3):
        assert "X-Answer-Cache" not in _get(client, query).headers
    assert not replay_app.extensions[EXTENSION].kept.entries


def test_no_replay_when_answers_are_not_kept(embedded_store) -> None:
    app = make_app(embedded_store, ANSWER_CACHE_BYTES=0)
    try:
        assert EXTENSION not in app.extensions
    finally:
        app.extensions["kg_query_runner"].close()


# -- what is kept, on a stand-in app

ENVIRON = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": "query=ASK%7B%7D",
           "HTTP_ACCEPT": JSON_RESULTS}


def _inner(status: str, headers: list[tuple[str, str]], body: bytes):  # type: ignore[no-untyped-def]
    calls = []

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        calls.append(environ)
        start_response(status, headers)
        return [body]
    return app, calls


@pytest.mark.parametrize("status, headers", [
    ("200 OK", [("X-Answer-Cache", "hit"), ("Set-Cookie", "session=x")]),
    ("200 OK", [("Content-Type", "application/json")]),  # run, not a kept answer
    ("503 SERVICE UNAVAILABLE", [("X-Answer-Cache", "hit")]),
])
def test_only_a_kept_answers_200_without_a_cookie_is_resent(status: str, headers) -> None:
    inner, calls = _inner(status, headers, b"{}")
    replay = AnswerReplay(inner, 2**20)
    for _ in range(3):
        assert b"".join(replay(dict(ENVIRON), lambda *args: None)) == b"{}"
    assert len(calls) == 3 and replay.replays == 0


def test_keys_count_against_the_bound() -> None:
    # A client varying the query string or Accept makes an entry per request: its key is
    # part of what the entry holds.
    inner, _ = _inner("200 OK", [("X-Answer-Cache", "hit")], b"{}")
    replay = AnswerReplay(inner, 2**20)
    for accept in ("a" * 10, "a" * 20_000):
        replay({**ENVIRON, "HTTP_ACCEPT": accept}, lambda *args: None)
    small, big = (size for _, size in replay.kept.entries.values())
    assert big - small == 20_000 - 10


def test_headers_are_kept_as_sent_before_anything_outside_adds_to_them() -> None:
    inner, _ = _inner("200 OK", [("X-Answer-Cache", "hit")], b"{}")
    replay = AnswerReplay(inner, 2**20)

    def outer(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        headers.append(("X-Request-Id", "1"))  # a middleware that adds in place
    replay(dict(ENVIRON), outer)
    sent: list = []
    replay(dict(ENVIRON), lambda status, headers, exc=None: sent.append(headers))
    assert sent == [[("X-Answer-Cache", "hit")]]


def test_resent_headers_are_a_new_list_each_time_and_big_answers_are_not_kept() -> None:
    headers = [("X-Answer-Cache", "hit"), ("Content-Type", "application/json")]
    inner, calls = _inner("200 OK", headers, b"{}")
    replay = AnswerReplay(inner, 2**20)
    sent: list = []
    for _ in range(3):
        replay(dict(ENVIRON), lambda status, got, exc=None: sent.append(got))
    assert len(calls) == 1 and replay.replays == 2
    sent[1].append(("Server", "x"))  # as a server adds its own
    assert sent[2] == headers

    big, calls = _inner("200 OK", headers, b"x" * 5000)
    small = AnswerReplay(big, 1000)
    for _ in range(2):
        small(dict(ENVIRON), lambda *args: None)
    assert len(calls) == 2 and small.replays == 0
