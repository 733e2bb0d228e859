"""Community forms on claim and remedy pages: votes, discussions, "did it help you?" reports.

Every form is a plain POST that redirects back to the page (303), so all of it works without
JavaScript. Writes are rate-limited per client address (COMMUNITY_RATE_LIMIT) and bounded in
size. A visitor is a random id in the signed session cookie; the graph only ever holds keyed
hashes of it (kg.community).

Cross-site forgery is refused by the request's Fetch Metadata (web.cross_origin: a browser's
`Sec-Fetch-Site`, else its `Origin`, must say the form came from this site; a 403 otherwise),
checked here rather than app-wide because /sparql takes cross-site POSTs by design. There is
no per-visitor token in the page any more (there was a Flask-WTF one until the page cache): a
token made the community part, and so the whole claim and remedy page, differ per visitor,
so each request rendered them (about 140 ms). Now the part a visitor without a session sees
is one shared byte string, kept per community revision, and the page around it is kept once
per build (web.page_cache). A visitor who voted or reported gets their own part, rendered for
each request (a few small queries).
"""

from __future__ import annotations

import hmac
import io
import logging
import re
import secrets
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from markupsafe import Markup
from rdflib import URIRef
from werkzeug.local import LocalProxy

from kg.community import OUTCOMES, VOTES, Community, default_journal, item_path, post_iri
from kg.formats import RDF_FORMATS
from kg.store import OxigraphStore, RemoteStore, Store, StoreError, open_store
from kg.store.journal import FollowingStore, open_journal
from web import cross_origin, page_cache
from web.errors import error_response
from web.page_queries import bound
from web.store import get_store_of
from web.urls import entity_iri, local_path

bp = Blueprint("community", __name__)
log = logging.getLogger(__name__)

EXTENSION = "kg_community"
PART_CACHE = "kg_community_parts"
PART_CACHE_BYTES = 16 * 2**20  # the parts anonymous visitors see, one per item and order
PART_TEMPLATES = {"community": "_community.html", "totals": "community/_totals.html"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def journal_path(app: Flask) -> str | None:
    """Where the embedded community journal lives: COMMUNITY_JOURNAL, else beside an on-disk
    store's folder; None for a remote engine (the engine keeps the graph) or a memory store."""
    if app.config["COMMUNITY_JOURNAL"]:
        return str(app.config["COMMUNITY_JOURNAL"])
    store = get_store_of(app)
    if isinstance(store, OxigraphStore) and store.path is not None:
        return str(default_journal(store.path))
    return None


def _community_store(app: Flask, journal: str | None) -> Store:
    store = get_store_of(app)
    if journal:
        try:
            return open_journal(journal)
        except StoreError as exc:  # another server writes it: show, but take no writes
            log.warning("%s; the community part of the pages is read-only", exc)
            return FollowingStore(journal)
    if isinstance(store, RemoteStore):
        writer = open_store(str(store.endpoints.query),
                            update_endpoint=app.config["UPDATE_ENDPOINT"]
                            or store.endpoints.update, base=store.namespaces.base)
        try:
            writer.serve_graph(store.namespaces.graphs.COMMUNITY)  # type: ignore[attr-defined]
        except StoreError as exc:  # a read-only engine: the pages still work, writes say why
            log.warning("the community graph cannot be listed on the engine: %s", exc)
        return writer
    return OxigraphStore(None)  # an in-memory site (tests): nothing to keep


def _secret(app: Flask, journal: str | None) -> None:
    """SECRET_KEY signs the session and keys the visitor hashes; it must outlive restarts, or
    every visitor could vote again. Without KG_SECRET_KEY it is kept in a file by the journal."""
    if app.config.get("SECRET_KEY"):
        return
    if journal is None:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    path = Path(journal + ".secret")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="ascii")
    app.config["SECRET_KEY"] = path.read_text(encoding="ascii").strip()


def init_app(app: Flask) -> str | None:
    """Open the community graph's store; returns the journal the query workers follow."""
    for name in ("COMMUNITY_HIDE_AFTER", "COMMUNITY_MAX_POST", "COMMUNITY_MAX_NAME"):
        if not isinstance(app.config[name], int) or app.config[name] < 1:
            raise ValueError(f"{name} must be a positive whole number, not {app.config[name]!r}")
    journal = journal_path(app)
    _secret(app, journal)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    store = _community_store(app, journal)
    store.namespaces = get_store_of(app).namespaces  # the community graph is under the same base
    secret = app.config["SECRET_KEY"].encode("utf-8")
    app.extensions[EXTENSION] = Community(store, secret,
                                          hide_after=app.config["COMMUNITY_HIDE_AFTER"])
    app.extensions[PART_CACHE] = page_cache.BoundedLRU[tuple[str, str]](PART_CACHE_BYTES)
    app.extensions[page_cache.PARTS] = page_cache.Parts(render=render_part, state=part_state)
    app.context_processor(lambda: {"community_view": community_view,
                                   "community_part": community_part,
                                   "statistics_view": statistics_view,
                                   "totals_view": totals_view})
    app.register_blueprint(bp)
    return journal


