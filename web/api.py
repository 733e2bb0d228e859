"""The JSON API: label search for the search boxes' autocomplete."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from web.search import matches, search_limit, search_text

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response:
    q = search_text()
    return jsonify({
        "query": q,
        "results": [{"iri": str(m.iri), "label": m.label, "type": m.type, "url": m.url}
                    for m in matches(q, search_limit())],
    })
