"""Machine-readable descriptions: the SPARQL service description and VoID/DCAT of the dataset."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID

from kg.formats import RDF_FORMATS, RESULTS_FORMATS
from kg.namespaces import CANONICAL, Namespaces
from kg.store import Store
from web.examples import named_graph

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# W3C's IRIs for the syntaxes (https://www.w3.org/ns/formats/).
W3C_FORMAT = {
    "turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples", "rdfxml": "RDF_XML",
    "nquads": "N-Quads", "trig": "TriG", "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV",
}


def _graph(namespaces: Namespaces) -> Graph:
    g = Graph()
    more = {"sd": str(SD), "void": str(VOID), "dcat": str(DCAT)}
    for prefix, ns in {**namespaces.PREFIXES, **more}.items():
        g.bind(prefix, ns)
    return g


def service_description(endpoint_url: str, limits: Sequence[str] = (),
                        namespaces: Namespaces = CANONICAL) -> Graph:
    """The SPARQL 1.1 service description; `limits` are the endpoint's limits in words."""
    g = _graph(namespaces)
    service = URIRef(endpoint_url)
    g.add((service, RDF.type, SD.Service))
    if limits:
        # The service description vocabulary has no terms for limits; say them in words.
        g.add((service, RDFS.comment, Literal(
            "Read-only: updates, SERVICE and graphs from elsewhere are refused. "
            + " ".join(f"{limit}." for limit in limits), lang="en")))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in [*RESULTS_FORMATS, *(n for n, f in RDF_FORMATS.items() if not f.quads)]:
        g.add((service, SD.resultFormat, FORMATS[W3C_FORMAT[name]]))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    for name in namespaces.graphs.ALL:
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, SD.name, URIRef(name)))
    return g


def void_description(store: Store, site_url: str, license_url: str) -> Graph:
    """VoID and DCAT: what the dataset is, how big (as the build counted), where to get it."""
    namespaces = store.namespaces
    dataset = URIRef(namespaces.base + "dataset")
    g = _graph(namespaces)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("Remedy KG", lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "An open knowledge graph of complementary remedies, the conditions they are used for, "
        "and the evidence, mechanisms, protocols and warnings behind each use. "
        "Information, not medical advice.", lang="en")))
    g.add((dataset, DCTERMS.license, URIRef(license_url)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(site_url + "sparql")))
    g.add((dataset, VOID.uriSpace, Literal(str(namespaces.ID))))
    g.add((dataset, VOID.vocabulary, URIRef(namespaces.RKG)))
    for name, syntax in RDF_FORMATS.items():
        dist = URIRef(f"{site_url}downloads/remedy-kg.{syntax.extension}")
        g.add((dataset, VOID.dataDump, dist))
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.mediaType, Literal(syntax.media_type)))
        g.add((dist, DCTERMS.title, Literal(f"Whole dataset as {syntax.label}", lang="en")))
        g.add((dist, DCTERMS.format, FORMATS[W3C_FORMAT[name]]))
    # The statistics `kg build` counted in the engine (kg/void.py): sizes, partitions per class
    # and property, the named graphs, links to other datasets. None are counted per request.
    g += named_graph(store, namespaces.graphs.VOID)
    return g
