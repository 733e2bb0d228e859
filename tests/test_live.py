"""End to end: `kg serve` as a real process, spoken to by real clients.

SPARQLWrapper for every query form and results format, rdflib for every RDF response and
download, and headless Chromium (Debian's, driven by Playwright) for what a visitor sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

from kg.formats import RDF_FORMATS
from kg.namespaces import Graphs
from kg.store import open_store
from tests.conftest import wait_until_serving
from tests.engines import free_port
from tests.isomorphism import same_graph

pytestmark = pytest.mark.live

CLAIM = "/id/claim/acupuncture--restless-legs-syndrome"


@pytest.fixture(scope="module")
def server(disk_store: Path) -> Iterator[str]:
    port = free_port()
    kg = Path(sys.executable).with_name("kg")
    process = subprocess.Popen(
        [str(kg), "--store", str(disk_store), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(process, url + "/", timeout=30)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def built_dataset(disk_store: Path) -> Dataset:
    with open_store(disk_store, read_only=True) as store:
        return store.dataset()


def _get(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


# -- SPARQLWrapper

SELECT = """PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>
SELECT ?claim WHERE { ?claim a rkg:Claim } ORDER BY ?claim"""


def _wrapper(server: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(server: str, method: str) -> None:
    result = _wrapper(server, SELECT, JSON, method).queryAndConvert()
    claims = [b["claim"]["value"] for b in result["results"]["bindings"]]
    assert "https://w3id.org/remedy-kg/id/claim/acupuncture--restless-legs-syndrome" in claims


def test_sparqlwrapper_select_xml_csv_tsv(server: str) -> None:
    xml = _wrapper(server, SELECT, XML).queryAndConvert()
    assert len(xml.getElementsByTagName("result")) >= 12
    for fmt in (CSV, TSV):
        text = _wrapper(server, SELECT, fmt).queryAndConvert().decode()
        assert "acupuncture--restless-legs-syndrome" in text
        assert len(text.strip().splitlines()) >= 13


def test_sparqlwrapper_ask(server: str) -> None:
    assert _wrapper(server, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, JSONLD])
def test_sparqlwrapper_construct_and_describe(server: str, fmt: str) -> None:
    construct = ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . "
                 "FILTER(?s = <https://w3id.org/remedy-kg/id/remedy/acupuncture>) }")
    for query in (construct, "DESCRIBE <https://w3id.org/remedy-kg/id/remedy/acupuncture>"):
        converted = _wrapper(server, query, fmt).queryAndConvert()
        graph = converted if isinstance(converted, Graph) else \
            Graph().parse(data=converted, format="turtle" if fmt in (TURTLE, N3) else "json-ld")
        assert len(graph) > 10


def test_sparql_syntax_error_reaches_the_client(server: str) -> None:
    status, media, body = _get(server + "/sparql?query=SELECT%20%3Fs%20WHERE%20%7B", "*/*")
    assert status == 400 and media == "application/json" and b"error at" in body


# -- rdflib on entity responses and downloads

@pytest.mark.parametrize("accept,syntax", [
    ("text/turtle", "turtle"), ("application/ld+json", "jsonld"),
    ("application/n-triples", "ntriples"), ("application/rdf+xml", "rdfxml"),
    ("text/html;q=0.1, application/rdf+xml;q=0.5, text/turtle", "turtle"),
    ("application/n-triples, text/turtle;q=0.2", "ntriples"),
])
def test_entity_accept_cases_parse_with_rdflib(server: str, accept: str, syntax: str) -> None:
    status, media, body = _get(server + CLAIM, accept)
    assert status == 200 and media == RDF_FORMATS[syntax].media_type
    graph = Graph().parse(data=body, format=RDF_FORMATS[syntax].rdflib)
    assert len(graph) > 50


def test_rdflib_reads_an_entity_iri_directly(server: str) -> None:
    graph = Graph().parse(server + "/id/acupoint/ST36", format="turtle")
    assert any("Zusanli" in str(o) for o in graph.objects())


def test_html_and_406_cases(server: str) -> None:
    assert _get(server + CLAIM, "text/html")[1] == "text/html"
    assert _get(server + CLAIM)[1] == "text/html"
    status, _, body = _get(server + CLAIM, "application/pdf")
    assert status == 406 and b"text/turtle" in body


@pytest.mark.remote_engines_once(name="nquads")
@pytest.mark.parametrize("name", list(RDF_FORMATS))
def test_every_download_round_trips(server: str, name: str, built_dataset: Dataset) -> None:
    syntax = RDF_FORMATS[name]
    status, media, body = _get(f"{server}/downloads/remedy-kg.{syntax.extension}")
    assert status == 200 and media == syntax.media_type
    if syntax.quads:
        parsed = Dataset()
        parsed.parse(data=body, format=syntax.rdflib)
        for graph in built_dataset.graphs():
            if len(graph):
                assert same_graph(parsed.graph(graph.identifier), graph), graph.identifier
    else:
        union = Graph()
        for graph in built_dataset.graphs():
            if str(graph.identifier) not in Graphs.APART:  # asked for by name, not in the union
                union += graph
        assert same_graph(Graph().parse(data=body, format=syntax.rdflib), union)


# -- a real browser



@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()


def test_browser_search_leads_to_an_acupoint(server: str, page) -> None:
    page.goto(server + "/")
    page.fill("form.search.big input", "zusan")
    page.wait_for_selector("form.search.big .suggestions a")
    page.click("form.search.big .suggestions a")
    page.wait_for_url("**/id/acupoint/ST36")
    assert "ST36" in page.inner_text("h1")
    assert page.errors == []


def test_browser_claim_page_shows_sections_and_links(server: str, page, tmp_path: Path) -> None:
    page.goto(server + CLAIM)
    assert page.inner_text("h1") == "Acupuncture for restless legs syndrome symptoms"
    for section in ("Why it works", "How to use", "Scientific evidence", "Specific warnings"):
        assert page.locator(f"h2:text-is('{section}')").count() == 1
    page.click("a[href='/id/acupoint/SP6']")
    page.wait_for_url("**/id/acupoint/SP6")
    page.screenshot(path=str(tmp_path / "sp6.png"))
    assert page.errors == []


def test_browser_query_ui_runs_an_example(server: str, page) -> None:
    page.goto(server + "/sparql")
    page.click("[data-example='acupoints-for-restless-legs']")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table td", timeout=15000)
    results = page.inner_text(".yasr")
    for code in ("ST36", "SP6", "GB41", "BL60"):
        assert code in results
    assert "query=" in page.url  # the permalink
    assert page.errors == []
