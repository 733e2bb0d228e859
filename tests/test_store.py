"""The store interface, on the embedded backend in memory and on disk."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.formats import RDF_FORMATS
from kg.namespaces import Graphs
from kg.store import OxigraphStore, QuerySyntaxError, StoreError, open_store

EX = "http://example.org/"


def _graph(*objects: str) -> Graph:
    g = Graph()
    for o in objects:
        g.add((URIRef(EX + "s"), URIRef(EX + "p"), Literal(o)))
    return g


@pytest.fixture
def small() -> OxigraphStore:
    store = OxigraphStore(None)
    store.replace_graphs({EX + "g1": _graph("one", "two"), EX + "g2": _graph("three")})
    return store


def test_default_graph_is_the_union(small: OxigraphStore) -> None:
    result = small.query(f"SELECT ?o WHERE {{ <{EX}s> <{EX}p> ?o }} ORDER BY ?o")
    assert [str(o) for o in result.column("o")] == ["one", "three", "two"]


def test_default_graph_uri_restricts_the_default_graph(small: OxigraphStore) -> None:
    result = small.query("SELECT ?o WHERE { ?s ?p ?o }", default_graph_uris=[EX + "g2"])
    assert [str(o) for o in result.column("o")] == ["three"]


def test_named_graph_uri_restricts_graph_clauses(small: OxigraphStore) -> None:
    result = small.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                         named_graph_uris=[EX + "g1"])
    assert [str(g) for g in result.column("g")] == [EX + "g1"]


def test_query_forms(small: OxigraphStore) -> None:
    assert small.query("ASK { ?s ?p 'two' }").boolean is True
    assert small.query("ASK { ?s ?p 'four' }").boolean is False
    graph = small.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert graph.is_graph and len(graph.graph) == 3
    described = small.query(f"DESCRIBE <{EX}s>")
    assert described.is_graph and len(described.graph) == 3


def test_syntax_error_carries_the_parser_message(small: OxigraphStore) -> None:
    with pytest.raises(QuerySyntaxError, match=r"error at 1:\d+"):
        small.query("SELECT ?s WHERE { ?s ?p }")


def test_replace_swaps_only_the_graphs_given(small: OxigraphStore) -> None:
    small.replace_graphs({EX + "g1": _graph("uno")})
    assert small.count(EX + "g1") == 1
    assert small.count(EX + "g2") == 1
    assert small.graph_names() == [EX + "g1", EX + "g2"]  # no staging graph left behind


def test_plain_and_typed_literals_come_back_as_rdflib_parsed_them(small: OxigraphStore) -> None:
    row = small.query("SELECT ?a ?b ?c WHERE { BIND('x' AS ?a) BIND(3 AS ?b) "
                      "BIND('y'@en AS ?c) }").rows[0]
    assert row == (Literal("x"), Literal(3), Literal("y", lang="en"))


@pytest.mark.parametrize("name", list(RDF_FORMATS))
def test_dump_round_trips_in_every_format(small: OxigraphStore, name: str) -> None:
    syntax = RDF_FORMATS[name]
    buffer = io.BytesIO()
    small.dump(buffer, syntax)
    if syntax.quads:
        parsed = Dataset()
        parsed.parse(data=buffer.getvalue(), format=syntax.rdflib)
        assert {str(c.identifier) for c in parsed.graphs() if len(c)} == {EX + "g1", EX + "g2"}
        assert isomorphic(parsed.graph(URIRef(EX + "g1")), _graph("one", "two"))
    else:
        parsed = Graph().parse(data=buffer.getvalue(), format=syntax.rdflib)
        assert isomorphic(parsed, _graph("one", "two", "three"))


def test_disk_store_persists_and_opens_read_only(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "s") as store:
        store.replace_graphs({EX + "g": _graph("kept")})
    with open_store(tmp_path / "s", read_only=True) as reader:
        assert reader.count() == 1


def test_read_only_store_that_was_never_built_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="kg build"):
        open_store(tmp_path / "nothing", read_only=True)


def test_built_store_has_the_four_graphs_and_its_description(store) -> None:
    assert store.graph_names() == sorted([*Graphs.ALL, Graphs.EXAMPLES, Graphs.VOID])


def test_a_keyword_in_a_comment_does_not_change_the_query_form(store) -> None:
    """SPARQLWrapper guesses the form from the text; comments naming another form must not fool
    the remote stores (a SELECT whose description said "ask" came back as an empty ASK)."""
    result = store.query(
        "# title: a question\n"
        "# description: change the IRI to ask about another outcome, or construct a graph\n"
        "SELECT ?claim WHERE { ?claim a <https://w3id.org/remedy-kg/ontology#Claim> } LIMIT 2\n")
    assert result.form == "SELECT"
    assert len(result.rows) == 2


def test_every_literal_datatype_in_the_files_survives_the_store(project, embedded_built) -> None:
    # Oxigraph rewrites derived integer types (xsd:positiveInteger ...) as xsd:integer, so a
    # datatype the store does not keep would change every download and fail our own shapes.
    store, _ = embedded_built
    in_files = Graph()
    for path in [*project.ontology_files, *project.data_files]:
        in_files.parse(path, format="turtle")
    datatypes = {o.datatype for o in in_files.objects() if isinstance(o, Literal) and o.datatype}
    stored = set(store.query(
        "SELECT DISTINCT ?d WHERE { ?s ?p ?o FILTER(isLiteral(?o)) BIND(DATATYPE(?o) AS ?d) }"
    ).column("d"))
    assert datatypes <= stored, datatypes - stored
