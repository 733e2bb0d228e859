"""The one error path: every error, of any route, as a page in the site's layout or as JSON.

Which one is chosen as every other representation is (web.negotiation): the API and the
endpoint answer machines, so JSON; elsewhere JSON when the client ranks it over HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kg.query_guard import QueryRefused
from kg.query_workers import QueryTooLarge
from kg.store import QuerySyntaxError, QueryTimeout, StoreError
from web.negotiation import BadFormat, NotAcceptable, prefers_json

MACHINE_PREFIXES = ("/api/", "/sparql")
# Errors whose message is all the client needs: status and title per exception class (Flask
# picks the most specific class, so QueryTimeout wins over its base StoreError).
PLAIN_ERRORS: dict[type[Exception], tuple[int, str]] = {
    BadFormat: (400, "Bad Request"),
    QuerySyntaxError: (400, "Query syntax error"),
    QueryRefused: (400, "Query refused"),
    QueryTimeout: (503, "Query timeout"),
    QueryTooLarge: (503, "Query too large"),
    StoreError: (503, "Store unavailable"),
}


def wants_json() -> bool:
    return request.path.startswith(MACHINE_PREFIXES) or prefers_json()


def error_response(status: int, title: str, message: str, **extra: object) -> Response:
    if wants_json():
        response = jsonify({"error": title, "message": message, "status": status, **extra})
    else:
        response = Response(render_template("errors/error.html", status=status, title=title,
                                            message=message, extra=extra),
                            mimetype="text/html")
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        response = error_response(exc.code or 500, exc.name, exc.description or exc.name)
        original = exc.get_response().headers  # e.g. Allow on a 405
        for key in ("Allow", "Retry-After"):
            if key in original:
                response.headers[key] = original[key]
        return response

    @app.errorhandler(NotAcceptable)
    def not_acceptable(exc: NotAcceptable) -> Response:
        response = error_response(406, "Not Acceptable", str(exc), offered=exc.offered)
        response.headers["Vary"] = "Accept"
        return response

    for exception, (status, title) in PLAIN_ERRORS.items():
        app.register_error_handler(exception, _plain(status, title))


def _plain(status: int, title: str) -> Callable[[Exception], Response]:
    def handler(exc: Exception) -> Response:
        return error_response(status, title, str(exc))
    return handler
