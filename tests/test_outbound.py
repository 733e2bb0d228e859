"""No request and no data file can make the app or the build call out.

Two counters: a listener on loopback that every attack names (it sees connections from any
code, the Rust engine's included), and an audit hook that sees every socket.connect made by
Python code in this process. Both must stay at 0.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest

from kg.build import build
from kg.load import LoadError, load_files
from kg.store import OxigraphStore
from tests.conftest import copy_project, write


@dataclass
class Outbound:
    url: str
    accepted: int = 0
    connects: int = 0
    counting: bool = False
    # The app's own remote engine: talking to it is the store's job, not calling out.
    allowed: set[tuple[str, int]] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.accepted + self.connects


@pytest.fixture(scope="module")
def outbound() -> Iterator[Outbound]:
    server = socket.create_server(("127.0.0.1", 0))
    record = Outbound(f"http://127.0.0.1:{server.getsockname()[1]}/ctx")

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            record.accepted += 1
            conn.close()

    def audit(event: str, args: tuple) -> None:
        # Network addresses are tuples; the query workers' Unix sockets are paths.
        if record.counting and event == "socket.connect" and isinstance(args[1], tuple) \
                and tuple(args[1][:2]) not in record.allowed:
            record.connects += 1

    sys.addaudithook(audit)  # hooks cannot be removed; `counting` switches this one off
    threading.Thread(target=accept, daemon=True).start()
    yield record
    record.counting = False
    server.close()


@pytest.fixture
def counted(outbound: Outbound) -> Iterator[Outbound]:
    outbound.accepted = outbound.connects = 0
    outbound.allowed = set()
    outbound.counting = True
    yield outbound
    outbound.counting = False


def request_attacks(url: str) -> dict[str, str]:
    enc = quote(url, safe="")
    ask = quote("ASK {}")
    return {
        "SERVICE IRI": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SERVICE SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SERVICE variable": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "SERVICE in OPTIONAL": "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT "
                               f"<{url}> {{ ?s ?q ?r }} }} }} LIMIT 1",
        # The engine ends a comment at a bare CR, as SPARQL does; rdflib ran it to the LF.
        "SERVICE after a comment ended by CR": f"SELECT * WHERE {{ # note\rSERVICE <{url}> "
                                               "{ ?s ?p ?o }\n}",
        # '<?b)SERVICE#>' reads as an IRI to a tokenizer, as less-than and a comment to the engine.
        "SERVICE behind a less-than": "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<?b)SERVICE#>\n"
                                      f"<{url}> {{ ?s ?p ?o }} }}",
        # rdflib expanded the escape before reading a token, so a string hid the SERVICE.
        "SERVICE behind an escaped quote": "SELECT * WHERE { OPTIONAL { ?s ?p \"a\\u0022, '\" } "
                                           f"SERVICE <{url}> {{ ?s ?p ?o }} # ' }}\n}}",
        # The screen took the line "# ''' AS ?y) SERVICE ..." for a comment and passed it.
        "SERVICE after a long string": "SELECT * WHERE { BIND('''x\n# ''' AS ?y) "
                                       f"SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "FROM": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "FROM NAMED": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "LOAD": f"LOAD <{url}>",
        "DESCRIBE": f"DESCRIBE <{url}>",
        "default-graph-uri": f"/sparql?query={ask}&default-graph-uri={enc}",
        "named-graph-uri": f"/sparql?query={ask}&named-graph-uri={enc}",
        "entity path": f"/id/remedy/{enc}",
        "entity as JSON-LD": "/id/remedy/acupuncture?format=jsonld",
        "JSON-LD context": "/context.jsonld",
        "search text": f"/api/search?q={enc[:90]}",
        "query UI permalink": f"/sparql?query={quote('SERVICE <' + url + '> {}')}",
    }


@pytest.mark.parametrize("name", list(request_attacks("http://x/")))
def test_no_request_makes_the_app_call_out(client, store, counted: Outbound, name: str) -> None:
    counted.allowed = _engine_addresses(store)
    attack = request_attacks(counted.url)[name]
    path = attack if attack.startswith("/") else "/sparql?query=" + quote(attack)
    for accept in ("application/sparql-results+json", "text/html", "application/ld+json"):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code < 500, response.get_data(as_text=True)[:300]
    response = client.post("/sparql", data={"query": attack}) if not attack.startswith("/") \
        else None
    assert response is None or response.status_code < 500
    assert counted.total == 0, f"{name}: {counted.accepted} accepted, {counted.connects} connects"


def _engine_addresses(store) -> set[tuple[str, int]]:
    """Where a remote store's engine listens (nothing for the embedded store)."""
    endpoints = getattr(store, "endpoints", None)
    if endpoints is None:
        return set()
    urls = (endpoints.query, endpoints.update, endpoints.graph_store)
    return {(str(p.hostname), p.port or 80) for p in (urlsplit(u) for u in urls if u)}


def data_file_attacks(url: str) -> dict[str, tuple[str, str]]:
    return {
        "owl:imports in data": ("data/imports.ttl", f"""
            @prefix owl: <http://www.w3.org/2002/07/owl#> .
            <https://w3id.org/remedy-kg/id/dataset/extra> owl:imports <{url}> ."""),
        "owl:imports in shapes": ("shapes/imports.ttl", f"""
            @prefix owl: <http://www.w3.org/2002/07/owl#> .
            <https://w3id.org/remedy-kg/shapes/extra> a owl:Ontology ; owl:imports <{url}> ."""),
        "remote JSON-LD context": ("data/remote.jsonld",
                                   f'{{"@context": "{url}", "@id": "http://e/a", "label": "x"}}'),
        "RDF/XML external entity": ("data/xxe.rdf", f"""<?xml version="1.0"?>
            <!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "{url}"> ]>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                     xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
              <rdf:Description rdf:about="http://e/a"><rdfs:label>&ext;</rdfs:label>
              </rdf:Description></rdf:RDF>"""),
    }


@pytest.mark.parametrize("name", list(data_file_attacks("http://x/")))
def test_no_data_file_makes_the_build_call_out(project, tmp_path, counted: Outbound,
                                               name: str) -> None:
    copy = copy_project(project, tmp_path)
    relative, text = data_file_attacks(counted.url)[name]
    path = write(tmp_path / relative, text)
    if path.suffix == ".ttl":
        # Turtle cannot fetch; owl:imports is data, never followed (nor by pySHACL).
        with OxigraphStore(None) as store:
            build(copy, store)
    else:
        # Syntaxes that could fetch are refused, naming the file, before any parsing.
        with pytest.raises(LoadError, match=path.name):
            load_files([path])
    assert counted.total == 0, f"{name}: {counted.accepted} accepted, {counted.connects} connects"


def test_the_counters_can_see_a_connection(counted: Outbound) -> None:
    # Without this, a broken listener or hook would pass every test above.
    with socket.create_connection(("127.0.0.1", int(counted.url.split(":")[2].split("/")[0]))):
        pass
    deadline = threading.Event()
    for _ in range(50):
        if counted.accepted:
            break
        deadline.wait(0.02)
    assert counted.accepted == 1 and counted.connects == 1
