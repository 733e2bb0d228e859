""""Is it safe for me?" as a page (a form that works without JavaScript) and as JSON."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from rdflib import URIRef
from werkzeug.datastructures import MultiDict

from kg import safety
from web.page_queries import bound
from web.store import store
from web.urls import local_path, sparql_ui_url

bp = Blueprint("safety", __name__)


def _question(args: MultiDict[str, str], found: safety.Options) -> safety.Question:
    conditions = args.getlist("condition")
    if len(conditions) != 1:
        raise safety.SafetyInputError("Give exactly one condition.")
    outcomes = args.getlist("outcome")
    if len(outcomes) > 1:
        raise safety.SafetyInputError("Give at most one outcome.")
    return safety.question(found, conditions[0], outcomes[0] if outcomes else "",
                           args.getlist("situation"), args.getlist("taking"),
                           namespaces=store.namespaces)


def _query_link(text: str) -> str | None:
    """The query UI opened on the answer's query, unless the link would be refused as too
    long (the page then shows the query to copy)."""
    url = sparql_ui_url(text)
    return url if len(url) <= current_app.config["MAX_URL_LENGTH"] else None


def slug(iri: str) -> str:
    """The form's value for an entity: the last segment of its IRI."""
    return iri.rsplit("/", 1)[-1]


def href(iri: str) -> str | None:
    return local_path(URIRef(iri))


def adverse_events(remedies: list[safety.RemedyAnswer]) -> tuple[dict[str, list[dict]], str]:
    """The adverse events recorded on each remedy's claims, and the query that found them (one
    lookup for all; the remedy page shows the same rows): harms anyone can have, not matched
    to the answers."""
    text = bound("remedy-adverse-events", this=[URIRef(r.iri) for r in remedies])
    found: dict[str, list[dict]] = {}
    if remedies:
        for row in store.query(text).dicts():
            found.setdefault(str(row["this"]), []).append(row)
    return found, text


@bp.get("/safety")
def page() -> tuple[str, int] | str:
    found = safety.options(store)
    chosen = {"condition": request.args.get("condition", ""),
              "outcome": request.args.get("outcome", ""),
              "situations": set(request.args.getlist("situation")),
              "medicines": set(request.args.getlist("taking"))}
    context = {"options": found, "chosen": chosen, "answer": None, "error": None,
               "sparql_url": None, "slug": slug, "href": href, "adverse_events": {}}
    if not request.args:
        return render_template("pages/safety.html", **context)
    try:
        q = _question(request.args, found)
    except safety.SafetyInputError as exc:
        context["error"] = str(exc)
        return render_template("pages/safety.html", **context), 400
    answer = safety.answer(store, q)
    events, events_query = adverse_events(answer.remedies + answer.avoid)
    context.update(adverse_events=events, adverse_events_url=_query_link(events_query))
    chosen.update(condition=slug(q.condition.iri),
                  outcome=slug(q.outcome.iri) if q.outcome else "",
                  situations={slug(t.iri) for t in q.situations},
                  medicines={slug(t.iri) for t in q.medicines})
    context.update(answer=answer, sparql_url=_query_link(answer.query),
                   json_url=url_for("safety.api") + "?" + urlencode(
                       list(request.args.items(multi=True))))
    return render_template("pages/safety.html", **context)


@bp.get("/api/safety")
def api() -> Response:
    found = safety.options(store)
    try:
        q = _question(request.args, found)
    except safety.SafetyInputError as exc:
        response = jsonify({"error": "Bad Request", "message": str(exc), "status": 400})
        response.status_code = 400
        return response
    answer = safety.answer(store, q)
    body = answer.to_dict()
    body["query_url"] = sparql_ui_url(answer.query)
    return jsonify(body)
