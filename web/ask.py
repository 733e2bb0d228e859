"""Ask in words: the question page (/ask) and its JSON twin (/api/ask).

The question is mapped to a canned query (kg.ask), checked against the VoID schema in the
store, and run read-only through the endpoint's runner, within the endpoint's limits.
"""

from __future__ import annotations

import threading

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request
from rdflib import URIRef

from kg.ask.mapper import MAX_QUESTION_LENGTH, Answer, Asker, answer
from kg.ask.schema import VoidSchema, read_schema
from kg.query_guard import check_query
from kg.results import QueryResult
from web.query_runner import runner
from web.store import store
from web.urls import local_path

bp = Blueprint("ask", __name__)

EXTENSION = "kg_asker"
SCHEMA_EXTENSION = "kg_void_schema"
DEFAULT_ONLY_EXTENSION = "kg_ask_default_graph_only"
_building = threading.Lock()


def asker(app: Flask) -> Asker:
    """The app's asker, read from the store on first use (one reader; others wait)."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        with _building:
            found = app.extensions.get(EXTENSION)
            if found is None:
                found = app.extensions[EXTENSION] = Asker.of(store)
    return found


def _schema() -> VoidSchema:
    """The store's VoID schema, read once per app (the served store does not change under it);
    while it is absent, every question asks again and is told so."""
    found = current_app.extensions.get(SCHEMA_EXTENSION)
    if found is None:
        found = current_app.extensions[SCHEMA_EXTENSION] = read_schema(store)
    return found


def _run(query: str) -> tuple[QueryResult, bool]:
    # The endpoint's runner: its time limit, row cap and cap on queries at once. The query is
    # a canned SELECT with only checked IRIs written into it, so the guard's parse (for
    # untrusted text) is not needed.
    ran = runner.run(query, base_iri=current_app.config["BASE_IRI"],
                     default_graph_only=_reads_default_graph_only())
    return ran.result, ran.truncated


def reads_default_graph_only(asker: Asker, base_iri: str | None = None) -> bool:
    """Whether every query the asker can run reads the default graph and nothing else (no
    FROM, no GRAPH): then they run as /sparql runs such queries, on the workers' store of the
    served graphs over the engine's union (kg.query_workers.WorkerStores), not over the list
    of served graphs, which the engine answers about twice as slowly. Decided on the examples
    as written: filling a slot only writes an IRI into its VALUES (kg.ask.mapper)."""
    # The guard's reading, as /sparql's: FROM clauses become the query's dataset there.
    return all(check_query(example.text, lambda: (), base_iri=base_iri).reads_default_graph_only
               for example in asker.examples)


def _reads_default_graph_only() -> bool:
    found = current_app.extensions.get(DEFAULT_ONLY_EXTENSION)
    if found is None:
        found = current_app.extensions[DEFAULT_ONLY_EXTENSION] = reads_default_graph_only(
            _asker(), current_app.config["BASE_IRI"])
    return found


def _question(required: bool) -> str:
    q = request.args.get("q", "").strip()
    if required and not q:
        abort(400, description="Ask a question in the q parameter, e.g. "
                               "?q=which herbs interact with warfarin")
    if len(q) > MAX_QUESTION_LENGTH:
        abort(400, description=f"The question is {len(q)} characters long; ask in at most "
                               f"{MAX_QUESTION_LENGTH}.")
    return q


def _asker() -> Asker:
    return asker(current_app._get_current_object())  # type: ignore[attr-defined]


def _answer(q: str) -> Answer:
    return answer(_asker(), q, _schema, _run)


@bp.get("/ask")
def page() -> str:
    q = _question(required=False)
    found = _answer(q) if q else None
    fillers = [(f.label, local_path(URIRef(f.iri))) for f in found.mapping.fillers] \
        if found and found.mapping else []
    return render_template("pages/ask.html", q=q, answer=found, fillers=fillers,
                           examples=_asker().examples)


@bp.get("/api/ask")
def api() -> Response:
    return jsonify(_answer(_question(required=True)).to_dict())
