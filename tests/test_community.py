"""Community routes through the Flask test client: votes, posts, reports, outcome reports, and
what they must refuse (missing CSRF token, unknown items, oversize or empty text, too many
writes). The embedded store only: the routes do not depend on the engine (see
test_community_store.py for the engines)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from flask import session as flask_session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from rdflib import URIRef

from kg.namespaces import ID, Graphs
from kg.store import Store
from tests.conftest import make_app

CLAIM = "claim/acupuncture--restless-legs-syndrome"
REMEDY = "remedy/acupuncture"
pytestmark = pytest.mark.parametrize("engine", ["embedded"], indirect=True)


@pytest.fixture
def app(store: Store, tmp_path: Path):
    return make_app(store, COMMUNITY_JOURNAL=str(tmp_path / "community.jsonl"),
                    SECRET_KEY="test-secret", COMMUNITY_RATE_LIMIT="")


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


def page(client: FlaskClient, item: str = CLAIM, **args: str) -> str:
    response = client.get(f"/id/{item}", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def token(client: FlaskClient) -> str:
    """A valid CSRF token for the client's session, as a page's forms carry (pages take seconds
    on a busy machine, so only test_forms_carry_a_working_token reads one off a page)."""
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    with client.application.test_request_context():
        flask_session["csrf_token"] = raw
        return generate_csrf()  # signs the session's raw token, as a page would


def community(client: FlaskClient):
    return client.application.extensions["kg_community"]


def votes(client: FlaskClient, item: str = CLAIM) -> tuple[int, int]:
    found = community(client).votes(URIRef(ID + item))
    return found["up"], found["down"]


def send(client: FlaskClient, route: str, **form: str | None):
    """POST a community form with a valid token; `item` defaults to the claim, None omits it."""
    form.setdefault("item", CLAIM)
    data = {"csrf_token": token(client), **{k: v for k, v in form.items() if v is not None}}
    return client.post(f"/community/{route}", data=data)


def counts(html: str) -> tuple[int, int]:
    match = re.search(r'<span class="up">(\d+) up</span> · <span class="down">(\d+) down', html)
    assert match, "no vote counts on the page"
    return int(match.group(1)), int(match.group(2))


def sparql(client: FlaskClient, query: str) -> list[dict]:
    response = client.post("/sparql", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]["bindings"]


def test_forms_carry_a_working_token(client):
    html = page(client)
    assert counts(html) == (0, 0)
    assert html.count('name="csrf_token"') >= 3  # votes, outcome, new post
    tok = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/community/vote", data={"csrf_token": tok, "item": CLAIM,
                                                     "direction": "up"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/id/{CLAIM}#votes")
    html = page(client)
    assert counts(html) == (1, 0)
    assert "You voted up." in html


def test_a_new_page_shows_zero_votes_and_invites_the_first_post(client):
    html = page(client)
    assert counts(html) == (0, 0)
    assert "Discussion for Restless legs syndrome" in html
    assert "No one has posted yet. Be the first" in html
    remedy = page(client, REMEDY)
    assert ("Community Discussion — share results, tips, and questions about Acupuncture"
            in remedy)
    assert counts(remedy) == (0, 0)


def test_a_vote_counts_once_per_visitor_changes_and_withdraws(client):
    assert send(client, "vote", direction="up").status_code == 303
    assert send(client, "vote", direction="up").status_code == 303  # the same vote again
    assert votes(client) == (1, 0)
    send(client, "vote", direction="down")
    assert votes(client) == (0, 1)
    other = client.application.test_client()  # a second visitor (its own cookie)
    send(other, "vote", direction="down")
    assert votes(client) == (0, 2)
    send(client, "vote", direction="withdraw")
    html = page(client)
    assert counts(html) == (0, 1)
    assert "You voted" not in html


def test_votes_and_counters_are_in_the_community_graph_at_once(client):
    send(client, "vote", direction="up")
    send(client, "vote", item=REMEDY, direction="down")
    rows = sparql(client, f"""PREFIX schema: <https://schema.org/>
        SELECT ?item ?type ?n WHERE {{ GRAPH <{Graphs.COMMUNITY}> {{
          ?item schema:interactionStatistic ?c . ?c schema:interactionType ?type ;
          schema:userInteractionCount ?n }} }}""")
    found = {(r["item"]["value"].rsplit("/", 1)[1], r["type"]["value"].rsplit("/", 1)[1]):
             int(r["n"]["value"]) for r in rows}
    assert found[("acupuncture--restless-legs-syndrome", "LikeAction")] == 1
    assert found[("acupuncture", "DislikeAction")] == 1
    # Apart from the curated data: the default graph has none of it.
    assert not sparql(client, "SELECT * WHERE { ?v a <https://schema.org/LikeAction> }")
    # No visitor id or address in the graph: only keyed hashes name the votes.
    dump = client.get("/downloads/community.nt").get_data(as_text=True)
    assert "127.0.0.1" not in dump
    assert "LikeAction" in dump


def test_the_curated_download_never_holds_the_community_graph(client):
    send(client, "vote", direction="up")
    send(client, "post", name="Ann", text="It helped my sleep.")
    curated = client.get("/downloads/remedy-kg.nq").get_data(as_text=True)
    assert Graphs.COMMUNITY not in curated and "It helped my sleep." not in curated
    community = client.get("/downloads/community.ttl").get_data(as_text=True)
    assert "It helped my sleep." in community


def test_missing_or_wrong_csrf_token_is_refused_and_nothing_stored(client):
    page(client)
    response = client.post("/community/vote", data={"item": CLAIM, "direction": "up"})
    assert response.status_code == 400
    assert "CSRF token is missing" in response.get_data(as_text=True)
    response = client.post("/community/post", data={"item": CLAIM, "text": "hi",
                                                     "csrf_token": "forged"})
    assert response.status_code == 400
    assert votes(client) == (0, 0)
    assert community(client).thread(URIRef(ID + CLAIM)) == []


@pytest.mark.parametrize(("form", "status", "message"), [
    ({"item": "claim/no-such-claim", "direction": "up"}, 404, "no claim called"),
    ({"item": "study/chae-2023-jar-acupuncture-rls-rct-review", "direction": "up"}, 400,
     "names no claim or remedy"),
    ({"item": "claim/../../etc", "direction": "up"}, 400, "names no claim or remedy"),
    ({"item": CLAIM, "direction": "sideways"}, 400, "up, down or withdraw"),
])
def test_bad_votes_are_refused(client, form, status, message):
    response = send(client, "vote", **form)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert votes(client) == (0, 0)


def test_posts_are_shown_as_text_never_as_html(client):
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    assert send(client, "post", name="<b>Eve</b>", text=script).status_code == 303
    html = page(client)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Eve" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html


@pytest.mark.parametrize(("form", "status", "message"), [
    ({"text": "   "}, 400, "text is empty"),
    ({"text": "x" * 4001}, 413, "over the limit of 4000"),
    ({"text": "hi", "name": "n" * 61}, 413, "name is 61 characters long"),
    ({"text": "bell\x07"}, 400, "control characters"),
    ({"text": "hi", "parent": "0" * 32}, 404, "no such post"),
    ({"text": "hi", "parent": "not-a-post"}, 400, "names no post"),
])
def test_bad_posts_are_refused_and_nothing_shown(client, form, status, message):
    response = send(client, "post", **form)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert community(client).thread(URIRef(ID + CLAIM)) == []


def test_a_body_over_the_request_limit_is_a_413(store, tmp_path):
    app = make_app(store, COMMUNITY_JOURNAL=str(tmp_path / "c.jsonl"), SECRET_KEY="k",
                   MAX_REQUEST_BYTES=1000)
    client = app.test_client()
    response = send(client, "post", text="x" * 2000)
    assert response.status_code == 413
    assert "larger than the limit of 1000 bytes" in response.get_data(as_text=True)


def test_replies_order_and_hiding_after_reports(app, client):
    send(client, "post", name="Ann", text="first post")
    send(client, "post", name="Bob", text="second post")
    html = page(client)
    assert html.index("second post") < html.index("first post")  # newest first by default
    html = page(client, order="oldest")
    assert html.index("first post") < html.index("second post")
    first = re.search(r'id="post-([0-9a-f]{32})"[^§]*?first post', html).group(1)
    assert send(client, "post", name="Cy", text="a reply", parent=first).status_code == 303
    html = page(client, order="oldest")
    assert re.search(r'class="replies">.*a reply', html, re.S)
    # Reports: one per visitor; the third visitor's hides the post (and its replies).
    visitors = [client] + [app.test_client() for _ in range(2)]
    def shown() -> list[str]:
        return [p.text for p in community(client).thread(URIRef(ID + CLAIM))]

    send(visitors[0], "flag", item=None, post=first)
    send(visitors[0], "flag", item=None, post=first)
    assert "first post" in shown()
    send(visitors[1], "flag", item=None, post=first)
    assert "first post" in shown()
    assert send(visitors[2], "flag", item=None, post=first).status_code == 303
    html = page(client)
    assert "first post" not in html and "a reply" not in html and "second post" in html
    response = send(client, "post", text="reply to hidden", parent=first)
    assert response.status_code == 409
    assert send(client, "flag", item=None, post="f" * 32).status_code == 404


def test_outcome_reports_are_counted_apart_and_change_no_evidence_level(client, app):
    before = page(client)
    level = re.search(r"<th>Evidence level</th><td>(.*?)</td>", before, re.S).group(1)
    assert "No one has reported their own outcome yet." in before
    send(client, "outcome", outcome="helped-a-lot", side_effects="mild <b>bruising</b>")
    send(client, "outcome", outcome="helped-somewhat", side_effects="")  # replaces the first
    send(app.test_client(), "outcome", outcome="worse", side_effects="")
    html = page(client)
    assert "Self-reported by 2 people" in html
    assert re.search(r"<th>Helped somewhat</th><td>1</td>", html)
    assert re.search(r"<th>Made it worse</th><td>1</td>", html)
    assert re.search(r"<th>Helped a lot</th><td>0</td>", html)
    assert "mild <b>" not in html
    assert re.search(r"<th>Evidence level</th><td>(.*?)</td>", html, re.S).group(1) == level
    response = send(client, "outcome", outcome="cured")
    assert response.status_code == 400
    assert send(client, "outcome", item=REMEDY, outcome="worse").status_code == 400


def test_community_writes_are_rate_limited(store, tmp_path):
    app = make_app(store, COMMUNITY_JOURNAL=str(tmp_path / "c.jsonl"), SECRET_KEY="k",
                   COMMUNITY_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert send(client, "vote", direction="up").status_code == 303
    assert send(client, "vote", direction="down").status_code == 303
    response = send(client, "vote", direction="withdraw")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert votes(client) == (0, 1)
    assert client.get("/id/remedy/acupuncture.ttl").status_code == 200  # reads go on


def test_the_community_survives_a_new_app_on_the_same_journal(store, tmp_path):
    journal = str(tmp_path / "c.jsonl")
    client = make_app(store, COMMUNITY_JOURNAL=journal, SECRET_KEY="k").test_client()
    send(client, "vote", direction="up")
    send(client, "post", name="Ann", text="kept across restarts")
    community(client).store.close()  # as a stopped server would
    from kg.store.journal import JournalledStore

    again = make_app(store, COMMUNITY_JOURNAL=journal, SECRET_KEY="k").test_client()
    assert isinstance(community(again).store, JournalledStore)
    assert community(again).store is not community(client).store
    assert votes(again) == (1, 0)
    assert [p.text for p in community(again).thread(URIRef(ID + CLAIM))] == [
        "kept across restarts"]


def test_statistics_chart_the_remedy_and_its_community_apart(client, store):
    send(client, "vote", item=REMEDY, direction="up")
    send(client, "post", name="Ann", text="a post")
    response = client.get(f"/community/{CLAIM}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Remedy statistics: Acupuncture" in html and "<svg" in html
    claims = store.query("""PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
          ?c a rkg:Claim ; rkg:remedy <https://w3id.org/remedy-kg/id/remedy/acupuncture> ;
             rkg:evidenceLevel rkg:VeryLowEvidence }""")
    assert f"very low {int(claims.rows[0][0])}" in html
    assert ("Community activity: Votes up 1, Votes down 0, Posts 1, Outcome reports 0"
            in html)
    assert "No products are curated for Acupuncture" in html
    assert "affiliate" in html
    assert client.get("/community/claim/no-such-claim").status_code == 404
    assert client.get("/community/study/chae-2023-jar-acupuncture-rls-rct-review").status_code \
        == 404


def test_moderators_hide_and_restore_posts_behind_the_token(store, tmp_path):
    app = make_app(store, COMMUNITY_JOURNAL=str(tmp_path / "c.jsonl"), SECRET_KEY="k",
                   ADMIN_TOKEN="let-me-moderate")
    client = app.test_client()
    send(client, "post", name="Ann", text="a reported post")
    [post] = community(client).thread(URIRef(ID + CLAIM))
    post_id = post.iri.rsplit("/", 1)[1]
    send(client, "flag", item=None, post=post_id)
    assert "a reported post" not in client.get("/community/admin").get_data(as_text=True)
    wrong = client.post("/community/admin", data={"csrf_token": token(client), "token": "no"})
    assert wrong.status_code == 403
    unsigned = send(client, "admin/moderate", item=None, post=post_id, action="hide")
    assert unsigned.status_code == 403
    signed = client.post("/community/admin", data={"csrf_token": token(client),
                                                    "token": "let-me-moderate"})
    assert signed.status_code == 303
    listing = client.get("/community/admin").get_data(as_text=True)
    assert "a reported post" in listing
    assert send(client, "admin/moderate", item=None, post=post_id,
                action="hide").status_code == 303
    assert community(client).thread(URIRef(ID + CLAIM)) == []
    for other in (app.test_client() for _ in range(3)):  # reported enough to hide ...
        send(other, "flag", item=None, post=post_id)
    send(client, "admin/moderate", item=None, post=post_id, action="restore")
    assert [p.text for p in community(client).thread(URIRef(ID + CLAIM))] == [
        "a reported post"]  # ... but a moderator restored it
    assert make_app(store, SECRET_KEY="k").test_client().get(
        "/community/admin").status_code == 404  # off without a token


def test_kg_moderate_hides_a_post_in_the_journal(store, tmp_path, runner):
    from kg.cli import main
    from kg.community import Community
    from kg.store.journal import JournalledStore

    journal = tmp_path / "c.jsonl"
    with JournalledStore(journal) as writer:
        post = Community(writer, b"k").post(URIRef(ID + CLAIM), "t", "Ann", "to hide")
    post_id = post.rsplit("/", 1)[1]
    result = runner.invoke(main, ["moderate", "hide", post_id, "--journal", str(journal)])
    assert result.exit_code == 0, result.output
    with JournalledStore(journal) as reader:
        assert Community(reader, b"k").thread(URIRef(ID + CLAIM)) == []
    result = runner.invoke(main, ["moderate", "hide", "0" * 32, "--journal", str(journal)])
    assert result.exit_code == 1 and "there is no post" in result.output
    result = runner.invoke(main, ["moderate", "hide", "../x", "--journal", str(journal)])
    assert result.exit_code == 1 and "not a post id" in result.output
