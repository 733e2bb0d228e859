"""The VoID schema check: every class and property a generated query uses exists in the
graph, and a property is used on a class whose members carry it.

The schema is read from the VoID statistics that `kg build` writes into the store (graph
Graphs.VOID, shape in docs: a void:classPartition per class, each with a void:propertyPartition
per property its members carry as subject). Without that graph the check says so and fails:
it never passes by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from pyparsing import ParseBaseException
from rdflib import RDF, URIRef, Variable
from rdflib.paths import Path
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.query_guard import PARSER_LOCK  # rdflib's parser is not thread-safe: one lock
from kg.store import Store

VOID = "http://rdfs.org/ns/void#"

SCHEMA_QUERY = """PREFIX void: <{void}>
SELECT ?kind ?class ?property WHERE {{
  GRAPH <{graph}> {{
    {{ ?dataset void:classPartition ?cp . ?cp void:class ?class .
       OPTIONAL {{ ?cp void:propertyPartition/void:property ?property }}
       BIND("class" AS ?kind) }}
    UNION
    {{ ?dataset void:propertyPartition/void:property ?property . BIND("property" AS ?kind) }}
  }}
}}"""


class SchemaUnavailable(RuntimeError):
    """The store holds no VoID statistics to check a query against."""


@dataclass
class VoidSchema:
    classes: dict[str, set[str]] = field(default_factory=dict)  # class -> its properties
    properties: set[str] = field(default_factory=set)


def read_schema(store: Store) -> VoidSchema:
    """The classes and properties of the VoID graph; SchemaUnavailable when it is absent."""
    schema = VoidSchema()
    graph = store.namespaces.graphs.VOID
    for row in store.query(SCHEMA_QUERY.format(void=VOID, graph=graph)).dicts():
        prop = str(row["property"]) if row.get("property") is not None else None
        if str(row["kind"]) == "class":
            props = schema.classes.setdefault(str(row["class"]), set())
            if prop:
                props.add(prop)
        elif prop:
            schema.properties.add(prop)
    if not schema.classes and not schema.properties:
        raise SchemaUnavailable(
            f"the store has no VoID statistics (graph <{graph}>) to check it against; "
            "rebuild the store with `kg build`")
    return schema


def check(text: str, schema: VoidSchema, known: Mapping[str, set[str]] = {}) -> list[str]:
    """What is wrong with the query against the schema ([] when nothing).

    `known`: classes of variables the caller knows (a slot's VALUES variable and its class);
    variables typed in the query (`?x a C`) are known too.
    """
    try:
        with PARSER_LOCK:
            algebra = translateQuery(parseQuery(text)).algebra
    except ParseBaseException as exc:
        return [f"the query does not parse: {exc.msg}"]
    triples = list(_triples(algebra))
    classes_of: dict[str, set[str]] = {k: set(v) for k, v in known.items()}
    problems: list[str] = []
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef):
            if str(o) not in schema.classes:
                problems.append(f"class <{o}> has no members in the graph")
            elif isinstance(s, Variable):
                classes_of.setdefault(str(s), set()).add(str(o))
    for s, p, _ in triples:
        for prop in _iris(p):
            if prop != str(RDF.type) and prop not in schema.properties:
                problems.append(f"property <{prop}> is not used in the graph")
        if not isinstance(p, URIRef) or p == RDF.type or not isinstance(s, Variable):
            continue
        classes = classes_of.get(str(s), set())
        if classes and not any(str(p) in schema.classes.get(c, ()) for c in classes):
            names = ", ".join(f"<{c}>" for c in sorted(classes))
            problems.append(f"property <{p}> is used on ?{s}, a {names}, and no member of "
                            "that class has it")
    return list(dict.fromkeys(problems))


def values_variables(text: str, term: str) -> list[str]:
    """The variables a `VALUES ?v { term }` line binds to the term (a slot's variable)."""
    pattern = rf"VALUES\s+\?(\w+)\s*\{{\s*{re.escape(term)}\s*\}}"
    return re.findall(pattern, text)


def _triples(node: object) -> Iterator[tuple[object, object, object]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "BGP":
                yield from item.triples
            stack.extend(v for k, v in item.items() if k != "_vars")
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _iris(term: object) -> Iterator[str]:
    """The property IRIs of a predicate or a property path."""
    if isinstance(term, URIRef):
        yield str(term)
    elif isinstance(term, Path):
        for value in vars(term).values():
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                yield from _iris(item)
