"""The OpenAPI description of the JSON API and the SPARQL endpoint, served by the app."""

from __future__ import annotations

import copy
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from flask import Blueprint, Response, current_app, jsonify, request

from kg.namespaces import CANONICAL, Namespaces
from web.store import store

bp = Blueprint("openapi", __name__)


@cache
def _spec(namespaces: Namespaces) -> dict[str, Any]:
    # Its examples name IRIs under the canonical base, as the .rq files do.
    text = files("web").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(namespaces.rebase(text))


def description(server: str, search_limit: int,
                namespaces: Namespaces = CANONICAL) -> dict[str, Any]:
    """The description with this deployment's server, base and defaults filled in."""
    spec = copy.deepcopy(_spec(namespaces))
    spec["servers"] = [{"url": server.rstrip("/")}]
    for parameter in spec["paths"]["/api/search"]["get"]["parameters"]:
        if parameter["name"] == "limit":
            parameter["schema"]["default"] = search_limit
    return spec


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(description(request.url_root, current_app.config["SEARCH_LIMIT"],
                               store.namespaces))
