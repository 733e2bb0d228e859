"""The community graph: votes, discussions and self-reported outcomes, in standard vocabularies.

- A vote is a `schema:LikeAction` or `schema:DislikeAction` whose `schema:object` is the claim
  or remedy; each item's totals are `schema:InteractionCounter`s (`schema:interactionStatistic`),
  recounted from the votes in the same update that changes a vote.
- A discussion is a `sioc:Thread` (`sioc:about` the item) of `sioc:Post`s (`sioc:content`,
  `dcterms:created`, `dc:creator` the display name, `sioc:reply_of` / `sioc:has_reply`).
- "Did it help you?" is a `schema:Review` of a claim with a `schema:Rating` (1 worse .. 4 helped
  a lot) and the side effects noticed as `schema:negativeNotes`.
- Reporting a post is an ActivityStreams `as:Flag`; a post with enough flags is not shown.

Who acted is never stored: a vote, an outcome report or a flag is named by a keyed hash
(HMAC-SHA256 with the site's secret) of the visitor's random cookie and the item, so each visitor
has one per item and nothing links one visitor's actions on two items. No address is stored.

Every update is one request whose values are written by rdflib (`sparql_term`, N-Triples), so
it runs the same on the embedded journalled store and on a remote engine.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DC, DCTERMS, RDF, XSD

from kg.namespaces import AS, SCHEMA, SIOC, Namespaces
from kg.queries import sparql_term
from kg.store import OxigraphStore, Store

PROLOGUE = (f"PREFIX schema: <{SCHEMA}>\nPREFIX sioc: <{SIOC}>\nPREFIX as: <{AS}>\n"
            f"PREFIX dcterms: <{DCTERMS}>\nPREFIX dc: <{DC}>\n")

VOTES = {"up": SCHEMA.LikeAction, "down": SCHEMA.DislikeAction}
# "Did it help you?": the answer's key, its rating (worst 1 .. best 4) and its words.
OUTCOMES = {
    "helped-a-lot": (4, "Helped a lot"),
    "helped-somewhat": (3, "Helped somewhat"),
    "no-change": (2, "No change"),
    "worse": (1, "Made it worse"),
}


# A moderator's word on a post (schema:creativeWorkStatus): it overrides the visitors' reports.
HIDDEN, RESTORED = "hidden by a moderator", "restored by a moderator"


@dataclass
class Post:
    iri: URIRef
    name: str
    text: str
    created: datetime
    parent: URIRef | None
    flags: int
    status: str = ""
    replies: list[Post] = field(default_factory=list)
    item: URIRef | None = None

    def hidden(self, hide_after: int) -> bool:
        return self.status == HIDDEN or (self.status != RESTORED and self.flags >= hide_after)


@dataclass
class OutcomeSummary:
    counts: dict[str, int]  # per OUTCOMES key
    people: int
    side_effects: list[str]


def default_journal(store_folder: Path) -> Path:
    """The embedded community journal of a store folder: beside it (var/store-community.jsonl)."""
    return store_folder.with_name(store_folder.name + "-community.jsonl")


def community_iri(namespaces: Namespaces, path: str) -> URIRef:
    """An IRI of the community graph's own records (posts, votes, threads, counters)."""
    return URIRef(f"{namespaces.base}community/{path}")


def post_iri(post_id: str, namespaces: Namespaces) -> URIRef:
    """A post's IRI from its id (the 32 hex digits its pages and forms show)."""
    if not re.fullmatch(r"[0-9a-f]{32}", post_id):
        raise ValueError(f"not a post id (32 hex digits): {post_id[:40]!r}")
    return community_iri(namespaces, "post/" + post_id)


def now() -> Literal:
    return Literal(datetime.now(UTC), datatype=XSD.dateTime)


def item_path(item: URIRef, namespaces: Namespaces) -> str:
    """The item's path under the dataset's id/ (claim/acupuncture--...), naming its thread."""
    if not str(item).startswith(str(namespaces.ID)):
        raise ValueError(f"not an entity of this dataset: {item}")
    return str(item)[len(str(namespaces.ID)):]


def thread_of(item: URIRef, namespaces: Namespaces) -> URIRef:
    return community_iri(namespaces, "thread/" + item_path(item, namespaces))


def counter_of(item: URIRef, direction: str, namespaces: Namespaces) -> URIRef:
    return community_iri(namespaces, f"counter/{direction}/" + item_path(item, namespaces))


def _insert(graph: Graph, namespaces: Namespaces) -> str:
    triples = graph.serialize(format="nt11")
    return f"INSERT DATA {{ GRAPH <{namespaces.graphs.COMMUNITY}> {{\n{triples}}} }}"


