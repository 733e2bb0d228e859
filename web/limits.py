"""Request limits: URL and body size, and the endpoint's limits in words (the rate limits are
web.client_limits')."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, abort, request
from werkzeug.exceptions import RequestEntityTooLarge

from web.errors import error_response


def init_app(app: Flask) -> None:
    """Bind the size limits to the app (the rate limits are web.client_limits')."""
    config = app.config
    for name in ("MAX_URL_LENGTH", "MAX_REQUEST_BYTES"):
        if not isinstance(config[name], int) or config[name] < 1:
            raise ValueError(f"{name} must be a positive whole number, not {config[name]!r}")
    config["MAX_CONTENT_LENGTH"] = config["MAX_REQUEST_BYTES"]  # werkzeug answers 413

    @app.before_request
    def url_length() -> None:
        length = len(request.path.encode("utf-8")) + len(request.query_string) + 1
        if length > config["MAX_URL_LENGTH"]:
            abort(414, description=f"The URL is {length} bytes long, over the limit of "
                                   f"{config['MAX_URL_LENGTH']}; POST a long query instead.")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge) -> Response:
        return error_response(
            413, exc.name,
            f"The request body is larger than the limit of {config['MAX_REQUEST_BYTES']} "
            "bytes; narrow the query (a SPARQL query this long is rarely what was meant).")


def described(config: Mapping[str, Any]) -> list[str]:
    """The endpoint's limits in words, for the query UI and the service description."""
    limits = [
        f"A query stops after {config['QUERY_TIMEOUT']:g} s (503 Query timeout)",
        f"At most {config['MAX_RESULT_ROWS']} result rows or triples; a cut result carries "
        f"the header X-Result-Truncated: true",
        f"{config['MAX_CONCURRENT_QUERIES']} queries run at once; more wait "
        f"{config['QUERY_QUEUE_WAIT']:g} s, then get 503 with Retry-After",
        f"URLs up to {config['MAX_URL_LENGTH']} bytes (414), request bodies up to "
        f"{config['MAX_REQUEST_BYTES']} bytes (413)",
    ]
    rates = [f"requests at most {config['RATE_LIMIT']}" if config["RATE_LIMIT"] else "",
             f"queries at most {config['SPARQL_RATE_LIMIT']}"
             if config["SPARQL_RATE_LIMIT"] else ""]
    if any(rates):
        limits.append("Per client address: " + ", ".join(r for r in rates if r)
                      + " (429 with Retry-After)")
    return limits
