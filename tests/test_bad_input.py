"""Every route gets bad input right: a 4xx with a message saying what was wrong, never a 500,
a stack trace or a hang, and the store unchanged afterwards.

One table, one test: each case is a request and what must come back.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from kg.formats import RDF_FORMATS

LISTENER = "http://127.0.0.1:1/never"  # nothing listens there; the guard must refuse first
DEEP = "SELECT * WHERE " + "{ " * 2000 + "?s ?p ?o" + " }" * 2000


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    status: int
    says: str  # a fragment of the message, case-insensitive
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes | str | dict[str, str] | None = None
    content_type: str | None = None


def q(text: str) -> str:
    return "/sparql?query=" + quote(text)


FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"

CASES = [
    # -- the SPARQL endpoint: protocol
    Case("malformed query", q("SELECT WHERE {"), 400, "syntax"),
    Case("two query parameters", "/sparql?query=ASK{}&query=ASK{}", 400, "exactly one query"),
    Case("empty query", "/sparql?query=%20", 400, "empty"),
    Case("POST without Content-Type", "/sparql", 415, "no content-type", method="POST",
         data=b"ASK {}"),
    Case("POST with a wrong Content-Type", "/sparql", 415, "text/plain", method="POST",
         data=b"ASK {}", content_type="text/plain"),
    Case("POST body not UTF-8", "/sparql", 400, "not utf-8", method="POST",
         data="ASK { ?s ?p 'caf\xe9' }".encode("latin-1"), content_type=DIRECT),
    Case("PUT on the endpoint", "/sparql", 405, "not allowed", method="PUT", data=b"ASK {}"),
    Case("DELETE on the endpoint", "/sparql", 405, "not allowed", method="DELETE"),
    Case("PATCH on the endpoint", "/sparql", 405, "not allowed", method="PATCH"),
    Case("unsatisfiable Accept", q("SELECT * WHERE { ?s ?p ?o } LIMIT 1"), 406, "offered as",
         headers={"Accept": "image/png"}),
    Case("garbage Accept", q("SELECT * WHERE { ?s ?p ?o } LIMIT 1"), 406, "offered as",
         headers={"Accept": "%%%;;;,,,garbage"}),
    Case("unknown ?format=", q("SELECT * WHERE { ?s ?p ?o } LIMIT 1") + "&format=bogus", 400,
         "unknown format"),
    Case("graph format for a SELECT", q("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
         + "&format=turtle", 400, "unknown format"),
    Case("format with a CRLF", q("ASK {}") + "&format=json%0D%0ASet-Cookie:x=1", 400,
         "unknown format"),
    # -- read-only: updates in every costume
    Case("update parameter", "/sparql?update=" + quote("INSERT DATA { <a:a> <a:b> <a:c> }"),
         400, "read-only"),
    Case("update in a form POST", "/sparql", 400, "read-only", method="POST",
         data={"update": "CLEAR ALL"}),
    Case("INSERT DATA as a query", q("INSERT DATA { <a:a> <a:b> <a:c> }"), 400, "read-only"),
    Case("DELETE WHERE as a query", q("DELETE WHERE { ?s ?p ?o }"), 400, "read-only"),
    Case("LOAD as a query", q(f"LOAD <{LISTENER}>"), 400, "read-only"),
    Case("CLEAR ALL directly POSTed", "/sparql", 400, "read-only", method="POST",
         data=b"CLEAR ALL", content_type=DIRECT),
    Case("DROP GRAPH in a form", "/sparql", 400, "read-only", method="POST",
         data={"query": "DROP GRAPH <https://w3id.org/remedy-kg/graph/data>"}),
    # -- no outbound calls
    Case("SERVICE with an IRI", q(f"SELECT * WHERE {{ SERVICE <{LISTENER}> {{ ?s ?p ?o }} }}"),
         400, "service"),
    Case("SERVICE SILENT", q(f"SELECT * WHERE {{ SERVICE SILENT <{LISTENER}> {{ ?s ?p ?o }} }}"),
         400, "service"),
    Case("SERVICE with a variable",
         q(f"SELECT * WHERE {{ VALUES ?e {{ <{LISTENER}> }} SERVICE ?e {{ ?s ?p ?o }} }}"),
         400, "service"),
    Case("SERVICE in a subquery", q("SELECT * WHERE { { SELECT ?s WHERE { OPTIONAL { SERVICE "
                                    f"<{LISTENER}> {{ ?s ?p ?o }} }} }} }} }}"), 400, "service"),
    Case("SERVICE in FILTER EXISTS", q("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE "
                                       f"<{LISTENER}> {{ ?s ?p ?o }} }} }}"), 400, "service"),
    # (FROM, FROM NAMED or a graph parameter naming a URL is no error: SPARQL reads a graph it
    # cannot get as empty; tests/test_protocol_conformance.py answers them, fetching nothing.)
    Case("named-graph-uri not an IRI", q("ASK {}") + "&named-graph-uri=not%20an%20iri", 400,
         "named-graph-uri"),
    Case("default-graph-uri empty", q("ASK {}") + "&default-graph-uri=", 400,
         "default-graph-uri"),
    # -- size and shape
    Case("deeply nested query", "/sparql", 400, "nest", method="POST", data=DEEP.encode(),
         content_type=DIRECT),
    Case("query longer than a URL may be", q("ASK { ?s ?p '" + "x" * 20_000 + "' }"), 414,
         "post"),
    Case("body larger than allowed", "/sparql", 413, "larger", method="POST",
         data=b"ASK { ?s ?p '" + b"x" * 3_000_000 + b"' }", content_type=DIRECT),
    # -- entity pages: parameters are bound, never spliced
    Case("SPARQL in an entity slug", "/id/remedy/" + quote("x> } ; DROP ALL ; #", safe=""),
         404, "no remedy"),
    Case("quotes in an entity slug", "/id/remedy/" + quote("a\"'<script>", safe=""), 404,
         "no remedy"),
    Case("path traversal in an entity path", "/id/remedy/..%2F..%2F..%2Fetc%2Fpasswd", 404,
         "not found"),
    Case("unknown entity family", "/id/spell/abracadabra", 404, "not found"),
    Case("NUL byte in a slug", "/id/remedy/acu%00puncture", 404, "no remedy"),
    Case("unknown ?format= on an entity", "/id/remedy/acupuncture?format=exe", 400,
         "unknown format"),
    Case("unknown suffix on an entity", "/id/remedy/acupuncture.exe", 404, "no remedy"),
    Case("unsatisfiable Accept on an entity", "/id/remedy/acupuncture", 406, "offered",
         headers={"Accept": "image/png"}),
    Case("POST to an entity page", "/id/remedy/acupuncture", 405, "not allowed",
         method="POST", data=b"x"),
    # -- downloads, questions, browse, ontology
    Case("path traversal in a download", "/downloads/..%2F..%2Fetc%2Fpasswd.ttl", 404,
         "not found"),
    Case("unknown download part", "/downloads/secrets.ttl", 404, "not found"),
    Case("unknown download format", "/downloads/dataset.exe", 404, "not found"),
    Case("unknown canned question", "/questions/drop-all", 404, "not found"),
    Case("unknown browse type", "/browse/" + quote("<script>", safe=""), 404, "not found"),
    Case("unknown format for the ontology", "/ontology?format=bogus", 400, "unknown format"),
    # -- the JSON API
    Case("search without text", "/api/search", 400, "search text"),
    Case("search text only spaces", "/api/search?q=%20%20", 400, "search text"),
    Case("search text too long", "/api/search?q=" + "a" * 101, 400, "longer than"),
    Case("search limit not a number", "/api/search?q=acu&limit=ten", 400, "whole number"),
    Case("search limit zero", "/api/search?q=acu&limit=0", 400, "between"),
    Case("search limit huge", "/api/search?q=acu&limit=99999999999999999999", 400, "between"),
    Case("POST to the search API", "/api/search?q=acu", 405, "not allowed", method="POST"),
    Case("unknown API route", "/api/../../sparql/../api/nothing", 404, "not found"),
]


def fingerprint(store) -> str:
    """A digest of everything the store holds (blank nodes canonicalised, RDFC-1.0)."""
    dump = io.BytesIO()
    store.dump(dump, RDF_FORMATS["nquads"])
    dataset = ox.Dataset(ox.parse(dump.getvalue(), format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return hashlib.sha256("\n".join(sorted(str(q) for q in dataset)).encode()).hexdigest()


@pytest.fixture(scope="module")
def before(store) -> tuple[str, dict[str, int]]:
    return fingerprint(store), {g: store.count(g) for g in store.graph_names()}


def test_the_table_covers_every_route() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    prefixes = ("/sparql", "/id/", "/downloads", "/questions", "/browse", "/ontology", "/api")
    for prefix in prefixes:
        assert any(c.path.startswith(prefix) for c in CASES), prefix


# Every case is refused by our own code before any engine is asked; on the remote engines one
# case shows it, and the byte-for-byte test below sends them all and checks the store.
@pytest.mark.remote_engines_once(case=CASES[0])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_a_clear_4xx_and_changes_nothing(client, store, before, case) -> None:
    kwargs: dict = {"method": case.method, "headers": case.headers}
    if case.data is not None:
        kwargs["data"] = case.data
    if case.content_type:
        kwargs["content_type"] = case.content_type
    response = client.open(case.path, **kwargs)
    body = response.get_data(as_text=True)
    assert response.status_code == case.status, body[:500]
    if response.is_json:
        error = response.get_json()
        message = f"{error['error']}: {error['message']}"
    else:
        assert response.mimetype == "text/html"
        assert '<header class="site">' in body  # the site's layout
        message = body
    assert case.says.lower() in message.lower(), message[:500]
    assert "Traceback" not in body
    counts = {g: store.count(g) for g in store.graph_names()}
    assert counts == before[1]


def test_the_store_is_byte_for_byte_the_same_after_the_table(client, store, before) -> None:
    for case in CASES:
        client.open(case.path, method=case.method, headers=case.headers, data=case.data,
                    content_type=case.content_type)
    assert fingerprint(store) == before[0]


@pytest.mark.remote_engines_once(name="nquads")
@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_every_rdf_format_is_downloadable(client, name: str) -> None:
    # The reference point for the download cases above: the right names do work.
    syntax = RDF_FORMATS[name]
    response = client.get(f"/downloads/remedy-kg.{syntax.extension}")
    assert response.status_code == 200, name
