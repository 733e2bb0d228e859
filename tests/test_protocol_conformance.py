"""What clients nobody here wrote send: media-type parameters, `format` in a form body, HEAD,
bytes that are not UTF-8, relative IRIs, graphs the store lacks, JSON-only clients; and errors
that are always a page or JSON, never a 500 or a Python repr.

Negotiation and parsing do not depend on the engine, so most tests use `embedded_client`; the
ones about how a query is answered (base IRI, datasets) run on every engine.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote

import pytest
from rdflib import Graph

from kg.formats import RESULTS_FORMATS

CLAIM = "/id/claim/acupuncture--restless-legs-syndrome"
CONSTRUCT = ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . "
             "FILTER(?s = <https://w3id.org/remedy-kg/id/remedy/acupuncture>) }")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NOWHERE = "http://127.0.0.1:9/nowhere.ttl"  # a graph no store holds (and a port nobody serves)


def _n(response) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


# -- errors: a page or JSON, by the same negotiation as everything else

def test_the_406_page_names_its_status_not_a_python_object(embedded_client) -> None:
    response = embedded_client.get(CLAIM, headers={"Accept": "image/png"})
    html = response.get_data(as_text=True)
    assert response.status_code == 406 and response.mimetype == "text/html"
    assert "<title>406 Not Acceptable" in html and "<h1>Not Acceptable</h1>" in html
    assert "object at 0x" not in html


@pytest.mark.parametrize("path, status", [
    (CLAIM, 406), ("/ontology", 406), ("/id/remedy/no-such-remedy", 404),
    ("/browse/NoSuchType", 404), ("/questions/no-such-question", 404),
])
def test_a_json_client_gets_its_errors_as_json(embedded_client, path: str, status: int) -> None:
    response = embedded_client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == status and response.is_json
    error = response.get_json()
    assert error["status"] == status and error["message"]
    if status == 406:
        assert error["error"] == "Not Acceptable" and "text/turtle" in error["offered"]


# -- media-type parameters and q-values

@pytest.mark.parametrize("accept, media_type", [
    ("text/turtle; charset=utf-8", "text/turtle"),
    ('application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"',
     "application/ld+json"),
    ("application/n-triples;charset=UTF-8;q=0.9, text/html;q=0.1", "application/n-triples"),
    ("text/html; charset=utf-8", "text/html"),
])
@pytest.mark.parametrize("path", [CLAIM, "/ontology"])
def test_media_type_parameters_do_not_refuse_a_type(embedded_client, path: str, accept: str,
                                                    media_type: str) -> None:
    response = embedded_client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == media_type


def test_media_type_parameters_on_the_endpoint_and_void(embedded_client) -> None:
    select = embedded_client.get("/sparql", query_string={"query": COUNT}, headers={
        "Accept": "application/sparql-results+json; charset=utf-8"})
    assert select.mimetype == "application/sparql-results+json" and _n(select) > 1000
    graph = embedded_client.get("/sparql", query_string={"query": CONSTRUCT},
                                headers={"Accept": "text/turtle; charset=utf-8"})
    assert graph.status_code == 200 and graph.mimetype == "text/turtle"
    void = embedded_client.get("/.well-known/void", headers={
        "Accept": 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"'})
    assert void.status_code == 200 and void.mimetype == "application/ld+json"


def test_every_text_representation_says_it_is_utf8(embedded_client) -> None:
    for path, accept in [(CLAIM, "text/turtle"), ("/ontology", "text/turtle"),
                         ("/.well-known/void", "text/turtle"), ("/context.jsonld", None)]:
        response = embedded_client.get(path, headers={"Accept": accept} if accept else {})
        assert response.headers["Content-Type"].endswith("; charset=utf-8"), path


# -- ASK in every results format the README promises

@pytest.mark.parametrize("name", sorted(RESULTS_FORMATS))
def test_ask_in_every_results_format(embedded_client, name: str) -> None:
    syntax = RESULTS_FORMATS[name]
    response = embedded_client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                                   headers={"Accept": syntax.media_type})
    assert response.status_code == 200 and response.mimetype == syntax.media_type
    text = response.get_data(as_text=True)
    if name == "json":
        assert json.loads(text)["boolean"] is True
    elif name == "xml":
        assert re.search(r"<boolean>\s*true\s*</boolean>", text)
    elif name == "csv":
        assert list(csv.reader(io.StringIO(text))) == [["_askResult"], ["true"]]
    else:
        assert text.splitlines() == ["?_askResult", "true"]


# -- `format`, as SPARQLWrapper and others send it

@pytest.mark.parametrize("name, media_type", [
    ("rdf+xml", "application/rdf+xml"), ("xml", "application/rdf+xml"),
    ("turtle", "text/turtle"), ("n3", "text/turtle"), ("json-ld", "application/ld+json"),
    ("ntriples", "application/n-triples"), ("text/turtle", "text/turtle"),
])
def test_format_names_clients_send_for_graphs(embedded_client, name: str,
                                              media_type: str) -> None:
    response = embedded_client.get("/sparql", query_string={"query": CONSTRUCT, "format": name})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == media_type
    syntax = {"application/rdf+xml": "xml", "text/turtle": "turtle",
              "application/ld+json": "json-ld", "application/n-triples": "nt"}[media_type]
    assert len(Graph().parse(data=response.data, format=syntax)) > 10


def test_format_in_a_posted_form_is_honoured(embedded_client) -> None:
    graph = embedded_client.post("/sparql", data={"query": CONSTRUCT, "format": "rdf+xml"})
    assert graph.status_code == 200 and graph.mimetype == "application/rdf+xml"
    rows = embedded_client.post("/sparql", data={"query": COUNT, "format": "csv"})
    assert rows.status_code == 200 and rows.mimetype == "text/csv"
    bad = embedded_client.post("/sparql", data={"query": COUNT, "format": "yaml"})
    assert bad.status_code == 400 and "csv" in bad.get_json()["message"]


# -- HEAD

def test_head_answers_as_get_would_without_a_body(embedded_client) -> None:
    for headers in ({"Accept": "text/html"}, {"Accept": "text/turtle"}, {}):
        head = embedded_client.head("/sparql", headers=headers)
        get = embedded_client.get("/sparql", headers=headers)
        assert head.status_code == 200 == get.status_code, headers
        assert head.headers["Content-Type"] == get.headers["Content-Type"] and head.data == b""
    head = embedded_client.head("/sparql?query=" + quote("ASK {}"))
    assert head.status_code == 200 and head.mimetype == "application/sparql-results+json"


# -- bytes that are not UTF-8

LATIN1_QUERY = "query=" + quote("ASK { ?s ?p 'caf\xe9' }", encoding="latin-1")


def test_a_query_string_that_is_not_utf8_is_a_400(embedded_client) -> None:
    response = embedded_client.get("/sparql?" + LATIN1_QUERY)
    assert response.status_code == 400 and "UTF-8" in response.get_json()["message"]


def test_a_form_body_that_is_not_utf8_is_a_400(embedded_client) -> None:
    for body in (LATIN1_QUERY.encode("ascii"), "query=ASK { ?s ?p 'caf\xe9' }".encode("latin-1")):
        response = embedded_client.post("/sparql", data=body,
                                        content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400 and "UTF-8" in response.get_json()["message"]


def test_utf8_queries_still_run(embedded_client) -> None:
    response = embedded_client.get("/sparql?query=" + quote("ASK { FILTER('café' != '') }"))
    assert response.get_json()["boolean"] is True


# -- queries answered on every engine: the base IRI and datasets

def test_relative_iris_resolve_against_the_base(client) -> None:
    query = "SELECT (STR(<id/remedy/acupuncture>) AS ?iri) WHERE { <id/remedy/acupuncture> ?p ?o }"
    response = client.get("/sparql", query_string={"query": query + " LIMIT 1"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    rows = response.get_json()["results"]["bindings"]
    assert [r["iri"]["value"] for r in rows] == ["https://w3id.org/remedy-kg/id/remedy/acupuncture"]


def test_a_query_with_its_own_base_keeps_it(client) -> None:
    query = "BASE <http://example.org/x/> SELECT (STR(<y>) AS ?iri) WHERE {}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.get_json()["results"]["bindings"][0]["iri"]["value"] == \
        "http://example.org/x/y"


@pytest.mark.parametrize("query", [
    f"SELECT (COUNT(*) AS ?n) FROM <{NOWHERE}> WHERE {{ ?s ?p ?o }}",
    f"SELECT (COUNT(*) AS ?n) FROM NAMED <{NOWHERE}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    f"SELECT (COUNT(*) AS ?n) FROM NAMED <{NOWHERE}> WHERE {{ ?s ?p ?o }}",
    "SELECT (COUNT(*) AS ?n) FROM <nowhere> WHERE { ?s ?p ?o }",
])
def test_a_graph_the_store_lacks_is_an_empty_graph(client, query: str) -> None:
    assert _n(client.get("/sparql", query_string={"query": query})) == 0


def test_a_held_graph_beside_one_the_store_lacks(client) -> None:
    ontology = "https://w3id.org/remedy-kg/graph/ontology"
    alone = _n(client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}"}))
    both = _n(client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> FROM <{NOWHERE}> "
                 f"FROM NAMED <{NOWHERE}> WHERE {{ ?s ?p ?o }}"}))
    assert both == alone > 100
    named = _n(client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ontology}> FROM NAMED <{NOWHERE}> "
                 "WHERE { GRAPH ?g { ?s ?p ?o } }"}))
    assert named == alone


def test_protocol_graph_parameters_the_store_lacks_are_empty(client, engine) -> None:
    assert _n(client.get("/sparql", query_string={
        "query": COUNT, "default-graph-uri": NOWHERE})) == 0
    if engine is not None and engine.name == "virtuoso":
        return  # Virtuoso lets a query's FROM win over default-graph-uri (a known deviation)
    # The protocol's dataset overrides the query's FROM, held or not.
    assert _n(client.get("/sparql", query_string={
        "query": "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/remedy-kg/graph/data> "
                 "WHERE { ?s ?p ?o }", "default-graph-uri": NOWHERE})) == 0


# -- the search box, submitted

def test_search_boxes_submit_to_a_results_page(embedded_client) -> None:
    home = embedded_client.get("/").get_data(as_text=True)
    forms = re.findall(r'<form class="search[^"]*" action="([^"]+)"', home)
    # The header's and the home page's search boxes, and the home page's question box.
    assert forms == ["/search", "/search", "/ask"]
    response = embedded_client.get(forms[0], query_string={"q": "restless"},
                                   headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'href="/id/condition/restless-legs-syndrome"' in html
    assert "<header" in html and '"results"' not in html


def test_the_search_page_without_matches_or_text(embedded_client) -> None:
    none = embedded_client.get("/search", query_string={"q": "zzzqqq"}).get_data(as_text=True)
    assert "Nothing in this graph is labelled" in none
    assert embedded_client.get("/search").status_code == 200
    too_long = embedded_client.get("/search", query_string={"q": "x" * 101})
    assert too_long.status_code == 400 and too_long.mimetype == "text/html"


# -- downloads and the icon

def test_downloads_are_attachments_with_their_file_name(embedded_client) -> None:
    for name in ("remedy-kg.ttl", "remedy-kg.nq", "ontology.rdf"):
        response = embedded_client.get(f"/downloads/{name}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
        response.close()


def test_a_favicon_at_the_root_and_in_every_page(embedded_client) -> None:
    icon = embedded_client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.data.startswith(b"<svg")
    home = embedded_client.get("/").get_data(as_text=True)
    assert re.search(r'<link rel="icon" type="image/svg\+xml" href="/static/favicon.svg">', home)
