"""The canned questions as SPARQL examples: data a generic client can read from the endpoint.

Each file of kg/queries/ becomes an `sh:SPARQLExecutable` (the shape SIB's endpoints publish at
/.well-known/sparql-examples), so the query UI, `kg ask` and any other client find the
examples in the store rather than in our source tree.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.load import LoadError, SyntaxProblem
from kg.namespaces import BASE, PREFIXES, SCHEMA, SH, Graphs
from kg.queries import CannedQuery, canned_queries, header
from kg.query_guard import QueryRefused, query_facts
from kg.store import QuerySyntaxError
from kg.store.oxigraph import check_syntax

# Where the examples say they run: the endpoint under the dataset's base, as every IRI we print.
ENDPOINT = URIRef(BASE + "sparql")

# The query form -> the executable's type and the property that holds its text.
FORMS = {
    "SELECT": (SH.SPARQLSelectExecutable, SH.select),
    "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
    "ASK": (SH.SPARQLAskExecutable, SH.ask),
}


def example_iri(name: str) -> URIRef:
    """The IRI of the example made from kg/queries/{name}.rq."""
    return URIRef(f"{Graphs.EXAMPLES}/{name}")


def keywords(text: str) -> list[str]:
    """The comma-separated `# keywords:` header of a SPARQL file, in its order."""
    return [word.strip() for word in header(text, "keywords").split(",") if word.strip()]


def add_example(graph: Graph, query: CannedQuery, endpoint: URIRef = ENDPOINT) -> URIRef:
    """Describe one canned question in `graph`. A file that does not parse, or whose form no
    example can take, is a LoadError naming it: the build stops before writing anything."""
    path = Path("kg", "queries", f"{query.name}.rq")
    try:
        # The engine's own parse: the guard screens texts like these without one.
        check_syntax(query.text)
        form = query_facts(query.text).form
    except (QuerySyntaxError, QueryRefused) as exc:
        raise LoadError([SyntaxProblem(path, None, str(exc))]) from exc
    if form not in FORMS:
        raise LoadError([SyntaxProblem(path, None, f"a {form} query; an example is one of "
                                                   f"{', '.join(FORMS)}")])
    kind, text_property = FORMS[form]
    example = example_iri(query.name)
    graph.add((example, RDF.type, SH.SPARQLExecutable))
    graph.add((example, RDF.type, kind))
    graph.add((example, RDFS.label, Literal(query.title or query.name, lang="en")))
    if query.description:
        graph.add((example, RDFS.comment, Literal(query.description, lang="en")))
    graph.add((example, text_property, Literal(query.text)))
    for word in keywords(query.text):
        graph.add((example, SCHEMA.keywords, Literal(word, lang="en")))
    graph.add((example, SCHEMA.target, endpoint))
    return example


def examples_graph(endpoint: URIRef = ENDPOINT) -> Graph:
    """Every canned question of kg/queries/ as an example, for the graph Graphs.EXAMPLES."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for query in canned_queries().values():
        add_example(graph, query, endpoint)
    return graph
