"""Flask test-client tests, one group per route, on the shipped data."""

from __future__ import annotations

import json
import re

import pytest
from markupsafe import escape
from rdflib import Graph, URIRef

from kg.formats import RDF_FORMATS, RESULTS_FORMATS
from kg.namespaces import ID
from kg.queries import canned_queries
from kg.stats import data_report
from tests.isomorphism import same_graph

CLAIM = "/id/claim/acupuncture--restless-legs-syndrome"
ENTITY_PAGES = [
    CLAIM, "/id/remedy/acupuncture", "/id/remedy/gabapentin",
    "/id/condition/restless-legs-syndrome", "/id/mechanism/dopamine-modulation",
    "/id/acupoint/ST36", "/id/meridian/ST", "/id/study/cochrane-2008-acupuncture-rls",
    "/id/population/anticoagulated-patients", "/id/warning/bleeding-disorders-anticoagulants",
    "/id/source/seed-page", "/id/outcome-measure/irls",
]


def _html(client, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.data[:500])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# -- pages

@pytest.mark.parametrize("path", ENTITY_PAGES)
def test_entity_pages_render_with_labels_not_raw_iris(client, path: str) -> None:
    html = _html(client, path)
    body = html.split("<main>", 1)[1].split('<footer class="entity-meta">', 1)[0]
    # Raw IRIs appear only as link targets and in the IRI line, never as visible text.
    visible = re.sub(r"<[^>]+>", " ", body)
    assert "https://w3id.org/remedy-kg/id/" not in visible
    assert 'type="application/ld+json"' in html
    assert "The SPARQL behind this page" in html
    assert "Information, not medical advice" in html


def test_claim_page_has_the_seed_sections(client) -> None:
    html = _html(client, CLAIM)
    for section in ("Why it works", "How to use", "Scientific evidence", "Specific warnings",
                    "Sources"):
        assert f">{section}<" in html, section
    for text in ("ST36", "Zusanli", "Dopamine", "International Restless Legs", "gabapentin",
                 "Cochrane", "low"):
        assert text.lower() in html.lower(), text
    assert 'href="/id/acupoint/ST36"' in html
    assert 'href="/id/remedy/acupuncture"' in html


def test_remedy_page_lists_its_conditions_with_evidence(client) -> None:
    html = _html(client, "/id/remedy/acupuncture")
    assert "Helps with these conditions" in html
    assert html.count('href="/id/claim/acupuncture--') >= 12
    assert "The traditional view" in html and "The biomedical view" in html


def test_remedy_page_lists_the_interactions_that_name_it(client, store) -> None:
    # Ginkgo has no claim: its page still shows the interaction with anticoagulants.
    html = _html(client, "/id/remedy/ginkgo")
    assert 'href="/id/warning/ginkgo-anticoagulants"' in html
    assert "Ginkgo with anticoagulants or a bleeding disorder" in html and ">relative</a>" in html
    # Warfarin's page: every interaction with warfarin, or with a class it belongs to, on
    # either side.
    warfarin = _html(client, "/id/remedy/warfarin")
    rows = store.query("""
        PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>
        PREFIX remedy: <https://w3id.org/remedy-kg/id/remedy/>
        SELECT DISTINCT ?w WHERE {
          { ?w rkg:precipitant|rkg:object remedy:warfarin }
          UNION { ?w rkg:precipitant|rkg:object ?class . ?class rkg:member remedy:warfarin }
        }""").rows
    slugs = {str(row[0]).rsplit("/", 1)[1] for row in rows}
    assert {"ginkgo-anticoagulants", "fish-oil-anticoagulants"} <= slugs
    interactions = warfarin.split('id="interactions"', 1)[1].split("</section>", 1)[0]
    for slug in slugs:
        assert f'href="/id/warning/{slug}"' in interactions, slug
    assert 'id="interactions"' not in _html(client, "/id/remedy/acupuncture")


