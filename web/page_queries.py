"""The web layer's SPARQL files (web/queries/*.rq), read once and bound per request."""

from __future__ import annotations

from functools import cache
from importlib import resources

from rdflib.term import Node

from kg.queries import bind


@cache
def page_query(name: str) -> str:
    return (resources.files("web") / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def bound(name: str, **values: Node) -> str:
    """A page query with its placeholders bound."""
    return bind(page_query(name), **values)
