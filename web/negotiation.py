"""Choosing a representation, for every route alike: entity pages, /sparql, /ontology, VoID,
downloads and error responses.

`?format=` (in the URL, or in a POSTed form) wins over a suffix, which wins over `Accept`.
`Accept` is read with q-values, and media-type parameters (`; charset=utf-8`, a JSON-LD
`profile`) are set aside: they refine a type we either serve or not, never turn it away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from flask import Request, Response, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.formats import RDF_FORMATS, RESULTS_FORMATS, RdfSyntax, ResultsSyntax

HTML = "text/html"
JSON = "application/json"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

# The RDF syntaxes an entity is offered in (quad syntaxes describe datasets, not entities).
ENTITY_SYNTAXES: dict[str, RdfSyntax] = {n: f for n, f in RDF_FORMATS.items() if not f.quads}
BY_EXTENSION = {f.extension: f for f in ENTITY_SYNTAXES.values()}

# Other names clients put in ?format= for our formats (SPARQLWrapper sends `rdf+xml`, `n3`,
# `json-ld`...). "xml" and "json" mean a results syntax for SELECT/ASK, a graph one otherwise.
GRAPH_FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "turtle": ("ttl", "n3", "text/n3"),
    "jsonld": ("json-ld", "json"),
    "ntriples": ("nt", "n-triples"),
    "rdfxml": ("rdf+xml", "xml", "rdf"),
}
RESULTS_FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": ("srj", "sparql-results+json"),
    "xml": ("srx", "sparql-results+xml"),
}


class NotAcceptable(Exception):
    """No offered type satisfies the client; carries what is offered."""

    def __init__(self, offered: list[str]):
        super().__init__("This is offered as: " + ", ".join(offered)
                         + "; the request's Accept header allows none of them.")
        self.offered = offered


class BadFormat(ValueError):
    """An unknown ?format= or suffix; the message lists the valid ones."""


@dataclass(frozen=True)
class Offer:
    """One representation a route can send: how it is named, negotiated and labelled."""

    name: str  # its ?format= name
    media_type: str
    syntax: RdfSyntax | ResultsSyntax | None = None  # None for HTML (or JSON)
    aliases: tuple[str, ...] = ()  # other media types that mean it
    names: tuple[str, ...] = ()  # other ?format= names that mean it

    @property
    def is_html(self) -> bool:
        return self.media_type == HTML

    @property
    def content_type(self) -> str:
        return content_type(self.media_type)

    def matches(self, name: str) -> bool:
        name = _bare(name)
        return name in (self.name, self.media_type, *self.names, *self.aliases)


HTML_OFFER = Offer("html", HTML)


def rdf_offers(syntaxes: Iterable[RdfSyntax] = ENTITY_SYNTAXES.values()) -> list[Offer]:
    return [Offer(f.name, f.media_type, f, f.aliases, GRAPH_FORMAT_NAMES.get(f.name, ()))
            for f in syntaxes]


def results_offers() -> list[Offer]:
    return [Offer(f.name, f.media_type, f, f.aliases, RESULTS_FORMAT_NAMES.get(f.name, ()))
            for f in RESULTS_FORMATS.values()]


def entity_offers() -> list[Offer]:
    """An entity (or the ontology): its page first, so browsers and `*/*` get HTML."""
    return [HTML_OFFER, *rdf_offers()]


def content_type(media_type: str) -> str:
    """The charset rule: every text syntax we write is UTF-8 and says so; XML declares its
    own encoding in its first line, so an XML type carries none."""
    if media_type.endswith("xml"):
        return media_type
    return media_type + "; charset=utf-8"


def accepted(req: Request | None = None) -> MIMEAccept:
    """The client's Accept header, q-values kept, media-type parameters set aside."""
    values = (req or request).accept_mimetypes
    return MIMEAccept([(_bare(value), quality) for value, quality in values])


def format_param(params: Mapping[str, str] | None = None) -> str | None:
    """`format` from the URL, or from the body of a form POST (SPARQL clients send it there)."""
    if params is not None:
        return params.get("format")
    if "format" in request.args:
        return request.args["format"]
    if request.method == "POST" and request.mimetype == FORM_CONTENT_TYPE:
        return request.form.get("format")
    return None


def choose(offers: Sequence[Offer], *, suffix: str | None = None,
           params: Mapping[str, str] | None = None) -> Offer:
    """The offer a request asks for; BadFormat for an unknown name, NotAcceptable when
    Accept allows none. With no Accept at all, the first offer."""
    name = format_param(params)
    if name is not None:
        for offer in offers:
            if offer.matches(name):
                return offer
        raise BadFormat(f"unknown format {name!r}; choose one of: "
                        + ", ".join(o.name for o in offers))
    if suffix is not None:
        for offer in offers:
            if offer.syntax is not None and offer.syntax.extension == suffix:
                return offer
        raise BadFormat(f"unknown suffix .{suffix}; choose one of: "
                        + ", ".join("." + o.syntax.extension for o in offers if o.syntax))
    best = _best_offer(request.headers.get("Accept", ""), tuple(offers))
    if best is None:
        raise NotAcceptable([o.media_type for o in offers])
    return best


@lru_cache(maxsize=1024)
def _best_offer(accept_header: str, offers: tuple[Offer, ...]) -> Offer | None:
    """Clients send the same few Accept headers over and over: reading one and matching it
    cost /sparql a tenth of a millisecond per query, so the answer is kept per header."""
    accept = MIMEAccept([(_bare(value), quality) for value, quality
                         in parse_accept_header(accept_header, MIMEAccept)])
    if not accept:
        return offers[0]
    by_type = {t: o for o in offers for t in (o.media_type, *o.aliases)}
    best = accept.best_match(list(by_type))
    return None if best is None else by_type[best]


def prefers_json() -> bool:
    """Whether an error should be JSON: the client ranks JSON (or a JSON syntax) over HTML."""
    accept = accepted()
    best = accept.best_match([HTML, JSON, "application/ld+json",
                              "application/sparql-results+json"])
    return best is not None and best != HTML


def respond(body: bytes | str, offer: Offer, *, vary: bool = True) -> Response:
    response = Response(body, content_type=offer.content_type)
    if vary:
        response.headers["Vary"] = "Accept"
    return response


def _bare(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()
