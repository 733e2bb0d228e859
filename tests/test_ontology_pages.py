"""/ontology and /shapes: every term at its anchor with its label, alignments, shapes, counts
and examples; every shape in words with its failing fixture; the ontology negotiated."""

from __future__ import annotations

import html
import re

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.build import Sources
from kg.namespaces import RKG, SH


@pytest.fixture(scope="module")
def ontology_files(sources: Sources) -> Graph:
    return sources.ontology


@pytest.fixture(scope="module")
def shapes_files(sources: Sources) -> Graph:
    return sources.shapes


@pytest.fixture(scope="module")
def ontology_page(embedded_client) -> str:
    response = embedded_client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _entry(page: str, anchor: str) -> str:
    """The HTML of one term's entry: from its anchor to the next one."""
    start = page.index(f'<dt id="{anchor}">')
    end = page.find("<dt id=", start + 1)
    return page[start:end if end > 0 else len(page)]


def test_every_class_and_property_has_an_anchor_with_its_label(ontology_files,
                                                               ontology_page) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {s for kind in kinds for s in ontology_files.subjects(RDF.type, kind)
             if str(s).startswith(str(RKG))}
    assert len(terms) > 100
    for term in sorted(terms):
        name = str(term)[len(str(RKG)):]
        assert f'<dt id="{name}">' in ontology_page, name
        label = ontology_files.value(term, RDFS.label)
        assert label is not None and f'<span class="label">{label}</span>' in _entry(
            ontology_page, name), name


def test_a_term_shows_its_alignment_shapes_and_examples(ontology_page) -> None:
    remedy = _entry(ontology_page, "Remedy")
    assert "Subclass of" in remedy and 'href="https://schema.org/MedicalTherapy"' in remedy
    assert 'href="/shapes#RemedyShape"' in remedy
    claim = _entry(ontology_page, "Claim")
    assert re.search(r'href="/id/claim/[^"]+"', claim), claim
    # A property names the property shape that constrains it.
    assert 'href="/shapes#ClaimShape-outcome"' in _entry(ontology_page, "outcome")


def test_a_count_shown_is_the_sparql_count(client, store) -> None:
    # On every engine: the page's one counting query must agree with a plain count.
    page = html.unescape(client.get("/ontology").get_data(as_text=True))
    for name, query in (
            ("Claim", "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a rkg:Claim }"),
            ("supportingStudy", "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o "
                                "WHERE { ?s rkg:supportingStudy ?o } }")):
        expected = int(store.query(f"PREFIX rkg: <{RKG}> {query}").rows[0][0])
        shown = re.search(rf'<span class="count" data-term="{name}">(\d+)</span>', page)
        assert shown and int(shown.group(1)) == expected > 0, name


def test_the_ontology_is_negotiated_and_term_iris_resolve_to_their_anchor(
        embedded_client) -> None:
    turtle = embedded_client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.content_type.startswith("text/turtle")
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert (RKG.Remedy, RDF.type, OWL.Class) in graph
    jsonld = embedded_client.get("/ontology", headers={"Accept": "application/ld+json"})
    assert jsonld.content_type.startswith("application/ld+json")
    assert 'rel="alternate"; type="text/turtle"' in turtle.headers["Link"]
    # rkg:Remedy is .../ontology#Remedy: the page links it as /ontology#Remedy.
    entity = embedded_client.get("/id/remedy/acupuncture").get_data(as_text=True)
    assert 'href="/ontology#' in entity


def test_every_shape_appears_on_the_shapes_page(embedded_client, shapes_files) -> None:
    response = embedded_client.get("/shapes")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    node_shapes = {s for s in shapes_files.subjects()
                   if isinstance(s, URIRef) and ((s, SH.property, None) in shapes_files
                                                 or (s, SH.targetClass, None) in shapes_files
                                                 or (s, RDF.type, SH.NodeShape) in shapes_files)}
    property_shapes = {o for o in shapes_files.objects(None, SH.property)
                       if isinstance(o, URIRef)}
    assert len(node_shapes) > 20
    for shape in sorted(node_shapes | property_shapes):
        assert f'id="{str(shape).rsplit("#", 1)[-1]}"' in page, shape
    claim = page[page.index('<h2 id="ClaimShape">'):page.index('<h2 id="ClaimShape">') + 20000]
    assert "every rkg:Claim" in claim
    assert "claim-shape--missing-outcome" in claim  # its failing fixture
    # A constraint in words: the outcome is required, once, an instance of rkg:Outcome.
    row = claim[claim.index('id="ClaimShape-outcome"'):]
    row = row[:row.index("</tr>")]
    assert "at least 1" in row and "at most 1" in row and "an instance of rkg:Outcome" in row


def test_every_ontology_iri_in_the_store_resolves_to_an_anchor(embedded_store,
                                                               ontology_page) -> None:
    # Not only classes and properties: values such as rkg:HighEvidence link to /ontology#... too.
    used = {str(row[0]) for row in embedded_store.query(
        "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s ?p ?t } UNION { ?t ?p ?o } "
        f"FILTER(isIRI(?t) && STRSTARTS(STR(?t), '{RKG}')) }}").rows}
    anchors = set(re.findall(r'<dt id="([^"]+)"', ontology_page))
    assert len(used) > 150
    assert {u[len(str(RKG)):] for u in used} - anchors == set()
