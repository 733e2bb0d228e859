"""The route table, pinned: a route added, removed or given other methods fails here until
this table says so (and the README, the OpenAPI description and the tests follow)."""

from __future__ import annotations

import pytest

from kg.store import OxigraphStore
from tests.conftest import make_app

# (rule, methods besides HEAD and OPTIONS, endpoint), in rule order.
ROUTES = [
    ("/", "GET", "pages.home"),
    ("/.well-known/void", "GET", "downloads.void"),
    ("/.well-known/sparql-examples", "GET", "examples.sparql_examples"),
    ("/api/ask", "GET", "ask.api"),
    ("/api/safety", "GET", "safety.api"),
    ("/api/schema", "GET", "schema.schema_json"),
    ("/api/search", "GET", "api.search"),
    ("/api/validate", "POST", "validate.api"),
    ("/ask", "GET", "ask.page"),
    ("/browse/<name>", "GET", "pages.browse"),
    ("/community/<family>/<slug>", "GET", "community.section"),
    ("/community/admin", "GET", "community.admin"),
    ("/community/admin", "POST", "community.admin_sign_in"),
    ("/community/admin/moderate", "POST", "community.moderate"),
    ("/community/flag", "POST", "community.flag"),
    ("/community/outcome", "POST", "community.outcome"),
    ("/community/post", "POST", "community.post"),
    ("/community/vote", "POST", "community.vote"),
    ("/context.jsonld", "GET", "downloads.context"),
    ("/downloads", "GET", "downloads.index"),
    ("/downloads/<part>.<extension>", "GET", "downloads.download"),
    ("/downloads/community.<extension>", "GET", "community.download"),
    ("/evidence-map/", "GET", "evidence_map.site"),
    ("/evidence-map/<slug>", "GET", "evidence_map.condition"),
    ("/favicon.ico", "GET", "downloads.favicon"),
    ("/id/<family>/<slug>", "GET", "pages.entity"),
    ("/ontology", "GET", "pages.ontology"),
    ("/openapi.json", "GET", "openapi.openapi"),
    ("/questions/<name>", "GET", "pages.question"),
    ("/report", "GET", "pages.report"),
    ("/safety", "GET", "safety.page"),
    ("/search", "GET", "search.results"),
    ("/shapes", "GET", "pages.shapes"),
    ("/sitemap-<part>.xml", "GET", "downloads.sitemap_part"),
    ("/sitemap.xml", "GET", "downloads.sitemap"),
    ("/sparql", "GET POST", "sparql.endpoint"),
    ("/static/<path:filename>", "GET", "static"),
    ("/validate", "GET", "validate.page"),
    ("/validate", "POST", "validate.page_check"),
]


@pytest.fixture(scope="module")
def routes() -> list[tuple[str, str, str]]:
    # The routes do not depend on the engine or the data: an empty store, no build.
    return _table(make_app(OxigraphStore(None)))


def _table(app) -> list[tuple[str, str, str]]:
    return sorted((rule.rule, " ".join(sorted(rule.methods - {"HEAD", "OPTIONS"})),
                   rule.endpoint) for rule in app.url_map.iter_rules())


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r[1]} {r[0]}" for r in ROUTES])
def test_route_is_served(routes: list[tuple[str, str, str]], route: tuple[str, str, str]) -> None:
    assert route in routes


def test_no_route_beyond_the_table(routes: list[tuple[str, str, str]]) -> None:
    assert [r for r in routes if r not in ROUTES] == []
