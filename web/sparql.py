"""The SPARQL 1.1 Protocol endpoint, its query UI and its service description."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import parse_qsl

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from kg.formats import RdfSyntax, ResultsSyntax
from kg.query_guard import READ_ONLY, check_query
from kg.query_workers import Answer
from web import descriptions, limits
from web.entities import serialize
from web.examples import examples as ui_examples
from web.negotiation import (
    FORM_CONTENT_TYPE,
    HTML_OFFER,
    Offer,
    accepted,
    choose,
    rdf_offers,
    respond,
    results_offers,
)
from web.query_runner import runner
from web.store import store
from web.urls import local_bases

bp = Blueprint("sparql", __name__)

QUERY_CONTENT_TYPE = "application/sparql-query"
UPDATE_CONTENT_TYPE = "application/sparql-update"
GRAPH_FORMS = frozenset({"CONSTRUCT", "DESCRIBE"})
# Built once: negotiation runs on every query, and the offers never change.
RESULTS_OFFERS = tuple(results_offers())
GRAPH_OFFERS = tuple(rdf_offers())
TRUNCATED_HEADER = "X-Result-Truncated"
CACHE_HEADER = "X-Answer-Cache"
ROW_LIMIT_HEADER = "X-Result-Row-Limit"


# Researchers query from notebooks and other sites' pages: any origin may read results.
CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Content-Type, Accept"),
    ("Access-Control-Expose-Headers",
     f"{TRUNCATED_HEADER}, {ROW_LIMIT_HEADER}, {CACHE_HEADER}, Retry-After"),
)
_CORS_NAMES = frozenset(name.lower() for name, _ in CORS_HEADERS)


@bp.after_request
def cors(response: Response) -> Response:
    headers = response.headers
    # Added in one go where the response has none of them (always, so far); setting them one
    # by one scanned and rebuilt the header list four times on every query.
    if any(name.lower() in _CORS_NAMES for name, _ in headers):
        for name, value in CORS_HEADERS:
            headers[name] = value
    else:
        headers.extend(CORS_HEADERS)
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response | str:
    if request.method == "OPTIONS":
        return Response(status=204)
    query, params = _protocol_request()
    if query is None or (request.method != "POST" and _prefers_html(params)):
        return _no_query(params) if query is None else _ui()
    base = current_app.config["BASE_IRI"]
    checked = check_query(query, store.graph_names, params.getlist("default-graph-uri"),
                          params.getlist("named-graph-uri"), base_iri=base, parse=runner.parse)
    # The form is known from the parse, so the format is chosen before the query runs: the
    # engine then writes the answer in it, once, and a 406 costs no query.
    offer = choose(GRAPH_OFFERS if checked.form in GRAPH_FORMS else RESULTS_OFFERS,
                   params=params)
    assert offer.syntax is not None
    answer = runner.run(query, checked.default_graph_uris, checked.named_graph_uris,
                        base_iri=base, syntax=offer.syntax,
                        cacheable=not checked.can_read(store.namespaces.graphs.COMMUNITY),
                        default_graph_only=checked.reads_default_graph_only)
    response = respond(_body(answer, offer), offer)
    if answer.cached:
        response.headers[CACHE_HEADER] = "hit"
    response.headers[ROW_LIMIT_HEADER] = str(runner.max_rows)
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    return response


def _body(answer: Answer, offer: Offer) -> bytes:
    """The answer's bytes: as the engine wrote them, or written here from its QueryResult
    (remote engines, and JSON-LD graphs, which we compact with our prefixes)."""
    if answer.data is not None:
        return answer.data
    result = answer.result
    assert result is not None
    if result.is_graph:
        assert isinstance(offer.syntax, RdfSyntax) and result.graph is not None
        return serialize(result.graph, offer.syntax)
    assert isinstance(offer.syntax, ResultsSyntax)
    return result.serialize(offer.syntax)


def _protocol_request() -> tuple[str | None, MultiDict[str, str]]:
    """The query and the other parameters of a GET (or HEAD), a form POST or a direct POST."""
    if request.method != "POST":
        params = _utf8_params(request.query_string, "query string")
    else:
        content_type = (request.mimetype or "").lower()
        if content_type == FORM_CONTENT_TYPE:
            params = _utf8_params(request.get_data(), "form body")
            for key, value in _utf8_params(request.query_string, "query string").items(multi=True):
                if key not in ("query", "update"):
                    params.add(key, value)
        elif content_type == QUERY_CONTENT_TYPE:
            params = _utf8_params(request.query_string, "query string")
            try:
                text = request.get_data().decode("utf-8")
            except UnicodeDecodeError:
                abort(400, description="The query body is not UTF-8.")
            return text, params
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
    return query, params


def _utf8_params(raw: bytes, where: str) -> MultiDict[str, str]:
    """URL-encoded parameters, decoded strictly: werkzeug would replace bytes that are not
    UTF-8 with U+FFFD and run a query nobody sent."""
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        abort(400, description=f"The {where} is not UTF-8: percent-encode the query's UTF-8 "
                               "bytes.")
    return MultiDict(pairs)


def _prefers_html(params: MultiDict[str, str]) -> bool:
    """A browser following a permalink: open the query in the UI instead of running it."""
    if params.get("format"):
        return False
    if "text/html" not in request.headers.get("Accept", "").lower():
        return False  # the common case, decided without parsing the header
    offers = ["text/html", *(o.media_type for o in RESULTS_OFFERS)]
    accept = accepted()
    # Only an explicit text/html counts: SPARQL clients that send */* want results.
    explicit = any(value == "text/html" for value, _ in accept)
    return explicit and accept.best_match(offers) == "text/html"


def _no_query(params: MultiDict[str, str]) -> Response | str:
    offer = choose([HTML_OFFER, *rdf_offers()], params=params)
    if offer.is_html:
        return _ui()
    assert isinstance(offer.syntax, RdfSyntax)
    graph = descriptions.service_description(request.base_url,
                                             limits.described(current_app.config),
                                             store.namespaces)
    return respond(serialize(graph, offer.syntax), offer)


def _ui() -> str:
    # From the examples graph the build wrote, as any client would read them.
    examples = [asdict(example) for example in ui_examples(store)]
    config = {
        "endpoint": url_for("sparql.endpoint"),
        "prefixes": store.namespaces.PREFIXES,
        "examples": examples,
        "query": request.args.get("query", ""),
        "timeoutSeconds": current_app.config["QUERY_TIMEOUT"],
        "localBases": local_bases(),
        "schemaUrl": url_for("schema.schema_json"),
        "searchUrl": url_for("api.search"),
    }
    return render_template("sparql/ui.html", config=config, examples=examples,
                           prefixes=config["prefixes"],
                           limits=limits.described(current_app.config))
