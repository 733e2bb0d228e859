"""The community graph on every backend: the embedded journalled store and each remote engine.

Exact counts under concurrent votes, changes and withdrawals; the graph queryable by name and
never in the default graph, the union or the curated dump; a rebuild's swap keeps it; its own
dump round-trips through export and import. Tests on shared engines empty the graph after.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.community import Community, item_path
from kg.formats import RDF_FORMATS
from kg.namespaces import CANONICAL, ID, Graphs
from kg.store import RemoteStore, Store
from kg.store.journal import JournalledStore
from tests.isomorphism import same_graph

CLAIM = URIRef(ID + "claim/acupuncture--restless-legs-syndrome")
REMEDY = URIRef(ID + "remedy/acupuncture")


@pytest.fixture
def community(engine, store: Store, tmp_path: Path) -> Iterator[Community]:
    """A community over the backend under test (a journal beside the embedded store)."""
    if engine is None:
        writer: Store = JournalledStore(tmp_path / "community.jsonl")
    else:
        writer = engine.store()
        writer.serve_graph(Graphs.COMMUNITY)  # type: ignore[attr-defined]
    found = Community(writer, b"test-secret")
    try:
        yield found
    finally:
        found.clear()
        writer.close()


def test_concurrent_votes_end_with_exact_counts(community: Community):
    # 8 clients, each casting, changing and withdrawing votes of its own visitors.
    per_client = 25

    def client(n: int) -> None:
        for i in range(per_client):
            visitor = f"client-{n}-visitor-{i}"
            community.vote(CLAIM, visitor, "down")
            community.vote(CLAIM, visitor, "up")        # a change, not a second vote
            if i % 5 == 0:
                community.vote(CLAIM, visitor, None)    # withdrawn

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    withdrawn = 8 * len(range(0, per_client, 5))
    assert community.votes(CLAIM) == {"up": 8 * per_client - withdrawn, "down": 0}
    # The counters agree with the votes they count.
    rows = community._select(f"""SELECT (COUNT(?v) AS ?n) WHERE {{ GRAPH <{Graphs.COMMUNITY}> {{
        ?v a schema:LikeAction ; schema:object <{CLAIM}> }} }}""")
    assert int(rows[0]["n"]) == 8 * per_client - withdrawn


def test_the_graph_is_named_never_default_and_never_in_the_curated_dump(
        community: Community, store: Store, engine):
    community.vote(REMEDY, "v", "up")
    community.post(CLAIM, "Discussion", "Ann", 'text with "quotes", \\ and\nlines')
    store.graph_names()  # another client wrote: a remote store's list of graphs is cached
    named = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{Graphs.COMMUNITY}> "
                        "{ ?s ?p ?o } }")
    if engine is not None:  # the embedded site keeps it in the journal, not the curated store
        assert int(named.rows[0][0]) > 0
    default = store.query("SELECT * WHERE { ?s a <http://rdfs.org/sioc/ns#Post> }")
    assert default.rows == []
    buffer = io.BytesIO()
    store.dump(buffer, RDF_FORMATS["nquads"])
    assert Graphs.COMMUNITY.encode() not in buffer.getvalue()
    [post] = community.thread(CLAIM)
    assert post.text == 'text with "quotes", \\ and\nlines'


def test_a_rebuild_swap_keeps_the_community_graph(community: Community, store: Store, engine):
    if engine is None:
        pytest.skip("the embedded community graph is a journal no build touches "
                    "(test_community_durability runs `kg build`)")
    community.vote(CLAIM, "v", "down")
    dataset = store.dataset()
    curated = {name: Graph() for name in Graphs.ALL}
    for name, graph in curated.items():
        for triple in dataset.graph(URIRef(name)):
            graph.add(triple)
    store.replace_graphs(curated)  # what `kg build` does, with the same data
    assert isinstance(store, RemoteStore)
    assert community.votes(CLAIM) == {"up": 0, "down": 1}
    assert store.query("SELECT * WHERE { ?v a <https://schema.org/DislikeAction> }").rows == []


def test_the_community_dump_round_trips_through_export_and_import(
        community: Community, tmp_path: Path):
    community.vote(CLAIM, "v", "up")
    community.report_outcome(CLAIM, "v", "helped-somewhat", "sore <arm>")
    community.post(REMEDY, "Community Discussion", "Bo", "ünïcode ✓")
    exported = io.BytesIO()
    community.store.dump(exported, RDF_FORMATS["turtle"], graph=Graphs.COMMUNITY)
    graph = Graph().parse(data=exported.getvalue(), format="turtle")
    assert len(graph) > 20
    community.clear()
    assert community.votes(CLAIM) == {"up": 0, "down": 0}
    community.import_graph(graph)
    again = io.BytesIO()
    community.store.dump(again, RDF_FORMATS["ntriples"], graph=Graphs.COMMUNITY)
    assert same_graph(graph, Graph().parse(data=again.getvalue(), format="nt"))
    assert community.votes(CLAIM) == {"up": 1, "down": 0}
    assert community.outcomes(CLAIM).counts["helped-somewhat"] == 1


def test_items_outside_the_dataset_are_refused():
    with pytest.raises(ValueError, match="not an entity of this dataset"):
        item_path(URIRef("http://example.org/x"), CANONICAL)


def test_a_vote_through_the_app_is_at_the_engines_sparql_at_once(engine, store: Store):
    if engine is None:
        pytest.skip("the embedded site: test_community.py")
    from tests.conftest import make_app

    app = make_app(store, SECRET_KEY="k", COMMUNITY_RATE_LIMIT="")
    client = app.test_client()
    try:
        response = client.post("/community/vote", data={
            "item": "claim/acupuncture--restless-legs-syndrome", "direction": "down"},
            headers={"Sec-Fetch-Site": "same-origin"})
        assert response.status_code == 303
        answer = client.post("/sparql", data={"query": f"""
            SELECT (COUNT(?v) AS ?n) WHERE {{ GRAPH <{Graphs.COMMUNITY}> {{
              ?v a <https://schema.org/DislikeAction> }} }}"""},
            headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.get_json()["results"]["bindings"][0]["n"]["value"] == "1"
    finally:
        app.extensions["kg_community"].clear()


def test_the_community_revision_moves_with_every_write_seen_by_every_reader(tmp_path):
    from kg.store import OxigraphStore
    from kg.store.journal import FollowingStore

    journal = tmp_path / "c.jsonl"
    with JournalledStore(journal) as writer:
        written, following = Community(writer, b"k"), Community(FollowingStore(journal), b"k")
        before = written.revision()
        assert following.revision() == before
        written.vote(CLAIM, "a-visitor", "up")
        assert written.revision() != before
        assert following.revision() == written.revision()  # read from the journal itself
    memory = Community(OxigraphStore(None), b"k")
    before = memory.revision()
    memory.vote(CLAIM, "a-visitor", "up")
    assert memory.revision() != before is not None