def test_condition_page_ranks_remedies_by_evidence(client) -> None:
    html = _html(client, "/id/condition/restless-legs-syndrome")
    assert 'href="/id/claim/acupuncture--restless-legs-syndrome"' in html
    assert "MONDO:0005391" in html


def test_mechanism_page_includes_narrower_mechanisms(client) -> None:
    html = _html(client, "/id/mechanism/neurotransmitter-modulation")
    assert "Remedies that target it" in html
    assert 'href="/id/remedy/acupuncture"' in html


def test_population_page_lists_the_warnings_that_apply(client) -> None:
    html = _html(client, "/id/population/anticoagulated-patients")
    assert 'href="/id/warning/bleeding-disorders-anticoagulants"' in html


def test_acupoint_page_shows_meridian_and_claims(client) -> None:
    html = _html(client, "/id/acupoint/ST36")
    assert 'href="/id/meridian/ST"' in html
    assert 'href="/id/claim/acupuncture--restless-legs-syndrome"' in html


def test_home_links_questions_types_and_void(client) -> None:
    html = _html(client, "/")
    for q in canned_queries():
        assert f'href="/questions/{q}"' in html
    assert 'href="/browse/Remedy"' in html
    assert 'href="/.well-known/void"' in html


@pytest.mark.parametrize("name", list(canned_queries()))
def test_question_pages(client, name: str) -> None:
    html = _html(client, f"/questions/{name}")
    assert "<table" in html and "The SPARQL behind this page" in html


def test_data_report_page(client, store) -> None:
    assert 'href="/report"' in _html(client, "/")
    html = _html(client, "/report")
    for section in data_report(store):
        assert f'id="{section.name}"' in html and str(escape(section.title)) in html
    assert html.count("The SPARQL behind this table") == len(data_report(store))
    # The page shows the store's own counts, not numbers of its own.
    for cls in ("Claim", "Remedy", "Acupoint"):
        count = store.query("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a "
                            f"<https://w3id.org/remedy-kg/ontology#{cls}> }}").rows[0][0]
        assert f'<a href="/ontology#{cls}">{cls}</a></td><td>{int(count)}</td>' in html, cls
    for level in ("high", "moderate", "low", "very low"):
        assert f">{level}</a></td>" in html
    assert "added by a curator, awaiting review" in html and "from the seed page" in html
    assert 'id="sources-per-claim"' in html
    assert "Acupuncture for restless legs syndrome symptoms" in html


def test_browse_and_ontology(client) -> None:
    # The acupoints come a page at a time: ST36 is on one of them, reached by "Next".
    pages, path = [], "/browse/Acupoint"
    while path:
        pages.append(_html(client, path))
        found = re.search(r'<a href="([^"]+)" rel="next">', pages[-1])
        path = found.group(1).replace("&amp;", "&") if found else ""
    assert sum('href="/id/acupoint/ST36"' in html for html in pages) == 1
    assert 'id="Claim"' in _html(client, "/ontology")
    assert client.get("/browse/NoSuchType").status_code == 404