@bp.after_request
def notice_writes(response: Response) -> Response:
    """A remote engine's served-graph list is cached: the first write must not wait for it."""
    from web.store import store

    if request.method == "POST" and isinstance(store._get_current_object(), RemoteStore):
        store.notice_graph(store.namespaces.graphs.COMMUNITY)  # type: ignore[attr-defined]
    return response


def get_community() -> Community:
    return current_app.extensions[EXTENSION]


community: Community = LocalProxy(get_community)  # type: ignore[assignment]


# -- request checks -------------------------------------------------------------------------


@bp.before_request
def refuse_cross_origin() -> None:
    if request.method == "POST" and (why := cross_origin.refusal(request)) is not None:
        abort(403, description=why)


def visitor() -> str:
    """The visitor's random id, kept in the signed session cookie."""
    if "visitor" not in session:
        session["visitor"] = secrets.token_hex(16)
        session.permanent = True
    return session["visitor"]


def _item(kinds: tuple[str, ...] = ("claim", "remedy")) -> URIRef:
    """The claim or remedy a form names as `item` (its path: claim/acupuncture--...)."""
    path = request.form.get("item", "")
    family, _, slug = path.partition("/")
    iri = entity_iri(family, slug) if family in kinds else None
    if iri is None:
        abort(400, description=f"The form names no {' or '.join(kinds)} ({path[:80]!r}).")
    kind = _kind(iri)
    if kind not in kinds:
        abort(404, description=f"There is no {family} called {slug!r} in this dataset.")
    return iri


def _item_row(iri: URIRef) -> dict[str, Any]:
    """What the curated graphs say of a community item (kind, labels, remedy), once a request."""
    from web.store import store

    cache = g.setdefault("community_items", {})
    if iri not in cache:
        cache[iri] = next(iter(store.query(bound("community-item", this=iri)).dicts()), {})
    return cache[iri]


def _kind(iri: URIRef) -> str | None:
    kind = _item_row(iri).get("kind")
    return str(kind) if kind is not None else None


def _text(name: str, limit: int, *, required: bool, multiline: bool) -> str:
    value = request.form.get(name, "").replace("\r\n", "\n").strip()
    if not multiline:
        value = " ".join(value.split())
    if required and not value:
        abort(400, description=f"The {name.replace('_', ' ')} is empty; write something first.")
    if len(value) > limit:
        # Not werkzeug's 413, whose handler speaks of the whole request body.
        abort(error_response(413, "Payload Too Large",
                             f"The {name.replace('_', ' ')} is {len(value)} characters long, "
                             f"over the limit of {limit}; shorten it and send it again."))
    if CONTROL.search(value):
        abort(400, description=f"The {name.replace('_', ' ')} holds control characters.")
    return value


def _back(iri: URIRef, anchor: str = "community") -> Response:
    path = local_path(iri) or url_for("pages.home")
    return redirect(f"{path}#{anchor}", code=303)


# -- forms ----------------------------------------------------------------------------------


@bp.post("/community/vote")
def vote() -> Response:
    item = _item()
    direction = request.form.get("direction", "")
    if direction not in (*VOTES, "withdraw"):
        abort(400, description=f"A vote is up, down or withdraw, not {direction[:20]!r}.")
    community.vote(item, visitor(), None if direction == "withdraw" else direction)
    return _back(item, "votes")


@bp.post("/community/post")
def post() -> Response:
    item = _item()
    config = current_app.config
    text = _text("text", config["COMMUNITY_MAX_POST"], required=True, multiline=True)
    name = _text("name", config["COMMUNITY_MAX_NAME"], required=False,
                 multiline=False) or "Anonymous"
    parent = None
    if request.form.get("parent"):
        parent = _post_iri(request.form["parent"])
        state = community.post_state(parent)
        if state is None or state[0] != item:
            abort(404, description="There is no such post in this discussion to reply to.")
        if state[1]:
            abort(409, description="That post was hidden after reports; it takes no replies.")
    view = _item_view(item)
    community.post(item, view["title"], name, text, parent)
    return _back(item, "discussion")


