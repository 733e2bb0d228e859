"""KG_BASE_IRI: a store built under another base is served whole under that base."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from kg.build import build
from kg.cli import main
from kg.namespaces import CANONICAL, CANONICAL_BASE, namespaces
from kg.project import Project
from kg.store import Store, StoreError, open_store
from tests.conftest import copy_project, make_app

NEW = "https://kg.example.org/remedies/"
OLD = "w3id.org/remedy-kg"


@pytest.fixture(scope="module")
def rebased_store(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    copy = copy_project(project, tmp_path_factory.mktemp("rebased"))
    store = open_store(":memory:", base=NEW)
    build(copy, store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def rebased(rebased_store: Store):
    with make_app(rebased_store, BASE_IRI=NEW).test_client() as client:
        yield client


PAGES = [
    "/", "/id/claim/acupuncture--restless-legs-syndrome", "/id/remedy/acupuncture",
    "/id/condition/restless-legs-syndrome", "/id/acupoint/ST36",
    "/id/mechanism/dopamine-modulation", "/id/population/anticoagulated-patients",
    "/browse/Remedy", "/ontology", "/report",
    "/questions/remedies-for-restless-legs", "/search?q=restless", "/sparql", "/downloads",
    "/safety?condition=restless-legs-syndrome&situation=anticoagulated-patients",
    "/evidence-map/", "/evidence-map/restless-legs-syndrome",
]
DOWNLOADS = [
    "/downloads/remedy-kg.nq", "/downloads/remedy-kg.ttl", "/downloads/ontology.ttl",
    "/downloads/shapes.ttl", "/.well-known/void", "/context.jsonld", "/sitemap.xml",
    "/id/claim/acupuncture--restless-legs-syndrome.jsonld", "/id/remedy/acupuncture.ttl",
    "/ontology?format=jsonld", "/openapi.json", "/api/search?q=acupuncture",
    "/api/safety?condition=restless-legs-syndrome", "/sparql?format=turtle",
]


def test_the_build_writes_every_iri_under_the_base(rebased_store: Store) -> None:
    assert rebased_store.built_base() == NEW
    assert set(namespaces(NEW).graphs.ALL) <= set(rebased_store.graph_names())
    old = rebased_store.query(
        f'ASK {{ ?s ?p ?o FILTER(CONTAINS(STR(?s), "{OLD}") || CONTAINS(STR(?p), "{OLD}")'
        f' || CONTAINS(STR(?o), "{OLD}")) }}')
    assert old.boolean is False


@pytest.mark.parametrize("path", PAGES + DOWNLOADS)
def test_every_page_and_download_is_under_the_base(rebased, path: str) -> None:
    response = rebased.get(path)
    assert response.status_code == 200, path
    body = response.get_data(as_text=True)
    assert OLD not in body, f"{path} still names {OLD}"


def test_pages_link_entities_under_the_base(rebased) -> None:
    html = rebased.get("/id/claim/acupuncture--restless-legs-syndrome").get_data(as_text=True)
    assert 'href="/id/remedy/acupuncture"' in html
    assert f"{NEW}id/claim/acupuncture--restless-legs-syndrome" in html
    turtle = rebased.get("/id/remedy/acupuncture.ttl").get_data(as_text=True)
    assert f"<{NEW}id/remedy/acupuncture>" in turtle or f"{NEW}id/remedy/" in turtle


def test_search_urls_are_local_paths_of_entities_under_the_base(rebased) -> None:
    found = rebased.get("/api/search?q=acupuncture").get_json()
    matches = found["results"] if isinstance(found, dict) else found
    assert matches
    for match in matches:
        assert match["iri"].startswith(NEW + "id/")
        assert match["url"] == "/id/" + match["iri"][len(NEW) + 3:]


def test_the_endpoint_finds_entities_under_the_base(rebased) -> None:
    query = (f"SELECT ?claim WHERE {{ ?claim a <{NEW}ontology#Claim> ; "
             f"<{NEW}ontology#remedy> <{NEW}id/remedy/acupuncture> }}")
    response = rebased.get("/sparql?query=" + quote(query),
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    rows = json.loads(response.get_data())["results"]["bindings"]
    assert f"{NEW}id/claim/acupuncture--restless-legs-syndrome" in {
        r["claim"]["value"] for r in rows}


def test_a_store_built_under_another_base_is_refused_at_startup(
        rebased_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rebased_store, "namespaces", CANONICAL)
    with pytest.raises(StoreError, match=f"built with the base IRI {NEW}.*KG_BASE_IRI"):
        make_app(rebased_store)


def test_a_bad_base_is_refused(rebased_store: Store) -> None:
    with pytest.raises(ValueError, match="KG_BASE_IRI must be an absolute"):
        make_app(rebased_store, BASE_IRI="kg.example.org/no-scheme/")


def test_the_default_base_still_serves(client) -> None:
    response = client.get("/api/search?q=acupuncture")
    found = response.get_json()
    matches = found["results"] if isinstance(found, dict) else found
    assert matches and all(m["iri"].startswith(CANONICAL_BASE) and m["url"] for m in matches)
    assert client.get("/id/remedy/acupuncture").status_code == 200


def test_rebase_moves_iris_and_literals_that_name_the_canonical_base() -> None:
    here = URIRef(CANONICAL_BASE + "id/remedy/x")
    graph = Graph()
    graph.add((here, RDFS.seeAlso, Literal(CANONICAL_BASE + "ontology#", datatype=XSD.anyURI)))
    graph.add((here, RDFS.label, Literal("x", lang="en")))
    graph.add((here, RDFS.isDefinedBy, URIRef("https://example.org/elsewhere")))
    rebased = namespaces(NEW).rebase_graph(graph)
    there = URIRef(NEW + "id/remedy/x")
    assert set(rebased) == {
        (there, RDFS.seeAlso, Literal(NEW + "ontology#", datatype=XSD.anyURI)),
        (there, RDFS.label, Literal("x", lang="en")),
        (there, RDFS.isDefinedBy, URIRef("https://example.org/elsewhere")),
    }
    assert CANONICAL.rebase_graph(graph) is graph  # the default base costs nothing


def test_the_base_is_read_from_kg_base_iri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_BASE_IRI", NEW)
    assert open_store(":memory:").namespaces == namespaces(NEW)
    monkeypatch.delenv("KG_BASE_IRI")
    assert open_store(":memory:").namespaces == CANONICAL


def test_kg_names_a_bad_base_without_a_traceback() -> None:
    result = CliRunner().invoke(main, ["--store", ":memory:", "stats"],
                                env={"KG_BASE_IRI": "kg.example.org/no-scheme/"})
    assert result.exit_code == 1
    assert "KG_BASE_IRI must be an absolute http(s) IRI" in result.output
    assert "kg.example.org/no-scheme/" in result.output and "Traceback" not in result.output