def test_unknown_entity_is_a_404_page_in_the_layout(client) -> None:
    for path in ("/id/remedy/no-such-remedy", "/id/no-family/x", "/id/remedy/..%2Fetc"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 404, path
        assert "Information, not medical advice" in response.get_data(as_text=True)


# -- content negotiation

@pytest.mark.remote_engines_once(name="turtle")
@pytest.mark.parametrize("name", ["turtle", "jsonld", "ntriples", "rdfxml"])
def test_entity_rdf_by_accept_format_and_suffix_is_the_same_graph(client, name: str) -> None:
    syntax = RDF_FORMATS[name]
    by_accept = client.get(CLAIM, headers={"Accept": syntax.media_type})
    by_param = client.get(f"{CLAIM}?format={name}")
    by_suffix = client.get(f"{CLAIM}.{syntax.extension}")
    graphs = []
    for response in (by_accept, by_param, by_suffix):
        assert response.status_code == 200
        assert response.mimetype == syntax.media_type
        graphs.append(Graph().parse(data=response.data, format=syntax.rdflib))
    assert len(graphs[0]) > 50
    assert same_graph(graphs[0], graphs[1]) and same_graph(graphs[0], graphs[2])
    assert by_accept.headers["Vary"] == "Accept"
    assert (URIRef(ID["claim/acupuncture--restless-legs-syndrome"]), None, None) in graphs[0]


def test_q_values_are_honoured(client) -> None:
    response = client.get(CLAIM, headers={"Accept": "text/html;q=0.5, text/turtle;q=0.9"})
    assert response.mimetype == "text/turtle"
    response = client.get(CLAIM, headers={"Accept": "text/html, text/turtle;q=0.9"})
    assert response.mimetype == "text/html"


def test_link_header_lists_alternates(client) -> None:
    link = client.get(CLAIM).headers["Link"]
    for syntax in ("text/turtle", "application/ld+json", "application/n-triples",
                   "application/rdf+xml"):
        assert f'type="{syntax}"' in link
    assert f'<{CLAIM}.ttl>; rel="alternate"' in link


def test_unsatisfiable_accept_is_406_listing_offered_types(client) -> None:
    response = client.get(CLAIM, headers={"Accept": "image/png"})
    assert response.status_code == 406
    text = response.get_data(as_text=True)
    assert "text/turtle" in text and "application/ld+json" in text


def test_unknown_format_is_400_listing_valid_ones(client) -> None:
    response = client.get(f"{CLAIM}?format=yaml")
    assert response.status_code == 400
    assert "turtle" in response.get_data(as_text=True)


# -- SPARQL endpoint

SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/remedy-kg/ontology#Claim> } ORDER BY ?s"


@pytest.mark.remote_engines_once(name="json")
@pytest.mark.parametrize("name", list(RESULTS_FORMATS))
def test_select_in_every_results_format(client, name: str) -> None:
    syntax = RESULTS_FORMATS[name]
    response = client.get("/sparql", query_string={"query": SELECT},
                          headers={"Accept": syntax.media_type})
    assert response.status_code == 200
    assert response.mimetype == syntax.media_type
    assert "acupuncture--restless-legs-syndrome" in response.get_data(as_text=True)


def test_three_ways_to_send_a_query(client) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    get = client.get("/sparql", query_string={"query": SELECT}, headers=accept)
    form = client.post("/sparql", data={"query": SELECT}, headers=accept)
    direct = client.post("/sparql", data=SELECT.encode(),
                         headers={**accept, "Content-Type": "application/sparql-query"})
    answers = [json.loads(r.data)["results"]["bindings"] for r in (get, form, direct)]
    assert len(answers[0]) >= 12 and answers[0] == answers[1] == answers[2]


def test_construct_and_describe_as_rdf(client) -> None:
    query = f"DESCRIBE <{ID['remedy/acupuncture']}>"
    for name in ("turtle", "jsonld", "ntriples", "rdfxml"):
        syntax = RDF_FORMATS[name]
        response = client.get("/sparql", query_string={"query": query},
                              headers={"Accept": syntax.media_type})
        assert response.mimetype == syntax.media_type
        assert len(Graph().parse(data=response.data, format=syntax.rdflib)) > 10


def test_ask(client) -> None:
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"})
    assert json.loads(response.data)["boolean"] is True


def test_default_and_named_graph_uris(client) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    data = client.get("/sparql", query_string={
        "query": count, "default-graph-uri": "https://w3id.org/remedy-kg/graph/ontology"})
    n = int(json.loads(data.data)["results"]["bindings"][0]["n"]["value"])
    assert 100 < n < 2000


def test_parse_error_is_400_with_the_parsers_message(client) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s }"})
    assert response.status_code == 400
    assert "error at 1:" in json.loads(response.data)["message"]


