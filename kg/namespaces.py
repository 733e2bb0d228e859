"""IRIs of the dataset: the base, the ontology namespace, the entity families and named graphs."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/remedy-kg/"

RKG = Namespace(BASE + "ontology#")
RKGSH = Namespace(BASE + "shapes#")
ID = Namespace(BASE + "id/")
SCHEMA = Namespace("https://schema.org/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SIOC = Namespace("http://rdfs.org/sioc/ns#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")

# One path segment per entity family, as in DESIGN.md.
FAMILIES = (
    "remedy", "condition", "claim", "mechanism", "acupoint", "meridian", "protocol", "study",
    "warning", "adverse-event", "population", "outcome-measure", "source", "combination",
    "scheme", "outcome", "remedy-class",
)


class Graphs:
    """The named graphs a build writes; queries see their union as the default graph."""

    ONTOLOGY = BASE + "graph/ontology"
    SHAPES = BASE + "graph/shapes"
    DATA = BASE + "graph/data"
    INFERRED = BASE + "graph/inferred"
    # Written by `kg build`: the endpoint describes itself (VoID statistics, SPARQL examples).
    VOID = BASE + "graph/void"
    EXAMPLES = BASE + ".well-known/sparql-examples"

    ALL = (ONTOLOGY, SHAPES, DATA, INFERRED)

    # Votes, posts and outcome reports: written while the site runs, never by a build, never
    # in the curated dumps and never in the default graph of queries (ask for it by name).
    COMMUNITY = BASE + "graph/community"


# The prefixes offered to people: in the query UI, CLI tables and Turtle output.
PREFIXES: dict[str, str] = {
    "rkg": str(RKG),
    "rkgsh": str(RKGSH),
    "remedy": ID + "remedy/",
    "condition": ID + "condition/",
    "claim": ID + "claim/",
    "mechanism": ID + "mechanism/",
    "acupoint": ID + "acupoint/",
    "meridian": ID + "meridian/",
    "protocol": ID + "protocol/",
    "study": ID + "study/",
    "warning": ID + "warning/",
    "ae": ID + "adverse-event/",
    "population": ID + "population/",
    "measure": ID + "outcome-measure/",
    "source": ID + "source/",
    "combination": ID + "combination/",
    "outcome": ID + "outcome/",
    "remedy-class": ID + "remedy-class/",
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "obo": str(OBO),
    "sh": str(SH),
    "sioc": str(SIOC),
}


def sparql_prologue() -> str:
    """PREFIX lines for every prefix in PREFIXES."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
