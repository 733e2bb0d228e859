"""What the query UI's autocomplete offers, from the build's VoID (Graphs.VOID): our prefixes,
the classes the data uses, and per class the properties its members really carry."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from rdflib import URIRef

from kg.store import Store
from web.page_queries import bound
from web.store import store

bp = Blueprint("schema", __name__, url_prefix="/api")


def schema(the_store: Store) -> dict[str, Any]:
    """Prefixes, classes (with entity counts), properties (with triple counts) and each class's
    properties, most used first: an empty store gives empty lists, never an error."""
    ns = the_store.namespaces
    graph, dataset = URIRef(ns.graphs.VOID), URIRef(ns.base + "dataset")
    classes: dict[str, int] = {}
    class_properties: dict[str, list[tuple[int, str]]] = {}
    for cls, entities, prop, triples in the_store.query(
            bound("schema-classes", graph=graph, dataset=dataset)).rows:
        classes[str(cls)] = int(entities)  # type: ignore[arg-type]
        members = class_properties.setdefault(str(cls), [])
        if prop is not None:
            members.append((int(triples), str(prop)))  # type: ignore[arg-type]
    properties = {str(prop): int(triples)  # type: ignore[arg-type]
                  for prop, triples in the_store.query(
                      bound("schema-properties", graph=graph, dataset=dataset)).rows}
    return {
        "prefixes": ns.PREFIXES,
        "classes": [{"iri": iri, "entities": n} for iri, n in _most_first(classes)],
        "properties": [{"iri": iri, "triples": n} for iri, n in _most_first(properties)],
        "classProperties": {cls: [iri for _, iri in sorted(members, key=lambda m: (-m[0], m[1]))]
                            for cls, members in sorted(class_properties.items())},
    }


def _most_first(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@bp.get("/schema")
def schema_json() -> Response:
    return jsonify(schema(store))