@bp.post("/community/flag")
def flag() -> Response:
    post_iri = _post_iri(request.form.get("post", ""))
    state = community.post_state(post_iri)
    if state is None:
        abort(404, description="There is no such post to report.")
    community.flag(post_iri, visitor())
    return _back(state[0], "discussion")


@bp.post("/community/outcome")
def outcome() -> Response:
    claim = _item(("claim",))
    answer = request.form.get("outcome", "")
    if answer not in OUTCOMES:
        abort(400, description=f"Choose one of: {', '.join(w for _, w in OUTCOMES.values())}.")
    side_effects = _text("side_effects", current_app.config["COMMUNITY_MAX_POST"],
                         required=False, multiline=True)
    community.report_outcome(claim, visitor(), answer, side_effects)
    return _back(claim, "did-it-help")


def _post_iri(value: str) -> URIRef:
    try:
        return post_iri(value, community.namespaces)
    except ValueError:
        abort(400, description="The form names no post.")


@bp.get("/community/<family>/<slug>")
def section(family: str, slug: str) -> str:
    """The community part of a claim or remedy page alone: light, for slow links and scripts."""
    iri = entity_iri(family, slug) if family in ("claim", "remedy") else None
    if iri is None or _kind(iri) != family:
        abort(404, description=f"There is no {family} called {slug!r} with a community page.")
    label = _item_row(iri).get("label")
    return render_template("community/section.html", this=iri, label=label,
                           page_url=local_path(iri))


# -- moderation -----------------------------------------------------------------------------


def _admin_enabled() -> None:
    if not current_app.config["ADMIN_TOKEN"]:
        abort(404, description="Moderation is off: set KG_ADMIN_TOKEN to turn it on.")


@bp.get("/community/admin")
def admin() -> str:
    """Reported posts, to hide or restore (after signing in with KG_ADMIN_TOKEN)."""
    _admin_enabled()
    posts = community.reported() if session.get("admin") else []
    return render_template("community/admin.html", signed_in=bool(session.get("admin")),
                           posts=posts, hide_after=community.hide_after)


@bp.post("/community/admin")
def admin_sign_in() -> Response:
    _admin_enabled()
    given = request.form.get("token", "").encode("utf-8")
    if not hmac.compare_digest(given, current_app.config["ADMIN_TOKEN"].encode("utf-8")):
        abort(403, description="That is not the moderation token.")
    session["admin"] = True
    return redirect(url_for("community.admin"), code=303)


@bp.post("/community/admin/moderate")
def moderate() -> Response:
    _admin_enabled()
    if not session.get("admin"):
        abort(403, description="Sign in with the moderation token first.")
    post_iri = _post_iri(request.form.get("post", ""))
    action = request.form.get("action", "")
    if action not in ("hide", "restore"):
        abort(400, description="A moderator hides or restores a post.")
    if community.post_state(post_iri) is None:
        abort(404, description="There is no such post.")
    community.moderate(post_iri, hide=action == "hide")
    return redirect(url_for("community.admin"), code=303)


# -- the dump -------------------------------------------------------------------------------


@bp.get("/downloads/community.<extension>")
def download(extension: str) -> Response:
    """The community graph alone, as it is now (never part of the curated downloads)."""
    syntax = next((f for f in RDF_FORMATS.values() if f.extension == extension), None)
    if syntax is None:
        abort(404, description=f"There is no download called community.{extension}.")
    buffer = io.BytesIO()
    community.store.dump(buffer, syntax, graph=community.namespaces.graphs.COMMUNITY)
    return send_file(io.BytesIO(buffer.getvalue()), mimetype=syntax.media_type,
                     download_name=f"community.{extension}")


# -- what the pages show --------------------------------------------------------------------


def _item_view(iri: URIRef) -> dict[str, Any]:
    row = _item_row(iri)
    kind = str(row.get("kind", ""))
    remedy = row.get("remedy")
    remedy_thread = ("Community Discussion — share results, tips, and questions about "
                     f"{row.get('remedyLabel', '')}")
    if kind == "claim":
        title = f"Discussion for {row.get('condition', row.get('label', ''))}"
    else:
        title = remedy_thread
    return {"kind": kind, "title": title, "remedy": remedy, "remedy_thread": remedy_thread}


