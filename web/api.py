"""The JSON API: label search for the home page's autocomplete."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request
from rdflib import URIRef

from web.search import label_index
from web.store import store
from web.urls import local_path

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_QUERY_LENGTH = 100


@bp.get("/search")
def search() -> Response:
    q = request.args.get("q", "").strip()
    if not q:
        abort(400, description="Give a search text: /api/search?q=acu")
    if len(q) > MAX_QUERY_LENGTH:
        abort(400, description=f"The search text is longer than {MAX_QUERY_LENGTH} characters.")
    try:
        limit = int(request.args.get("limit", current_app.config["SEARCH_LIMIT"]))
    except ValueError:
        abort(400, description="limit must be a whole number.")
    if not 1 <= limit <= 100:
        abort(400, description="limit must be between 1 and 100.")
    index = label_index(current_app._get_current_object(), store)  # type: ignore[attr-defined]
    return jsonify({
        "query": q,
        "results": [
            {"iri": m.entity, "label": m.label, "type": m.type,
             "url": local_path(URIRef(m.entity))}
            for m in index.search(q, limit)
        ],
    })
