"""Pages that only change with the build: rendered once, then served from memory with ETags.

An entity page is a function of the data, the request's path, query string, `Accept` and host.
The embedded store a server opens is read-only and does not change under it, so a page rendered
once is true until the server is restarted over a new build: the first request renders and
keeps the response (a bounded LRU), later ones get the kept bytes, and a client that sends back
the ETag gets a 304 without any work. On a remote engine a `kg build` changes the data under a
running server, so there the cache is off (each response still carries no ETag, as before).

Claim and remedy pages also show the community (votes, posts, outcome reports, and the
community totals of the statistics), which changes with every write and, for a visitor who
voted or reported, per visitor. Those pages are kept as a *shell*: the templates put a mark
where each such part goes (`mark`, through web.community's `community_part`), the shell is
cut at the marks once, and each request splices in the parts web.community renders for it
(`Parts`: the same part for every visitor without a session is itself kept per community
revision). Their ETag adds what the parts depend on (the community revision, and the visitor
when they have a session), so a 304 still costs no rendering; they carry `Vary: Cookie`.
`X-Page-Cache: hit` says the shell came from memory, whether or not a part was rendered anew.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import Flask, Response, g, request
from flask.globals import request_ctx
from markupsafe import Markup

from kg.store import OxigraphStore
from web.store import get_store_of

# The views whose answer depends only on the build and the request line and headers above
# (and, for pages with community parts, on what `Parts.state` names).
CACHED_VIEWS = {"pages.entity", "pages.question", "pages.browse", "pages.report",
                "pages.home", "pages.ontology", "pages.shapes",
                # What the build wrote about itself (VoID, examples, the editor's schema).
                "downloads.void", "examples.sparql_examples", "schema.schema_json"}
MAX_BYTES = 64 * 2**20  # whole cache; at ~30 kB a page, about 2,000 pages
MAX_ENTRY_BYTES = 2 * 2**20
EXTENSION = "kg_page_cache"
PARTS = "kg_page_parts"
_SLOTS = "kg_page_slots"  # on `g`: the parts a shell being rendered has marked

# A mark cannot come from the data: a private-use character and a per-process nonce.
_MARK = "\ue000" + secrets.token_hex(8)
_CUT = re.compile(re.escape(_MARK.encode()) + rb"(\d+)" + re.escape(_MARK.encode()))

Value = TypeVar("Value")


class BoundedLRU(Generic[Value]):
    """An LRU bounded in bytes (each value's size given when it is put); thread-safe."""

    def __init__(self, max_bytes: int, max_entry_bytes: int = MAX_ENTRY_BYTES):
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.size = 0
        self.entries: OrderedDict[object, tuple[Value, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: object) -> Value | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            self.entries.move_to_end(key)
            return entry[0]

    def put(self, key: object, value: Value, size: int) -> None:
        if size > self.max_entry_bytes:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self.entries[key] = (value, size)
            self.size += size
            while self.size > self.max_bytes and self.entries:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.size -= dropped


Slot = tuple[str, str]  # a part's name and the item (IRI) it is about


@dataclass(frozen=True)
class Kept:
    body: bytes  # the whole page; empty for a shell, whose bytes are its pieces
    status: int
    headers: tuple[tuple[str, str], ...]
    etag: str
    slots: tuple[Slot, ...] = ()
    pieces: tuple[bytes | int, ...] = ()  # the shell cut at its marks: bytes, or a slot index

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(p) for p in self.pieces if isinstance(p, bytes))


@dataclass(frozen=True)
class Parts:
    """The parts of pages rendered for each request (web.community gives them)."""
    render: Callable[[str, str], str]  # (part name, item) -> the part's HTML for this request
    # item -> what the parts show depends on for this request (community revision, visitor),
    # for the ETag; None when that cannot be named (then no ETag and no 304).
    state: Callable[[str], str | None]


class PageCache(BoundedLRU[Kept]):
    """Responses by request key, bounded in bytes; safe across waitress threads."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        super().__init__(max_bytes)
        # A new token per server start: the store it serves may have been rebuilt since the
        # client's copy was made, so ETags from an earlier process never match.
        self.token = secrets.token_hex(6)

    def keep(self, key: str, kept: Kept) -> None:
        self.put(key, kept, kept.size)

    def etag(self, key: str) -> str:
        """The ETag's value (unquoted): this server's token and the request key's digest."""
        return f"{self.token}-{hashlib.sha1(key.encode()).hexdigest()[:16]}"


# -- page shells ----------------------------------------------------------------------------


def collect_parts() -> None:
    """Render the page that follows as a shell: its per-request parts become marks."""
    setattr(g, _SLOTS, [])


def mark(name: str, item: str) -> Markup | None:
    """The mark of a part in a shell being rendered; None when the page is rendered whole."""
    slots: list[Slot] | None = g.get(_SLOTS)
    if slots is None:
        return None
    slots.append((name, item))
    return Markup(f"{_MARK}{len(slots) - 1}{_MARK}")


def _cut(shell: bytes) -> tuple[bytes | int, ...]:
    split = _CUT.split(shell)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(split))