def _clear(subject: URIRef, namespaces: Namespaces) -> str:
    graph = namespaces.graphs.COMMUNITY
    return f"DELETE WHERE {{ GRAPH <{graph}> {{ {sparql_term(subject)} ?p ?o }} }}"


class Community:
    """Reads and writes the community graph of one store.

    Writes from this process take turns (a lock), so each recount sees the votes before it;
    each update is one request, which the embedded store and Oxigraph apply atomically.
    """

    def __init__(self, store: Store, secret: bytes, *, hide_after: int = 3):
        self.store = store
        self.namespaces = store.namespaces
        self._in = sparql_term(URIRef(store.namespaces.graphs.COMMUNITY))
        self.secret = secret
        self.hide_after = hide_after
        self._lock = threading.Lock()
        self._writes = 0  # this process's writes: the revision of a store no journal keeps

    # -- identities -------------------------------------------------------------------------

    def _key(self, purpose: str, visitor: str, item: URIRef) -> str:
        message = f"{purpose}\n{visitor}\n{item}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:40]

    def visitor_tag(self, visitor: str, item: URIRef) -> str:
        """A short keyed hash that tells one visitor's view of an item from another's (the
        ETag of their page) without revealing their id."""
        return self._key("tag", visitor, item)[:16]

    def vote_iri(self, item: URIRef, visitor: str) -> URIRef:
        return community_iri(self.namespaces, "vote/" + self._key("vote", visitor, item))

    def review_iri(self, claim: URIRef, visitor: str) -> URIRef:
        return community_iri(self.namespaces, "outcome/" + self._key("outcome", visitor, claim))

    def flag_iri(self, post: URIRef, visitor: str) -> URIRef:
        return community_iri(self.namespaces, "flag/" + self._key("flag", visitor, post))

    # -- writes -----------------------------------------------------------------------------

    def _write(self, parts: list[str]) -> None:
        with self._lock:
            try:
                self.store.update(PROLOGUE + " ;\n".join(parts))
            finally:  # a failed write may have changed nothing, but counting it costs nothing
                self._writes += 1

    def revision(self) -> str | None:
        """A name for the community graph's state: it changes whenever the graph may have.
        From the journal when one keeps the graph (so another process's writes count); from
        this process's writes for a memory store (no other process sees it); None on a remote
        engine, whose graph others may change unseen."""
        revision = getattr(self.store, "revision", None)
        if callable(revision):
            return f"j{revision()}"
        if isinstance(self.store, OxigraphStore) and self.store.path is None:
            return f"w{self._writes}"
        return None

    def vote(self, item: URIRef, visitor: str, direction: str | None) -> None:
        """Cast, change (a new direction) or withdraw (None) the visitor's vote on an item."""
        if direction is not None and direction not in VOTES:
            raise ValueError(f"a vote is up or down, not {direction!r}")
        vote = self.vote_iri(item, visitor)
        parts = [_clear(vote, self.namespaces)]
        if direction is not None:
            graph = Graph()
            graph.add((vote, RDF.type, VOTES[direction]))
            graph.add((vote, SCHEMA.object, item))
            graph.add((vote, SCHEMA.startTime, now()))
            parts.append(_insert(graph, self.namespaces))
        term = sparql_term(item)
        for name, action in VOTES.items():
            counter = sparql_term(counter_of(item, name, self.namespaces))
            parts.append(f"DELETE WHERE {{ GRAPH {self._in} {{ {counter} "
                         "schema:userInteractionCount ?old } }")
            parts.append(
                f"INSERT {{ GRAPH {self._in} {{ {term} schema:interactionStatistic {counter} . "
                f"{counter} a schema:InteractionCounter ; schema:interactionType "
                f"{sparql_term(action)} ; schema:userInteractionCount ?n }} }} "
                f"WHERE {{ {{ SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE {{ GRAPH {self._in} {{ "
                f"?v a {sparql_term(action)} ; schema:object {term} }} }} }} }}")
        self._write(parts)

    def post(self, item: URIRef, title: str, name: str, text: str,
             parent: URIRef | None = None) -> URIRef:
        """Add a post (a reply when `parent` is given) to the item's thread."""
        thread = thread_of(item, self.namespaces)
        post = community_iri(self.namespaces, "post/" + uuid.uuid4().hex)
        graph = Graph()
        graph.add((thread, RDF.type, SIOC.Thread))
        graph.add((thread, SIOC.about, item))
        graph.add((thread, DCTERMS.title, Literal(title, lang="en")))
        graph.add((post, RDF.type, SIOC.Post))
        graph.add((post, SIOC.has_container, thread))
        graph.add((post, SIOC.content, Literal(text)))
        graph.add((post, DC.creator, Literal(name)))
        graph.add((post, DCTERMS.created, now()))
        if parent is not None:
            graph.add((post, SIOC.reply_of, parent))
            graph.add((parent, SIOC.has_reply, post))
        self._write([_insert(graph, self.namespaces)])
        return post

    def flag(self, post: URIRef, visitor: str) -> None:
        """Report a post (once per visitor)."""
        flag = self.flag_iri(post, visitor)
        graph = Graph()
        graph.add((flag, RDF.type, AS.Flag))
        graph.add((flag, AS.object, post))
        graph.add((flag, AS.published, now()))
        self._write([_clear(flag, self.namespaces), _insert(graph, self.namespaces)])

    def moderate(self, post: URIRef, hide: bool) -> None:
        """Hide a post, or restore it whatever its reports say; it is kept either way."""
        graph = Graph()
        graph.add((post, SCHEMA.creativeWorkStatus, Literal(HIDDEN if hide else RESTORED)))
        self._write([f"DELETE WHERE {{ GRAPH {self._in} {{ {sparql_term(post)} "
                     "schema:creativeWorkStatus ?status } }", _insert(graph, self.namespaces)])

    def report_outcome(self, claim: URIRef, visitor: str, outcome: str,
                       side_effects: str) -> None:
        """Record (or replace) the visitor's own outcome with a claim."""
        value, words = OUTCOMES[outcome]
        review = self.review_iri(claim, visitor)
        rating = URIRef(str(review) + "#rating")
        graph = Graph()
        graph.add((review, RDF.type, SCHEMA.Review))
        graph.add((review, SCHEMA.itemReviewed, claim))
        graph.add((review, SCHEMA.reviewRating, rating))
        graph.add((review, DCTERMS.created, now()))
        if side_effects:
            graph.add((review, SCHEMA.negativeNotes, Literal(side_effects)))
        graph.add((rating, RDF.type, SCHEMA.Rating))
        graph.add((rating, SCHEMA.ratingValue, Literal(value)))
        graph.add((rating, SCHEMA.worstRating, Literal(1)))
        graph.add((rating, SCHEMA.bestRating, Literal(4)))
        graph.add((rating, SCHEMA.name, Literal(words, lang="en")))
        ns = self.namespaces
        self._write([_clear(review, ns), _clear(rating, ns), _insert(graph, ns)])

    # -- reads ------------------------------------------------------------------------------

    def _select(self, text: str) -> list[dict]:
        graph = self.namespaces.graphs.COMMUNITY
        result = self.store.query(PROLOGUE + text, default_graph_uris=[graph],
                                  named_graph_uris=[graph])
        return list(result.dicts())

    def votes(self, item: URIRef) -> dict[str, int]:
        """The item's counters: {"up": n, "down": n}."""
        counts = {name: 0 for name in VOTES}
        for name in VOTES:
            rows = self._select(
                f"SELECT ?n WHERE {{ GRAPH {self._in} {{ "
                f"{sparql_term(counter_of(item, name, self.namespaces))} "
                "schema:userInteractionCount ?n } }")
            if rows:
                counts[name] = int(rows[0]["n"])
        return counts

    def my_vote(self, item: URIRef, visitor: str) -> str | None:
        rows = self._select(f"SELECT ?type WHERE {{ GRAPH {self._in} {{ "
                            f"{sparql_term(self.vote_iri(item, visitor))} a ?type }} }}")
        kinds = {v: k for k, v in VOTES.items()}
        return next((kinds[r["type"]] for r in rows if r["type"] in kinds), None)

    def _posts(self, where: str) -> list[Post]:
        rows = self._select(
            "SELECT ?post ?item ?name ?text ?created ?parent ?status "
            "(COUNT(DISTINCT ?flag) AS ?flags) "
            f"WHERE {{ GRAPH {self._in} {{ {where} ?post a sioc:Post ; "
            "sioc:has_container/sioc:about ?item ; sioc:content ?text ; dc:creator ?name ; "
            "dcterms:created ?created . OPTIONAL { ?post sioc:reply_of ?parent } "
            "OPTIONAL { ?post schema:creativeWorkStatus ?status } "
            "OPTIONAL { ?flag a as:Flag ; as:object ?post } } } "
            "GROUP BY ?post ?item ?name ?text ?created ?parent ?status")
        return [Post(r["post"], str(r["name"]), str(r["text"]), r["created"].toPython(),
                     r.get("parent"), int(r["flags"]), str(r.get("status", "")),
                     item=r["item"]) for r in rows]

    def post_state(self, post: URIRef) -> tuple[URIRef, bool] | None:
        """The item whose thread holds the post, and whether it is hidden; None if unknown."""
        found = self._posts(f"VALUES ?post {{ {sparql_term(post)} }}")
        if not found:
            return None
        return found[0].item, found[0].hidden(self.hide_after)  # type: ignore[return-value]

    def thread(self, item: URIRef, newest_first: bool = True) -> list[Post]:
        """The thread's visible posts, replies under their posts; a hidden post's replies go
        with it."""
        posts = {p.iri: p for p in self._posts(f"VALUES ?item {{ {sparql_term(item)} }}")}
        top: list[Post] = []
        for post in sorted(posts.values(), key=lambda p: (p.created, str(p.iri))):
            if post.hidden(self.hide_after):
                continue
            if post.parent is None:
                top.append(post)
            elif post.parent in posts:
                posts[post.parent].replies.append(post)
        if newest_first:
            top.reverse()
        return top

    def reported(self) -> list[Post]:
        """Posts that visitors reported or a moderator judged, most reported first."""
        found = [p for p in self._posts("") if p.flags or p.status]
        return sorted(found, key=lambda p: (-p.flags, p.created))

    def outcomes(self, claim: URIRef) -> OutcomeSummary:
        rows = self._select(
            f"SELECT ?review ?value ?notes WHERE {{ GRAPH {self._in} {{ ?review a schema:Review ;"
            f" schema:itemReviewed {sparql_term(claim)} ; schema:reviewRating/schema:ratingValue"
            " ?value . OPTIONAL { ?review schema:negativeNotes ?notes } } }")
        by_value = {value: key for key, (value, _) in OUTCOMES.items()}
        counts = {key: 0 for key in OUTCOMES}
        notes = []
        for row in rows:
            key = by_value.get(int(row["value"]))
            if key:
                counts[key] += 1
            if row.get("notes"):
                notes.append(str(row["notes"]))
        return OutcomeSummary(counts, len({r["review"] for r in rows}), notes)

    def my_outcome(self, claim: URIRef, visitor: str) -> str | None:
        review = sparql_term(self.review_iri(claim, visitor))
        rows = self._select(f"SELECT ?value WHERE {{ GRAPH {self._in} {{ {review} "
                            "schema:reviewRating/schema:ratingValue ?value } }")
        by_value = {value: key for key, (value, _) in OUTCOMES.items()}
        return by_value.get(int(rows[0]["value"])) if rows else None

    def totals(self, items: list[URIRef]) -> dict[str, int]:
        """Votes, posts and outcome reports on a set of items (a remedy and its claims)."""
        if not items:
            return {"up": 0, "down": 0, "posts": 0, "reports": 0}
        values = " ".join(sparql_term(i) for i in items)
        rows = self._select(
            f"SELECT (COUNT(DISTINCT ?up) AS ?ups) (COUNT(DISTINCT ?down) AS ?downs) "
            f"(COUNT(DISTINCT ?post) AS ?posts) (COUNT(DISTINCT ?review) AS ?reports) WHERE {{ "
            f"VALUES ?item {{ {values} }} GRAPH {self._in} {{ "
            "{ ?up a schema:LikeAction ; schema:object ?item } UNION "
            "{ ?down a schema:DislikeAction ; schema:object ?item } UNION "
            "{ ?post sioc:has_container/sioc:about ?item } UNION "
            "{ ?review a schema:Review ; schema:itemReviewed ?item } } }")
        row = rows[0] if rows else {}
        return {"up": int(row.get("ups", 0)), "down": int(row.get("downs", 0)),
                "posts": int(row.get("posts", 0)), "reports": int(row.get("reports", 0))}

    def import_graph(self, graph: Graph, chunk: int = 1000) -> int:
        """Add the triples of a community dump (its own download); returns how many."""
        triples = list(graph)
        if any(isinstance(term, BNode) for triple in triples for term in triple):
            raise ValueError("the community graph has no blank nodes; this is not its dump")
        for start in range(0, len(triples), chunk):
            part = Graph()
            for triple in triples[start:start + chunk]:
                part.add(triple)
            self._write([_insert(part, self.namespaces)])
        return len(triples)

    def clear(self) -> None:
        """Empty the community graph (tests on shared engines)."""
        self._write([f"DROP SILENT GRAPH {self._in}"])
