"""Label search, shared by the JSON API (the autocomplete) and the search results page that
the search boxes submit to (Enter before any suggestion shows, or with no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, render_template, request
from rdflib import URIRef

from web.label_index import label_index
from web.store import store
from web.urls import local_path

bp = Blueprint("search", __name__)

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Match:
    iri: URIRef
    label: str
    type: str
    url: str | None


def search_text(*, required: bool = True) -> str:
    """The `q` parameter, checked: a 400 names what is wrong with it."""
    q = request.args.get("q", "").strip()
    if not q and required:
        abort(400, description="Give a search text: /api/search?q=acu")
    if len(q) > MAX_QUERY_LENGTH:
        abort(400, description=f"The search text is longer than {MAX_QUERY_LENGTH} characters.")
    return q


def search_limit() -> int:
    try:
        limit = int(request.args.get("limit", current_app.config["SEARCH_LIMIT"]))
    except ValueError:
        abort(400, description="limit must be a whole number.")
    if not 1 <= limit <= 100:
        abort(400, description="limit must be between 1 and 100.")
    return limit


def matches(q: str, limit: int) -> list[Match]:
    # The label index is read once per app and ranks as search.rq does (web/label_index.py).
    index = label_index(current_app._get_current_object(), store)  # type: ignore[attr-defined]
    return [Match(URIRef(m.entity), m.label, m.type, local_path(URIRef(m.entity)))
            for m in index.search(q, limit)]


@bp.get("/search")
def results() -> str:
    """Search results as a page; an empty search shows the form alone."""
    q = search_text(required=False)
    found = matches(q, search_limit()) if q else []
    return render_template("pages/search.html", q=q, found=found)
