"""The web layer's SPARQL files (web/queries/*.rq), read once and bound per request."""

from __future__ import annotations

from functools import cache

from flask import has_app_context
from rdflib.term import Node

from kg.namespaces import CANONICAL, Namespaces
from kg.queries import bind, sparql_file
from web.store import store


@cache
def _page_query(name: str, namespaces: Namespaces) -> str:
    return sparql_file(f"queries/{name}.rq", "web", namespaces)


def page_query(name: str, namespaces: Namespaces | None = None) -> str:
    """A page query, under the namespaces' base (default: the app's store's; outside an app,
    as written, like every kg function)."""
    if namespaces is None:
        namespaces = store.namespaces if has_app_context() else CANONICAL
    return _page_query(name, namespaces)


def bound(name: str, **values: Node) -> str:
    """A page query with its placeholders bound."""
    return bind(page_query(name), **values)
