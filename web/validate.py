"""The check service: a contributor pastes or uploads a proposed change (Turtle or JSON-LD)
and gets the shapes' and quality checks' report on it, as a page or as JSON.

The change is checked with the project's ontology, shapes and data files, the ones `kg build`
published (parsed once, by a worker process: kg.change_workers), so references to existing
entities resolve; nothing is written anywhere. The page's form carries a CSRF token (checked
here, as web.community does); POST /api/validate takes no token, so scripts can use it: it
writes nothing and answers JSON.
"""

from __future__ import annotations

import atexit
import threading
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
)
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.exceptions import ServiceUnavailable, UnsupportedMediaType
from wtforms import ValidationError

from kg.change_check import SYNTAXES, ChangeInputError, parse_change
from kg.change_workers import ChangeWorker, CheckFailed, CheckTimeout, ProjectFiles
from kg.project import Project
from web.errors import error_response
from web.negotiation import HTML_OFFER, JSON, Offer, choose, respond

bp = Blueprint("validate", __name__)

EXTENSION = "kg_change_worker"
JSON_OFFER = Offer("json", JSON)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A body sent as is: its media type says its syntax.
BODY_SYNTAXES = {"text/turtle": "turtle", "application/x-turtle": "turtle",
                 "application/ld+json": "jsonld", "application/json": "jsonld"}
EXTENSIONS = {"ttl": "turtle", "turtle": "turtle", "jsonld": "jsonld", "json": "jsonld"}


class _Service:
    """The app's one checker process, started on first use, and the slot that serialises it."""

    def __init__(self) -> None:
        self.slot = threading.Lock()
        self.worker: ChangeWorker | None = None

    def run(self, data: bytes, syntax: str) -> dict[str, Any]:
        config = current_app.config
        # Parsed here first: a syntax error or a remote context is answered at once, without
        # the worker (which parses again: graphs do not cross the pipe).
        parse_change(data, syntax)
        wait = config["QUERY_QUEUE_WAIT"]
        if not self.slot.acquire(timeout=wait):
            raise ServiceUnavailable("Another change is being checked; try again shortly.",
                                     retry_after=max(1, round(wait)))
        try:
            if self.worker is None:
                self.worker = ChangeWorker(ProjectFiles(Project.locate().root))
                atexit.register(self.worker.close)
            return self.worker.check(data, syntax, config["VALIDATE_TIMEOUT"])
        finally:
            self.slot.release()


def init_app(app: Flask) -> None:
    if not isinstance(app.config["VALIDATE_TIMEOUT"], int | float) \
            or app.config["VALIDATE_TIMEOUT"] <= 0:
        raise ValueError("VALIDATE_TIMEOUT must be a positive number of seconds, not "
                         f"{app.config['VALIDATE_TIMEOUT']!r}")
    app.extensions[EXTENSION] = _Service()
    app.context_processor(lambda: {"csrf_token": generate_csrf})  # the form's token
    app.register_blueprint(bp)


def _limit() -> int:
    return current_app.config["MAX_REQUEST_BYTES"]


def _too_large() -> None:
    # Checked before the body is read, with a message about changes (werkzeug's 413 handler
    # speaks of queries).
    length = request.content_length
    if length is not None and length > _limit():
        abort(error_response(413, "Payload Too Large",
                             f"The change is {length} bytes, over the limit of {_limit()}; "
                             "check it in smaller parts."))


def _syntax_of(name: str | None, data: bytes) -> str:
    """The syntax the form names, else the file's extension, else a guess from the first
    character ({ or [ is JSON-LD)."""
    chosen = request.form.get("syntax", "")
    if chosen and chosen != "auto":
        if chosen not in SYNTAXES:
            raise ChangeInputError(f"unknown syntax {chosen!r}; choose one of: "
                                   + ", ".join(SYNTAXES))
        return chosen
    if name and "." in name:
        extension = name.rsplit(".", 1)[1].lower()
        if extension in EXTENSIONS:
            return EXTENSIONS[extension]
    return "jsonld" if data.lstrip()[:1] in (b"{", b"[") else "turtle"


def _upload() -> tuple[bytes, str, str]:
    """(bytes, syntax, the pasted text to show again) from a form or a raw body."""
    _too_large()
    if request.mimetype in FORM_TYPES:
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            data = upload.read()
            return data, _syntax_of(upload.filename, data), ""
        text = request.form.get("data", "")
        data = text.encode("utf-8")
        return data, _syntax_of(None, data), text
    if request.mimetype in BODY_SYNTAXES:
        return request.get_data(), BODY_SYNTAXES[request.mimetype], ""
    raise UnsupportedMediaType(
        f"Send the change as {', '.join(BODY_SYNTAXES)}, or as a form (field 'data' or file "
        f"'file'), not {request.mimetype or 'a body without a Content-Type'}.")


def _check() -> tuple[dict[str, Any] | None, ChangeInputError | None, str]:
    """The report, or the input error, and the pasted text."""
    text = ""
    try:
        data, syntax, text = _upload()
        if not data.strip():
            raise ChangeInputError("the change is empty: paste Turtle or JSON-LD, or choose a "
                                   "file")
        return current_app.extensions[EXTENSION].run(data, syntax), None, text
    except ChangeInputError as exc:
        return None, exc, text
    except CheckTimeout:
        abort(error_response(503, "Check timeout",
                             f"The check ran past the limit of "
                             f"{current_app.config['VALIDATE_TIMEOUT']:g} s and was stopped; "
                             "check the change in smaller parts."))
    except CheckFailed as exc:
        abort(error_response(503, "Checker unavailable", str(exc)))


def _input_error(exc: ChangeInputError) -> Response:
    return error_response(400, "Bad Request", str(exc), line=exc.line)


@bp.get("/validate")
def page() -> str:
    return render_template("pages/validate.html", report=None, error=None, text="",
                           syntaxes=SYNTAXES, limit=_limit())


@bp.post("/validate")
def page_check() -> Response | tuple[str, int] | str:
    offer = choose([HTML_OFFER, JSON_OFFER])
    _too_large()
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError) as exc:
        abort(400, description=f"{exc.args[0] if exc.args else exc} Reload the page and send "
                               "the form again (scripts: POST to /api/validate).")
    report, error, text = _check()
    if not offer.is_html:
        return _input_error(error) if error else respond(jsonify(report).get_data(), offer)
    html = render_template("pages/validate.html", report=report, error=error, text=text,
                           syntaxes=SYNTAXES, limit=_limit())
    return (html, 400) if error else respond(html, offer)


@bp.post("/api/validate")
def api() -> Response:
    report, error, _ = _check()
    return _input_error(error) if error else jsonify(report)
