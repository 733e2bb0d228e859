"""The one table of formats, used by content negotiation, downloads and the CLI alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class RdfSyntax:
    """An RDF serialization: how to name it, negotiate it, parse it and write it."""

    name: str
    label: str
    media_type: str
    extension: str
    rdflib: str
    oxigraph: RdfFormat
    quads: bool = False  # True when the syntax keeps named graphs
    aliases: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ResultsSyntax:
    """A SPARQL query results serialization (SELECT and ASK)."""

    name: str
    label: str
    media_type: str
    extension: str
    oxigraph: QueryResultsFormat
    aliases: tuple[str, ...] = field(default=())


RDF_FORMATS: dict[str, RdfSyntax] = {
    f.name: f
    for f in (
        RdfSyntax("turtle", "Turtle", "text/turtle", "ttl", "turtle", RdfFormat.TURTLE,
                  aliases=("application/x-turtle",)),
        RdfSyntax("jsonld", "JSON-LD", "application/ld+json", "jsonld", "json-ld",
                  RdfFormat.JSON_LD),
        RdfSyntax("ntriples", "N-Triples", "application/n-triples", "nt", "nt11",
                  RdfFormat.N_TRIPLES),
        RdfSyntax("rdfxml", "RDF/XML", "application/rdf+xml", "rdf", "xml", RdfFormat.RDF_XML),
        RdfSyntax("nquads", "N-Quads", "application/n-quads", "nq", "nquads", RdfFormat.N_QUADS,
                  quads=True),
        RdfSyntax("trig", "TriG", "application/trig", "trig", "trig", RdfFormat.TRIG,
                  quads=True),
    )
}

RESULTS_FORMATS: dict[str, ResultsSyntax] = {
    f.name: f
    for f in (
        ResultsSyntax("json", "SPARQL JSON", "application/sparql-results+json", "srj",
                      QueryResultsFormat.JSON, aliases=("application/json",)),
        ResultsSyntax("xml", "SPARQL XML", "application/sparql-results+xml", "srx",
                      QueryResultsFormat.XML, aliases=("application/xml",)),
        ResultsSyntax("csv", "CSV", "text/csv", "csv", QueryResultsFormat.CSV),
        ResultsSyntax("tsv", "TSV", "text/tab-separated-values", "tsv", QueryResultsFormat.TSV),
    )
}


class UnknownFormat(ValueError):
    """A format name that is not in the table; the message lists the valid ones."""

    def __init__(self, name: str, valid: list[str]):
        super().__init__(f"unknown format {name!r}; choose one of: {', '.join(valid)}")
        self.name = name
        self.valid = valid


def rdf_format(name: str, *, quads: bool | None = None) -> RdfSyntax:
    """Look up an RDF syntax by name; quads=False restricts to triple syntaxes."""
    table = {k: v for k, v in RDF_FORMATS.items() if quads is None or v.quads == quads}
    if name not in table:
        raise UnknownFormat(name, list(table))
    return table[name]


def results_format(name: str) -> ResultsSyntax:
    """Look up a SPARQL results syntax by name."""
    if name not in RESULTS_FORMATS:
        raise UnknownFormat(name, list(RESULTS_FORMATS))
    return RESULTS_FORMATS[name]
