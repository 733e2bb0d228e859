"""Data written to attack the pages: markup and quotes in labels, `javascript:` IRIs, and
literals with tabs, line breaks and other odd characters. Pages escape it and never link it;
every export carries it unchanged."""

from __future__ import annotations

import io
import json
import re

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from kg.build import build
from kg.formats import RDF_FORMATS
from kg.store import OxigraphStore
from tests.conftest import copy_project, make_app, write

LABEL = """<script>alert("x")</script> O'Brien & "Sons" <!-- </script>"""
ODD = "tab\there\nline two\x7f del \x85 nel \u2028 ls \U0001F600 back\\slash \"q\" 'a'"
REMEDY = URIRef("https://w3id.org/remedy-kg/id/remedy/hostile")
SOURCE = URIRef("https://w3id.org/remedy-kg/id/source/hostile")
EVIL_IRI = URIRef("javascript:alert(1)")
WEB_IRI = URIRef("https://example.org/hostile-source")


@pytest.fixture(scope="module")
def hostile(project, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    copy = copy_project(project, root)
    write(root / "data" / "hostile.ttl", f"""
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix rkg: <https://w3id.org/remedy-kg/ontology#> .
        <{REMEDY}> a rkg:Drug ;
            rdfs:label {Literal(LABEL, lang="en").n3()} ;
            rkg:curationStatus rkg:CuratorAdded ;
            dcterms:source <https://w3id.org/remedy-kg/id/source/seed-page> ;
            dcterms:description {Literal(ODD, lang="en").n3()} .
        <{SOURCE}> a rkg:Source ;
            rdfs:label {Literal(LABEL, lang="en").n3()} ;
            rkg:curationStatus rkg:CuratorAdded ;
            rdfs:seeAlso <{EVIL_IRI}> , <{WEB_IRI}> .
        """)
    store = OxigraphStore(None)
    build(copy, store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(hostile):
    return make_app(hostile).test_client()


@pytest.mark.parametrize("path", ["/id/remedy/hostile", "/id/source/hostile",
                                  "/browse/Drug", "/browse/Source"])
def test_markup_in_a_label_is_escaped_on_the_page(client, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    assert "<script>alert" not in html
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; O&#39;Brien &amp; &#34;Sons&#34;"
    assert escaped in html


def test_javascript_iris_are_shown_not_linked(client) -> None:
    html = client.get("/id/source/hostile").get_data(as_text=True)
    assert "alert(1)" in html  # shown, as text
    assert f'href="{WEB_IRI}"' in html  # web IRIs beside it are links
    assert not re.search(r"href=[\"']\s*javascript:", html, re.IGNORECASE)


def test_embedded_json_ld_cannot_end_its_script_element(client) -> None:
    html = client.get("/id/remedy/hostile").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    assert "<" not in block.group(1)
    assert json.loads(block.group(1))["name"]["@value"] == LABEL


def test_search_results_carry_the_label_as_data(client) -> None:
    found = client.get("/api/search?q=O'Brien").get_json()["results"]
    assert [r["label"] for r in found] == [LABEL, LABEL]


@pytest.mark.parametrize("name", list(RDF_FORMATS))
def test_odd_characters_round_trip_through_every_export(hostile, name: str) -> None:
    syntax = RDF_FORMATS[name]
    out = io.BytesIO()
    hostile.dump(out, syntax)
    parsed = Dataset() if syntax.quads else Graph()
    parsed.parse(data=out.getvalue(), format=syntax.rdflib)
    triples = parsed.triples((REMEDY, None, None)) if not syntax.quads else \
        ((s, p, o) for s, p, o, _ in parsed.quads((REMEDY, None, None, None)))
    values = {str(o) for _, _, o in triples if isinstance(o, Literal)}
    assert {LABEL, ODD} <= values


@pytest.mark.parametrize("extension", ["ttl", "jsonld", "nt", "rdf"])
def test_odd_characters_round_trip_through_the_entity_page(client, extension: str) -> None:
    syntax = next(f for f in RDF_FORMATS.values() if f.extension == extension)
    body = client.get(f"/id/remedy/hostile.{extension}").get_data()
    graph = Graph().parse(data=body, format=syntax.rdflib)
    assert {LABEL, ODD} <= {str(o) for o in graph.objects(REMEDY, None)}
