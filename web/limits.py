"""Request limits: URL and body size, and per-client rate limits (Flask-Limiter, in memory)."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def init_app(app: Flask, sparql: Blueprint) -> Limiter:
    """Bind the limits to the app; `sparql` is the blueprint whose queries are rate-limited."""
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

    # One limiter per app, so that each app (and each test) counts on its own.
    limiter = Limiter(
        get_remote_address, app=app, storage_uri="memory://", headers_enabled=True,
        default_limits=[config["RATE_LIMIT"]] if config["RATE_LIMIT"] else [],
        default_limits_exempt_when=lambda: request.endpoint == "static",
    )
    if config["SPARQL_RATE_LIMIT"]:
        limiter.limit(config["SPARQL_RATE_LIMIT"], override_defaults=False,
                      exempt_when=_not_a_query)(sparql)
    return limiter


def _not_a_query() -> bool:
    """The query UI and the service description are pages, not queries."""
    return request.method != "POST" and "query" not in request.args
