"""Every URL the app prints is built here, so no template concatenates paths."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from flask import current_app, g, request, url_for
from rdflib.term import Node, URIRef

from kg.namespaces import FAMILIES
from web.store import namespaces

# Slugs are lowercase ASCII with hyphens; acupoint and meridian codes are upper case.
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def base_iri() -> str:
    return current_app.config["BASE_IRI"]


def entity_iri(family: str, slug: str) -> URIRef | None:
    """The IRI of /id/{family}/{slug}, or None when the path cannot name an entity."""
    if family not in FAMILIES or not SLUG.match(slug):
        return None
    return URIRef(f"{base_iri()}id/{family}/{slug}")


def local_path(iri: Node) -> str | None:
    """The path at which this server serves the IRI, or None for an outside IRI."""
    if not isinstance(iri, URIRef):
        return None
    text = str(iri)
    for namespace, page in ((namespaces.RKG, "pages.ontology"), (namespaces.RKGSH, "pages.shapes")):
        if text.startswith(str(namespace)):
            return url_for(page) + "#" + text[len(str(namespace)):]
    base = base_iri()
    if not text.startswith(base + "id/"):
        return None
    family, _, slug = text[len(base) + 3:].partition("/")
    if family not in FAMILIES or not SLUG.match(slug):
        return None
    # What url_for("pages.entity", ...) builds (a slug that matches SLUG needs no quoting),
    # without building it: a table of 7,749 rows links 23,247 IRIs, and url_for took 1.0 of
    # the 4.3 s its page spent in the templates (profiled at a million triples).
    return _id_root() + family + "/" + slug


def _id_root() -> str:
    """The path of /id/ on this server, built once per request."""
    root = g.get("_kg_id_root")
    if root is None:
        root = g._kg_id_root = url_for("pages.home") + "id/"
    return root


def local_bases() -> dict[str, str]:
    """IRI prefixes this server serves, and the local path of each (for the query UI)."""
    return {f"{base_iri()}id/": url_for("pages.home") + "id/",
            str(namespaces.RKG): url_for("pages.ontology") + "#"}


def entity_format_url(iri: URIRef, extension: str) -> str:
    path = local_path(iri)
    assert path is not None
    return f"{path}.{extension}"


def server_url(endpoint: str, **values: object) -> str:
    """A URL that only a running server answers: the SPARQL endpoint, search, safety answers,
    the community's forms, the API. In a static copy (STATIC_COPY) it is the same URL on
    LIVE_URL, or without one the copy's page saying that this part needs a server (named by
    the endpoint's blueprint)."""
    path = url_for(endpoint, **values)
    if not current_app.config["STATIC_COPY"]:
        return path
    if current_app.config["LIVE_URL"]:
        return current_app.config["LIVE_URL"].rstrip("/") + path
    return url_for("site.needs_server", part=endpoint.partition(".")[0])


def sparql_ui_url(query: str) -> str:
    """The query UI, opened on a query: the 'SPARQL behind this page' link."""
    return server_url("sparql.endpoint") + "?" + urlencode({"query": query})


def sparql_answer_url(query: str, format_name: str) -> str:
    """The whole answer of a query from the endpoint, in a results format (json, csv...)."""
    return server_url("sparql.endpoint") + "?" + urlencode({"query": query,
                                                             "format": format_name})


def canned_url(name: str) -> str:
    return url_for("pages.question", name=name)


def page_url(number: int) -> str:
    """This request's page of a long list at page `number` (page 1 has no ?page)."""
    assert request.endpoint is not None
    values: dict[str, object] = dict(request.view_args or {})
    if number > 1:
        values["page"] = number
    return url_for(request.endpoint, **values)


# Where a study's identifiers resolve. Identifiers are data: quoted, never trusted as paths.
IDENTIFIER_URLS = {
    "doi": "https://doi.org/{}",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pmcid": "https://pmc.ncbi.nlm.nih.gov/articles/{}/",
}


def identifier_url(kind: str, value: object) -> str:
    """The public record of a DOI, PubMed ID or PubMed Central ID."""
    return IDENTIFIER_URLS[kind].format(quote(str(value).strip(), safe="/():;"))
