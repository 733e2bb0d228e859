"""Community routes through the Flask test client: votes, posts, reports, outcome reports, and
what they must refuse (cross-site forms, unknown items, oversize or empty text, too many
writes), and the claim and remedy pages kept as a shell with the community spliced in. The
embedded store only: the routes do not depend on the engine (see
test_community_store.py for the engines)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
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


# What a current browser sends with a form of the site's own pages.
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}


def community(client: FlaskClient):
    return client.application.extensions["kg_community"]


def votes(client: FlaskClient, item: str = CLAIM) -> tuple[int, int]:
    found = community(client).votes(URIRef(ID + item))
    return found["up"], found["down"]


def send(client: FlaskClient, route: str, **form: str | None):
    """POST a community form as the site's page would; `item` defaults to the claim, None
    omits it."""
    form.setdefault("item", CLAIM)
    data = {k: v for k, v in form.items() if v is not None}
    return client.post(f"/community/{route}", data=data, headers=SAME_ORIGIN)


def counts(html: str) -> tuple[int, int]:
    match = re.search(r'<span class="up">(\d+) up</span> · <span class="down">(\d+) down', html)
    assert match, "no vote counts on the page"
    return int(match.group(1)), int(match.group(2))


def sparql(client: FlaskClient, query: str) -> list[dict]:
    response = client.post("/sparql", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]["bindings"]


def test_forms_carry_no_token_and_post_from_the_page(client):
    html = page(client)
    assert counts(html) == (0, 0)
    assert "csrf" not in html.lower()  # nothing per visitor: one page for everyone
    assert html.count('name="item"') >= 3  # votes, outcome, new post
    response = client.post("/community/vote", data={"item": CLAIM, "direction": "up"},
                           headers=SAME_ORIGIN)
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


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://sub.localhost"},
    {"Origin": "https://evil.example"},  # an older browser: no Fetch Metadata
    {"Origin": "null"},  # a sandboxed frame
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},  # the browser's word wins
], ids=["cross-site", "same-site", "other-origin", "null-origin", "cross-site-same-host"])
def test_cross_origin_forms_are_refused_and_nothing_stored(client, headers):
    for route, form in [("vote", {"direction": "up"}), ("post", {"text": "hi"}),
                        ("outcome", {"outcome": "worse"})]:
        response = client.post(f"/community/{route}", data={"item": CLAIM, **form},
                               headers=headers)
        assert response.status_code == 403, route
        text = response.get_data(as_text=True)
        assert "sent from another" in text and "only takes its forms from its own pages" in text
    response = client.post("/community/admin/moderate", data={"post": "0" * 32,
                                                              "action": "hide"}, headers=headers)
    assert response.status_code == 403
    assert votes(client) == (0, 0)
    assert community(client).thread(URIRef(ID + CLAIM)) == []
    assert community(client).outcomes(URIRef(ID + CLAIM)).people == 0


@pytest.mark.parametrize("headers", [
    {},  # not a browser (curl, a script): no visitor's cookie to forge with
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # typed or bookmarked by the visitor
    {"Origin": "http://localhost"},  # an older browser, on the site's own page
], ids=["no-headers", "same-origin", "user-initiated", "same-host-origin"])
def test_same_origin_and_non_browser_forms_are_taken(client, headers):
    response = client.post("/community/vote", data={"item": CLAIM, "direction": "up"},
                           headers=headers)
    assert response.status_code == 303
    assert votes(client) == (1, 0)


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
    wrong = client.post("/community/admin", data={"token": "no"}, headers=SAME_ORIGIN)
    assert wrong.status_code == 403
    unsigned = send(client, "admin/moderate", item=None, post=post_id, action="hide")
    assert unsigned.status_code == 403
    signed = client.post("/community/admin", data={"token": "let-me-moderate"},
                         headers=SAME_ORIGIN)
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


# -- the page kept as a shell, the community spliced in ---------------------------------------


def is_hit(response) -> bool:
    return response.headers.get("X-Page-Cache") == "hit"


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The community parts rendered (by template name), whatever served them."""
    import web.community

    seen: list[str] = []
    real = web.community.render_template

    def counting(name: str, **context):
        seen.append(name)
        return real(name, **context)

    monkeypatch.setattr(web.community, "render_template", counting)
    return seen


def test_the_anonymous_page_is_kept_and_shows_each_write_at_once(app, renders):
    anon, voter = app.test_client(), app.test_client()
    path = f"/id/{CLAIM}"
    first = anon.get(path)
    assert not is_hit(first) and len(renders) == 2  # the community section and its totals
    again = anon.get(path)
    assert is_hit(again) and again.data == first.data and len(renders) == 2  # nothing rendered
    etag = first.headers["ETag"]
    assert again.headers["ETag"] == etag and "Cookie" in again.headers["Vary"]
    assert again.headers["Cache-Control"] == "no-cache"
    not_modified = anon.get(path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert len(renders) == 2  # a 304 renders nothing
    html = first.get_data(as_text=True)
    assert "You voted" not in html and "Votes up 0, Votes down 0, Posts 0" in html

    send(voter, "vote", direction="up")
    after = anon.get(path)
    assert is_hit(after)  # the page around the community part is still the kept one
    html = after.get_data(as_text=True)
    assert counts(html) == (1, 0) and "Votes up 1" in html and "You voted" not in html
    assert after.headers["ETag"] != etag
    assert anon.get(path, headers={"If-None-Match": etag}).status_code == 200
    assert anon.get(path, headers={"If-None-Match": after.headers["ETag"]}).status_code == 304
    mine = voter.get(path)
    assert is_hit(mine) and "You voted up." in mine.get_data(as_text=True)
    assert mine.headers["ETag"] not in (etag, after.headers["ETag"])  # covers the voter too
    assert "Cookie" in mine.headers["Vary"]
    assert voter.get(path, headers={"If-None-Match": mine.headers["ETag"]}).status_code == 304

    send(voter, "post", name="Ann", text="an older post")
    send(voter, "post", name="Bob", text="a newer post")
    send(voter, "outcome", outcome="helped-a-lot")
    html = anon.get(path).get_data(as_text=True)
    assert "Self-reported by 1 person" in html and "Posts 2, Outcome reports 1" in html
    assert html.index("a newer post") < html.index("an older post")
    oldest = anon.get(path, query_string={"order": "oldest"}).get_data(as_text=True)
    assert oldest.index("an older post") < oldest.index("a newer post")
    send(voter, "vote", item=REMEDY, direction="down")
    remedy = anon.get(f"/id/{REMEDY}").get_data(as_text=True)
    assert counts(remedy) == (0, 1) and "Votes up 1, Votes down 1, Posts 2" in remedy


def test_a_server_following_the_journal_shows_the_writers_votes(app, client, store):
    """A second server reads the journal another process writes (FollowingStore): the
    revision comes from the journal, so its kept page changes with the other's writes."""
    from kg.community import Community
    from kg.store.journal import FollowingStore

    follower = make_app(store, SECRET_KEY="test-secret", COMMUNITY_RATE_LIMIT="")
    following = FollowingStore(app.config["COMMUNITY_JOURNAL"])
    following.namespaces = store.namespaces
    follower.extensions["kg_community"] = Community(following, b"test-secret")
    reader = follower.test_client()
    path = f"/id/{CLAIM}"
    before = reader.get(path)
    assert counts(before.get_data(as_text=True)) == (0, 0)
    assert is_hit(reader.get(path))
    send(client, "vote", direction="up")  # written by the other server
    after = reader.get(path)
    assert counts(after.get_data(as_text=True)) == (1, 0)
    assert after.headers["ETag"] != before.headers["ETag"]

