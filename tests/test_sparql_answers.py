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
