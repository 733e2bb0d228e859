"""/sparql on the embedded store: answers written by the engine in the worker are the answers
the store gives (as QueryResult, written by kg.results and web.entities) in every format."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.formats import RDF_FORMATS, RESULTS_FORMATS

SELECT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label ?comment WHERE {
  ?s a <https://w3id.org/remedy-kg/ontology#Claim> ; rdfs:label ?label
  OPTIONAL { ?s rdfs:comment ?comment }
} ORDER BY ?s"""
DESCRIBE = "DESCRIBE <https://w3id.org/remedy-kg/id/remedy/acupuncture>"


def _rows(data: bytes, name: str) -> list[list[object]]:
    if name == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8"))))
    fmt = RESULTS_FORMATS[name].oxigraph
    return [list(solution) for solution in ox.parse_query_results(data, format=fmt)]


@pytest.mark.parametrize("name", list(RESULTS_FORMATS))
def test_select_answers_are_the_stores_in_every_format(embedded_client, embedded_store,
                                                      name: str) -> None:
    syntax = RESULTS_FORMATS[name]
    response = embedded_client.get("/sparql", query_string={"query": SELECT},
                                   headers={"Accept": syntax.media_type})
    assert response.status_code == 200 and response.mimetype == syntax.media_type
    expected = embedded_store.query(SELECT).serialize(syntax)
    rows = _rows(response.data, name)
    assert len(rows) >= 12
    assert rows == _rows(expected, name)


@pytest.mark.parametrize("name", ["turtle", "jsonld", "ntriples", "rdfxml"])
def test_graph_answers_are_the_stores_in_every_format(embedded_client, embedded_store,
                                                     name: str) -> None:
    syntax = RDF_FORMATS[name]
    response = embedded_client.get("/sparql", query_string={"query": DESCRIBE},
                                   headers={"Accept": syntax.media_type})
    assert response.status_code == 200 and response.mimetype == syntax.media_type
    graph = Graph().parse(data=response.data, format=syntax.rdflib)
    assert len(graph) > 10
    assert isomorphic(graph, embedded_store.query(DESCRIBE).graph)


def test_a_406_is_decided_before_the_query_runs(embedded_client) -> None:
    # A graph asked for in a results format: refused from the parse, whatever the query costs.
    response = embedded_client.get("/sparql", query_string={"query": DESCRIBE},
                                   headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


# -- answers kept (KG_ANSWER_CACHE_BYTES)

COMMUNITY_QUERY = "SELECT * WHERE { GRAPH ?g { ?s a <https://schema.org/LikeAction> } }"


def _ask(client, query: str, accept: str = "application/sparql-results+json"):
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    return response


def test_a_query_asked_again_is_answered_from_memory(embedded_client) -> None:
    query = SELECT + "\n# asked twice"
    first, again = _ask(embedded_client, query), _ask(embedded_client, query)
    assert "X-Answer-Cache" not in first.headers
    assert again.headers["X-Answer-Cache"] == "hit"
    assert again.data == first.data
    assert "X-Answer-Cache" in again.headers["Access-Control-Expose-Headers"]
    # Another format is another answer: run once, then kept too.
    csv_first = _ask(embedded_client, query, "text/csv")
    assert "X-Answer-Cache" not in csv_first.headers and csv_first.data != first.data
    assert _ask(embedded_client, query, "text/csv").headers["X-Answer-Cache"] == "hit"


@pytest.mark.parametrize("query", [
    COMMUNITY_QUERY,
    "SELECT * FROM <https://w3id.org/remedy-kg/graph/community> WHERE { ?s ?p ?o }",
    "ASK { FILTER EXISTS { GRAPH <https://w3id.org/remedy-kg/graph/community> { ?s ?p ?o } } }",
    "BASE <https://w3id.org/remedy-kg/> ASK { GRAPH <graph/community> { ?s ?p ?o } }",
])
def test_queries_that_can_read_the_community_graph_always_run(embedded_client,
                                                              query: str) -> None:
    for _ in range(2):
        assert "X-Answer-Cache" not in _ask(embedded_client, query).headers


def test_no_answers_kept_when_the_cache_is_off(embedded_store) -> None:
    from tests.conftest import make_app

    app = make_app(embedded_store, ANSWER_CACHE_BYTES=0)
    try:
        client = app.test_client()
        for _ in range(2):
            assert "X-Answer-Cache" not in _ask(client, "ASK {}").headers
    finally:
        app.extensions["kg_query_runner"].close()


def test_on_disk_the_default_graph_holds_no_graph_apart_and_named_ones_answer(
        disk_store, engine, tmp_path) -> None:
    """Through /sparql on an on-disk store: a query naming no graph runs on the workers'
    served-graphs checkpoint (kg.query_workers); FROM, the protocol's graph URIs and GRAPH
    still reach the VoID graph, kept apart from the default graph."""
    if engine is not None:
        pytest.skip("workers serve the embedded on-disk store only")
    from kg.namespaces import Graphs
    from kg.store import open_store
    from tests.conftest import make_app

    dataset = "ASK { ?s a <http://rdfs.org/ns/void#Dataset> }"
    app = make_app(open_store(disk_store, read_only=True), ANSWER_CACHE_BYTES=0,
                   COMMUNITY_JOURNAL=str(tmp_path / "community.jsonl"))
    try:
        client = app.test_client()

        def asked(query: str, **params: str) -> bool:
            answer = client.get("/sparql", query_string={"query": query, **params},
                                headers={"Accept": "application/sparql-results+json"})
            assert answer.status_code == 200, answer.get_data(as_text=True)
            return answer.get_json()["boolean"]

        assert asked("ASK { ?s a <http://www.w3.org/2002/07/owl#Class> }")  # served data
        assert not asked(dataset)
        assert asked(f"ASK FROM <{Graphs.VOID}> {{ ?s a <http://rdfs.org/ns/void#Dataset> }}")
        assert asked(dataset, **{"default-graph-uri": Graphs.VOID})
        assert asked("ASK { GRAPH ?g { ?s a <http://rdfs.org/ns/void#Dataset> } }")
    finally:
        app.extensions["kg_query_runner"].close()