def test_bad_protocol_requests(client) -> None:
    assert client.get("/sparql?query=ASK{}&query=ASK{}").status_code == 400
    assert client.post("/sparql", data="ASK {}", content_type="text/plain").status_code == 415
    assert client.post("/sparql", data=b"\xff\xfe",
                       content_type="application/sparql-query").status_code == 400
    put = client.put("/sparql")
    assert put.status_code == 405
    assert "POST" in put.headers["Allow"] and json.loads(put.data)["message"]


def test_no_query_ui_for_browsers_description_for_machines(client) -> None:
    ui = client.get("/sparql", headers={"Accept": "text/html"})
    assert ui.mimetype == "text/html" and 'id="yasgui"' in ui.get_data(as_text=True)
    sd = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=sd.data, format="turtle")
    assert (None, URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"), None) \
        in graph


def test_permalink_opens_the_query_in_the_ui(client) -> None:
    html = client.get("/sparql", query_string={"query": SELECT},
                      headers={"Accept": "text/html,*/*;q=0.8"}).get_data(as_text=True)
    assert "yasgui" in html and "ORDER BY ?s" in html


def test_cors_on_the_endpoint(client) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.options("/sparql").status_code == 204


# -- downloads, descriptions, search

@pytest.mark.remote_engines_once(name="nquads")
@pytest.mark.parametrize("name", list(RDF_FORMATS))
def test_whole_dataset_downloads(client, name: str, store) -> None:
    syntax = RDF_FORMATS[name]
    response = client.get(f"/downloads/remedy-kg.{syntax.extension}")
    assert response.status_code == 200 and response.mimetype == syntax.media_type
    assert len(response.data) > 10000


def test_downloads_page_and_parts(client) -> None:
    html = _html(client, "/downloads")
    assert 'href="/downloads/ontology.ttl"' in html and 'href="/downloads/shapes.ttl"' in html
    assert len(Graph().parse(data=client.get("/downloads/ontology.ttl").data)) > 100
    assert client.get("/downloads/shapes.nq").status_code == 404
    assert client.get("/downloads/secrets.ttl").status_code == 404


def test_void_sitemap_and_context(client) -> None:
    void = Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    assert (None, URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), None) in void
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/id/acupoint/ST36</loc>" in sitemap
    assert "rkg" in json.loads(client.get("/context.jsonld").data)["@context"]


def test_search_api(client) -> None:
    data = json.loads(client.get("/api/search?q=zusanli").data)
    assert data["results"][0]["url"] == "/id/acupoint/ST36"
    labels = [r["label"] for r in json.loads(client.get("/api/search?q=acupunct").data)["results"]]
    assert labels[0] == "Acupuncture"
    for bad in ("/api/search", "/api/search?q=" + "x" * 200, "/api/search?q=a&limit=0",
                "/api/search?q=a&limit=x"):
        response = client.get(bad)
        assert response.status_code == 400, bad
        assert json.loads(response.data)["message"]


def test_search_text_is_data_not_query(client) -> None:
    for q in ['" } } SELECT * { ?s ?p ?o', '"""', "\\", "}\n#"]:
        response = client.get("/api/search", query_string={"q": q})
        assert response.status_code == 200, q
        assert json.loads(response.data)["results"] == [], q
    # An apostrophe is just a character to look for.
    assert client.get("/api/search", query_string={"q": "'"}).status_code == 200


def test_every_setting_is_documented_in_the_readme(project) -> None:
    from web.settings import SETTINGS

    readme = (project.root / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"KG_{s.name}" not in readme]
    assert missing == []


@pytest.mark.parametrize("path", [
    "/", CLAIM, f"{CLAIM}.ttl", "/sparql", "/sparql?query=ASK{}", "/downloads",
    "/downloads/remedy-kg.nt", "/api/search?q=acu", "/api/search", "/id/remedy/none",
    "/.well-known/void", "/static/css/site.css", "/report",
])
def test_security_headers_on_every_response(client, path: str) -> None:
    from web.security import HEADERS

    response = client.get(path)
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