def _splice(parts: Parts, slots: Sequence[Slot], pieces: Sequence[bytes | int]) -> bytes:
    filled = [parts.render(name, item).encode("utf-8") for name, item in slots]
    return b"".join(filled[p] if isinstance(p, int) else p for p in pieces)


def _state(parts: Parts, slots: Sequence[Slot]) -> str | None:
    # Every part of a page is about the page's item; read before the parts are rendered, so a
    # write made meanwhile gives a newer page under the older ETag, never the reverse.
    return parts.state(slots[0][1])


def _tag(response: Response, base: str | None, state: str | None) -> None:
    if base is not None and state is not None:
        response.set_etag(f"{base}.{state}")
    else:
        response.headers.pop("ETag", None)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")  # a visitor with a session sees their own vote


# -- requests -------------------------------------------------------------------------------


def _key() -> str:
    return "\n".join([request.host, request.path, request.query_string.decode("latin-1"),
                      request.headers.get("Accept", "")])


def _not_modified(etag: str, kept: Kept | None) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    for name, value in kept.headers if kept else ():
        if name in ("Vary", "Link", "Cache-Control"):
            response.headers[name] = value
    if kept is not None and kept.slots:
        response.vary.add("Cookie")
    return response


def _read_session() -> bool:
    # Flask adds `Vary: Cookie` only after the after-request functions, so ask the session
    # itself; through the `session` proxy the asking would count as reading it.
    opened = getattr(request_ctx, "_session", None)
    return bool(opened is not None and opened.accessed)


def init_app(app: Flask) -> None:
    """Serve kept pages before the views run; keep what they render; splice the per-request
    parts into page shells (also without a cache). Register after limits, so rate limits still
    count requests answered from the cache."""
    cache: PageCache | None = None
    if isinstance(get_store_of(app), OxigraphStore):
        cache = app.extensions[EXTENSION] = PageCache()

    def parts() -> Parts:
        return app.extensions[PARTS]

    @app.before_request
    def from_cache() -> Response | None:
        if (cache is None or request.method not in ("GET", "HEAD")
                or request.endpoint not in CACHED_VIEWS):
            return None
        key = _key()
        kept = cache.get(key)
        etag: str | None = cache.etag(key)
        state = None
        if kept is not None and kept.slots:  # a shell: its ETag names what its parts show
            state = _state(parts(), kept.slots)
            etag = f"{etag}.{state}" if state is not None else None
        if etag is not None and request.if_none_match.contains(etag):
            return _not_modified(etag, kept)
        if kept is None:
            return None
        if not kept.slots:
            response = Response(kept.body, status=kept.status, headers=list(kept.headers))
        else:
            response = Response(_splice(parts(), kept.slots, kept.pieces), status=kept.status,
                                headers=[h for h in kept.headers if h[0] != "Content-Length"])
            _tag(response, cache.etag(key), state)
        response.headers["X-Page-Cache"] = "hit"
        return response

    @app.after_request
    def keep(response: Response) -> Response:
        marked = g.pop(_SLOTS, None)
        if not marked and request.endpoint not in CACHED_VIEWS:
            return response  # nothing to keep or splice (e.g. /sparql): no header read either
        slots = tuple(marked or ())
        if "X-Page-Cache" in response.headers:
            return response
        keeps = (cache is not None and request.method == "GET"
                 and request.endpoint in CACHED_VIEWS and response.status_code == 200
                 and not response.is_streamed and not _read_session())
        if not slots and not keeps:
            return response  # nothing to keep or splice: no key to compute
        key = _key()
        if slots and response.status_code == 200 and not response.is_streamed:
            pieces = _cut(response.get_data())
            if keeps and cache is not None:
                cache.keep(key, Kept(b"", response.status_code, tuple(response.headers.items()),
                                     cache.etag(key), slots, pieces))
            state = _state(parts(), slots)
            response.set_data(_splice(parts(), slots, pieces))
            _tag(response, cache.etag(key) if cache is not None else None, state)
            return response
        if keeps and cache is not None:
            response.set_etag(cache.etag(key))
            response.headers["Cache-Control"] = "no-cache"  # revalidate: a 304 costs nothing
            cache.keep(key, Kept(response.get_data(), response.status_code,
                                 tuple(response.headers.items()), cache.etag(key)))
        return response
