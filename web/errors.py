"""Error responses: the site's layout for people, JSON for the API and the endpoint."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotAcceptable as HTTPNotAcceptable

from kg.query_guard import QueryRefused
from kg.store import QuerySyntaxError, QueryTimeout, StoreError
from web.negotiation import BadFormat, NotAcceptable

MACHINE_PREFIXES = ("/api/", "/sparql")


def wants_json() -> bool:
    if request.path.startswith(MACHINE_PREFIXES):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


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

    @app.errorhandler(BadFormat)
    def bad_format(exc: BadFormat) -> Response:
        return error_response(400, "Bad Request", str(exc))

    @app.errorhandler(NotAcceptable)
    def not_acceptable(exc: NotAcceptable) -> Response:
        response = error_response(406, HTTPNotAcceptable.name, str(exc), offered=exc.offered)
        response.headers["Vary"] = "Accept"
        return response

    @app.errorhandler(QuerySyntaxError)
    def syntax_error(exc: QuerySyntaxError) -> Response:
        return error_response(400, "Query syntax error", str(exc))

    @app.errorhandler(QueryRefused)
    def query_refused(exc: QueryRefused) -> Response:
        return error_response(400, "Query refused", str(exc))

    @app.errorhandler(QueryTimeout)
    def query_timeout(exc: QueryTimeout) -> Response:
        return error_response(503, "Query timeout", str(exc))

    @app.errorhandler(StoreError)
    def store_error(exc: StoreError) -> Response:
        return error_response(503, "Store unavailable", str(exc))
