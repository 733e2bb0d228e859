"""The SPARQL 1.1 Protocol endpoint, its query UI and its service description."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from werkzeug.datastructures import MIMEAccept

from kg.formats import RDF_FORMATS, RESULTS_FORMATS, RdfSyntax, ResultsSyntax
from kg.namespaces import PREFIXES
from kg.queries import canned_queries
from kg.query_guard import READ_ONLY, check_query
from kg.results import QueryResult
from web import descriptions, limits
from web.entities import serialize
from web.query_runner import runner
from web.store import store

bp = Blueprint("sparql", __name__)

GRAPH_SYNTAXES = {n: f for n, f in RDF_FORMATS.items() if not f.quads}
# Names that common clients put in ?format= (SPARQLWrapper sends its return format there).
FORMAT_ALIASES = {
    "graph": {"xml": "rdfxml", "rdf": "rdfxml", "n3": "turtle", "ttl": "turtle",
              "json-ld": "jsonld", "json": "jsonld", "nt": "ntriples"},
    "results": {"srj": "json", "srx": "xml"},
}
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
QUERY_CONTENT_TYPE = "application/sparql-query"
UPDATE_CONTENT_TYPE = "application/sparql-update"
TRUNCATED_HEADER = "X-Result-Truncated"
ROW_LIMIT_HEADER = "X-Result-Row-Limit"


@bp.after_request
def cors(response: Response) -> Response:
    # Researchers query from notebooks and other sites' pages: any origin may read results.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response.headers["Access-Control-Expose-Headers"] = \
        f"{TRUNCATED_HEADER}, {ROW_LIMIT_HEADER}, Retry-After"
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response | str:
    if request.method == "OPTIONS":
        return Response(status=204)
    query, default_graphs, named_graphs = _protocol_request()
    if query is None or (request.method == "GET" and _prefers_html()):
        return _no_query() if query is None else _ui()
    check_query(query, store.graph_names, default_graphs, named_graphs)
    answer = runner.run(query, default_graphs, named_graphs)
    result = answer.result
    syntax = _result_syntax(result)
    body = serialize(result.graph, syntax) if result.is_graph else result.serialize(syntax)
    response = Response(body, content_type=_content_type(syntax))
    response.headers["Vary"] = "Accept"
    response.headers[ROW_LIMIT_HEADER] = str(runner.max_rows)
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    return response


def _protocol_request() -> tuple[str | None, list[str], list[str]]:
    """The query and dataset of a GET, a form POST or a direct POST."""
    if request.method == "GET":
        params = request.args
    else:
        content_type = (request.mimetype or "").lower()
        if content_type == FORM_CONTENT_TYPE:
            params = request.form
        elif content_type == QUERY_CONTENT_TYPE:
            params = request.args
            try:
                text = request.get_data().decode("utf-8")
            except UnicodeDecodeError:
                abort(400, description="The query body is not UTF-8.")
            return text, params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        elif content_type == UPDATE_CONTENT_TYPE:
            abort(400, description=READ_ONLY)
        else:
            got = content_type or "no Content-Type"
            abort(415, description=f"POST a query as {FORM_CONTENT_TYPE} (query=...) or as "
                                   f"{QUERY_CONTENT_TYPE}; got {got}.")
    queries = params.getlist("query")
    if len(queries) > 1:
        abort(400, description="Give exactly one query parameter.")
    if "update" in params:
        abort(400, description=READ_ONLY)
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        abort(400, description="The query parameter is empty.")
    return query, params.getlist("default-graph-uri"), params.getlist("named-graph-uri")


def _prefers_html() -> bool:
    """A browser following a permalink: open the query in the UI instead of running it."""
    if request.args.get("format"):
        return False
    offers = ["text/html", *(f.media_type for f in RESULTS_FORMATS.values())]
    accept = request.accept_mimetypes
    # Only an explicit text/html counts: SPARQL clients that send */* want results.
    explicit = any(value == "text/html" for value, _ in accept)
    return explicit and accept.best_match(offers) == "text/html"


def _no_query() -> Response | str:
    accept: MIMEAccept = request.accept_mimetypes
    offers = ["text/html", *(f.media_type for f in GRAPH_SYNTAXES.values())]
    best = accept.best_match(offers) if accept else "text/html"
    if best == "text/html":
        return _ui()
    syntax = next((f for f in GRAPH_SYNTAXES.values() if f.media_type == best),
                  GRAPH_SYNTAXES["turtle"])
    graph = descriptions.service_description(request.base_url,
                                             limits.described(current_app.config))
    return Response(serialize(graph, syntax), content_type=_content_type(syntax))


def _ui() -> str:
    examples = [{"name": q.name, "title": q.title, "query": q.text}
                for q in canned_queries().values()]
    config = {
        "endpoint": url_for("sparql.endpoint"),
        "prefixes": PREFIXES,
        "examples": examples,
        "query": request.args.get("query", ""),
        "timeoutSeconds": current_app.config["QUERY_TIMEOUT"],
    }
    return render_template("sparql/ui.html", config=config, examples=examples,
                           prefixes=PREFIXES, limits=limits.described(current_app.config))


def _result_syntax(result: QueryResult) -> ResultsSyntax | RdfSyntax:
    table: dict[str, ResultsSyntax] | dict[str, RdfSyntax]
    table = GRAPH_SYNTAXES if result.is_graph else RESULTS_FORMATS
    name = request.args.get("format")
    if name is not None:
        name = FORMAT_ALIASES["graph" if result.is_graph else "results"].get(name, name)
        if name not in table:
            abort(400, description=f"Unknown format {name!r} for a {result.form} query; "
                                   f"choose one of: {', '.join(table)}.")
        return table[name]
    accept = request.accept_mimetypes
    if not accept or accept.best == "*/*":
        return next(iter(table.values()))
    offers = {f.media_type: f for f in table.values()}
    offers.update({alias: f for f in table.values() for alias in f.aliases})
    best = accept.best_match(list(offers))
    if best is None:
        abort(406, description=f"A {result.form} result is offered as: "
                               + ", ".join(f.media_type for f in table.values()) + ".")
    return offers[best]


def _content_type(syntax: ResultsSyntax | RdfSyntax) -> str:
    if syntax.media_type.endswith("xml"):
        return syntax.media_type
    return syntax.media_type + "; charset=utf-8"