def statistics_view(iri: URIRef) -> dict[str, Any]:
    """The remedy's statistics (the claim's remedy on a claim page): its claims by evidence
    level and their studies by design, from the curated graphs (a function of the build; the
    community's totals are a part of their own, `totals_view`)."""
    from web.store import store

    row = _item_row(iri)
    remedy = row.get("remedy")
    if remedy is None:
        return {"remedy": None}
    rows = list(store.query(bound("remedy-statistics", remedy=remedy)).dicts())
    levels = [(str(r.get("label", "")), int(r["n"])) for r in rows if str(r["kind"]) == "level"]
    designs = [(str(r.get("label", "")), int(r["n"])) for r in rows
               if str(r["kind"]) == "design"]
    return {"remedy": remedy, "remedy_label": str(row.get("remedyLabel", "")),
            "levels": levels, "designs": designs}


def totals_view(iri: URIRef) -> dict[str, Any]:
    """Votes, posts and outcome reports on the remedy of the page and all its claims, from the
    community graph (None when it cannot be read just now)."""
    from web.store import store

    remedy = _item_row(iri).get("remedy")
    if remedy is None:
        return {"remedy": None, "totals": None}
    claims = [r["claim"] for r in store.query(bound("remedy-claims", remedy=remedy)).dicts()]
    try:
        totals: dict[str, int] | None = community.totals([remedy, *claims])
    except StoreError:
        totals = None
    return {"remedy": remedy, "totals": totals}


# -- the parts of a page that change with the community ------------------------------------


def community_part(name: str, iri: URIRef) -> Markup:
    """A community part of a claim or remedy page (`community`: the section with its forms;
    `totals`: the community's chart in the statistics): a mark when the page is rendered as a
    shell for the page cache, else the part itself."""
    mark = page_cache.mark(name, str(iri))
    return mark if mark is not None else Markup(render_part(name, str(iri)))


def _newest() -> bool:
    return request.args.get("order", "newest") != "oldest"


def render_part(name: str, item: str) -> str:
    """A part as this request sees it. Only the community section of a visitor with a session
    (their vote, their outcome) is their own; every other part is the same for everyone, so it
    is kept per item, order and community revision (read before rendering, so a write made
    meanwhile is never hidden behind an older revision)."""
    iri = URIRef(item)
    template = PART_TEMPLATES[name]
    if name == "community" and session.get("visitor"):
        return render_template(template, this=iri)
    revision = community.revision()
    if revision is None:  # a remote engine: others may write; render it each time
        return render_template(template, this=iri)
    parts = current_app.extensions[PART_CACHE]
    key = (name, item, _newest() if name == "community" else True)
    kept = parts.get(key)
    if kept is not None and kept[0] == revision:
        return kept[1]
    html = render_template(template, this=iri)
    parts.put(key, (revision, html), len(html))
    return html


def part_state(item: str) -> str | None:
    """What a page's community parts depend on, for its ETag: the community revision, and the
    visitor (a keyed hash of their id) when they have a session; None when the revision is not
    known (a remote engine)."""
    revision = community.revision()
    if revision is None:
        return None
    who = session.get("visitor")
    if not who:
        return revision
    return f"{revision}.{community.visitor_tag(who, URIRef(item))}"


def community_view(iri: URIRef) -> dict[str, Any]:
    """What _community.html shows for one claim or remedy."""
    view = _item_view(iri)
    newest = _newest()
    who = session.get("visitor")
    try:
        data = {
            "votes": community.votes(iri),
            "my_vote": community.my_vote(iri, who) if who else None,
            "posts": community.thread(iri, newest_first=newest),
            "outcomes": community.outcomes(iri) if view["kind"] == "claim" else None,
            "my_outcome": community.my_outcome(iri, who) if who and view["kind"] == "claim"
            else None,
            # A claim page also leads to its remedy's discussion, as the seed page does.
            "remedy_posts": community.totals([view["remedy"]])["posts"]
            if view["kind"] == "claim" and view["remedy"] is not None else None,
            "available": True,
        }
    except StoreError as exc:
        log.warning("the community graph is unavailable: %s", exc)
        data = {"available": False}
    return {**view, **data, "item": item_path(iri, community.namespaces),
            "newest": newest, "choices": OUTCOMES,
            "remedy_url": (local_path(view["remedy"]) or "") + "#discussion"
            if view["remedy"] is not None else None,
            "max_post": current_app.config["COMMUNITY_MAX_POST"],
            "max_name": current_app.config["COMMUNITY_MAX_NAME"]}
