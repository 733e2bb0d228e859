"""web.client_limits: RATE_LIMIT, SPARQL_RATE_LIMIT and COMMUNITY_RATE_LIMIT, counted per client
before Flask."""

from __future__ import annotations

import pytest

from tests.conftest import make_app
from web.client_limits import ClientLimits

LIMITS = {"RATE_LIMIT": "3 per minute", "SPARQL_RATE_LIMIT": "1 per minute"}


def _environ(path: str = "/", query: str = "", method: str = "GET",
             address: str = "192.0.2.1") -> dict:
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
            "REMOTE_ADDR": address}


def _over(limits: ClientLimits, environ: dict, times: int) -> list[bool]:
    return [limits.count(dict(environ)) is not None for _ in range(times)]


def test_every_request_but_static_files_counts_per_address() -> None:
    limits = ClientLimits(LIMITS, "/static/")
    assert _over(limits, _environ("/"), 4) == [False, False, False, True]
    assert _over(limits, _environ("/static/css/site.css"), 3) == [False] * 3
    assert _over(limits, _environ("/", address="192.0.2.9"), 1) == [False]


@pytest.mark.parametrize("environ, is_query", [
    (_environ("/sparql", "query=ASK%7B%7D"), True),
    (_environ("/sparql", "format=json&query="), True),
    (_environ("/sparql", "%71uery=ASK%7B%7D"), True),  # the view decodes the name too
    (_environ("/sparql", method="POST"), True),
    (_environ("/sparql"), False),  # the query UI
    (_environ("/sparql", "queryish=1"), False),
    (_environ("/id/remedy/acupuncture", "q=query"), False),
])
def test_the_query_limit_counts_queries_only(environ: dict, is_query: bool) -> None:
    limits = ClientLimits({"RATE_LIMIT": "", "SPARQL_RATE_LIMIT": "1 per minute"}, "/static/")
    assert _over(limits, environ, 2) == [False, is_query]


@pytest.mark.parametrize("environ, is_a_write", [
    (_environ("/community/vote", method="POST"), True),
    (_environ("/community/admin/moderate", method="POST"), True),
    (_environ("/community/claim/acupuncture--restless-legs-syndrome"), False),  # a read
    (_environ("/sparql", method="POST"), False),
])
def test_the_community_limit_counts_its_writes_only(environ: dict, is_a_write: bool) -> None:
    limits = ClientLimits({"COMMUNITY_RATE_LIMIT": "1 per minute"}, "/static/")
    assert _over(limits, environ, 2) == [False, is_a_write]


def test_the_first_limit_over_is_named_with_the_seconds_left() -> None:
    limits = ClientLimits({"RATE_LIMIT": "", "SPARQL_RATE_LIMIT": "5 per minute;1 per second"},
                          "/static/")
    environ = _environ("/sparql", "query=x")
    assert limits.count(dict(environ)) is None
    breach = limits.count(dict(environ))
    assert breach is not None and str(breach.limit) == "1 per 1 second"
    assert 1 <= breach.retry_after <= 1


def test_the_shortest_window_is_counted_first_whatever_the_settings_order() -> None:
    # Refused by the per-second limit, a request must not use up the hourly one.
    limits = ClientLimits({"RATE_LIMIT": "5 per hour;2 per second",
                           "SPARQL_RATE_LIMIT": "1 per second"}, "/static/")
    assert [str(limit.item) for limit in limits.limits] == [
        "2 per 1 second", "1 per 1 second", "5 per 1 hour"]
    page = _environ("/")
    assert _over(limits, page, 4) == [False, False, True, True]
    hourly = limits.limits[-1]
    assert limits.counter.get_window_stats(hourly.item, "192.0.2.1", hourly.name).remaining == 3


@pytest.mark.parametrize("setting", ["RATE_LIMIT", "SPARQL_RATE_LIMIT", "COMMUNITY_RATE_LIMIT"])
def test_a_limit_that_is_not_a_rate_fails_fast_naming_it(embedded_store, setting: str) -> None:
    with pytest.raises(ValueError, match=f"{setting} must be a rate"):
        make_app(embedded_store, **{setting: "often"})


def test_a_page_served_from_the_page_cache_is_still_counted(embedded_store) -> None:
    # The cache answers from a request hook: the limit's hook must come before it.
    app = make_app(embedded_store, RATE_LIMIT="2 per minute")
    try:
        client = app.test_client()
        assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        app.extensions["kg_query_runner"].close()
