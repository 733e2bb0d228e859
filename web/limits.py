"""Request limits: URL and body size, the routes' own rate limits (Flask-Limiter, in memory),
and the endpoint's limits in words. The app-wide rate limits are web.client_limits'."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, abort, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_qualified_name, get_remote_address
from werkzeug.exceptions import RequestEntityTooLarge

from web.client_limits import STORAGE_URI, too_many_message
from web.errors import error_response


def init_app(app: Flask) -> Limiter:
    """Bind the limits to the app."""
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

    # The app-wide limits are web.client_limits'; this limiter counts the routes' own (the
    # community's writes). One per app, so that each app (and each test) counts on its own.
    limiter = Limiter(get_remote_address, app=app, storage_uri=STORAGE_URI,
                      strategy="fixed-window")

    # Flask-Limiter works out which limits apply on every request, even where none can: 0.10
    # ms of CPU per /sparql request (bench/sparql_layers.py). Where no limit can apply to an
    # endpoint, it is told so at once. The answer is kept per endpoint: every limit is set
    # while the app is built, before its first request.
    unlimited: dict[str | None, bool] = {}

    @limiter.request_filter
    def nothing_to_count() -> bool:
        endpoint = request.endpoint
        found = unlimited.get(endpoint)
        if found is None:
            found = unlimited[endpoint] = not _limits_for(limiter, app, endpoint,
                                                          request.blueprint)
        return found

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge) -> Response:
        return error_response(
            413, exc.name,
            f"The request body is larger than the limit of {config['MAX_REQUEST_BYTES']} "
            "bytes; narrow the query (a SPARQL query this long is rarely what was meant).")

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(exc: RateLimitExceeded) -> Response:
        current = limiter.current_limit
        retry_after = max(1, math.ceil(current.reset_at - time.time())) if current else 60
        response = error_response(429, "Too Many Requests",
                                  too_many_message(exc.description, retry_after))
        response.headers["Retry-After"] = str(retry_after)
        return response

    return limiter


def _limits_for(limiter: Limiter, app: Flask, endpoint: str | None,
                blueprint: str | None) -> bool:
    """Whether any limit is set that could apply to a request to `endpoint`: the app-wide
    ones, its blueprint's, or its view's own (exemptions are left to Flask-Limiter)."""
    manager = limiter.limit_manager
    if manager.application_limits or manager.default_limits:
        return True
    if blueprint and manager.blueprint_limits(app, blueprint):
        return True
    view = app.view_functions.get(endpoint or "")
    return bool(view and manager.decorated_limits(get_qualified_name(view)))


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
