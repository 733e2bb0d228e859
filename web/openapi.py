"""The OpenAPI description of the JSON API and the SPARQL endpoint, served by the app."""

from __future__ import annotations

import copy
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from flask import Blueprint, Response, current_app, jsonify, request

bp = Blueprint("openapi", __name__)


@cache
def _spec() -> dict[str, Any]:
    return yaml.safe_load(files("web").joinpath("openapi.yaml").read_text(encoding="utf-8"))


def description(server: str, search_limit: int) -> dict[str, Any]:
    """The description with this deployment's server and defaults filled in."""
    spec = copy.deepcopy(_spec())
    spec["servers"] = [{"url": server.rstrip("/")}]
    for parameter in spec["paths"]["/api/search"]["get"]["parameters"]:
        if parameter["name"] == "limit":
            parameter["schema"]["default"] = search_limit
    return spec


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(description(request.url_root, current_app.config["SEARCH_LIMIT"]))
