"""Pages that only change with the build: rendered once, then served from memory with ETags.

An entity page is a function of the data, the request's path, query string, `Accept` and host,
and nothing else (no cookies, no per-visitor parts yet). The embedded store a server opens is
read-only and does not change under it, so a page rendered once is true until the server is
restarted over a new build: the first request renders and keeps the response (a bounded LRU),
later ones get the kept bytes, and a client that sends back the ETag gets a 304 without any
work. On a remote engine a `kg build` changes the data under a running server, so there the
cache is off (each response still carries no ETag, as before).

A response that read the visitor's session (the community part of claim and remedy pages: its
CSRF tokens and the visitor's own vote) says so with `Vary: Cookie` and is never kept.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, request
from flask.globals import request_ctx

from kg.store import OxigraphStore
from web.store import get_store_of

# The views whose answer depends only on the build and the request line and headers above.
CACHED_VIEWS = {"pages.entity", "pages.question", "pages.browse", "pages.report",
                "pages.home", "pages.ontology", "pages.shapes",
                # What the build wrote about itself (VoID, examples, the editor's schema).
                "downloads.void", "examples.sparql_examples", "schema.schema_json"}
MAX_BYTES = 64 * 2**20  # whole cache; at ~30 kB a page, about 2,000 pages
MAX_ENTRY_BYTES = 2 * 2**20
EXTENSION = "kg_page_cache"


@dataclass(frozen=True)
class Kept:
    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    etag: str


class PageCache:
    """An LRU of responses by request key, bounded in bytes; safe across waitress threads."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        # A new token per server start: the store it serves may have been rebuilt since the
        # client's copy was made, so ETags from an earlier process never match.
        self.token = secrets.token_hex(6)
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, Kept] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Kept | None:
        with self.lock:
            kept = self.entries.get(key)
            if kept is not None:
                self.entries.move_to_end(key)
            return kept

    def put(self, key: str, kept: Kept) -> None:
        if len(kept.body) > MAX_ENTRY_BYTES:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.entries[key] = kept
            self.size += len(kept.body)
            while self.size > self.max_bytes and self.entries:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.body)

    def etag(self, key: str) -> str:
        """The ETag's value (unquoted): this server's token and the request key's digest."""
        return f"{self.token}-{hashlib.sha1(key.encode()).hexdigest()[:16]}"


def _key() -> str:
    return "\n".join([request.host, request.path, request.query_string.decode("latin-1"),
                      request.headers.get("Accept", "")])


def _not_modified(cache: PageCache, key: str, kept: Kept | None) -> Response:
    response = Response(status=304)
    response.set_etag(cache.etag(key))
    for name, value in kept.headers if kept else ():
        if name in ("Vary", "Link", "Cache-Control"):
            response.headers[name] = value
    return response


def _read_session() -> bool:
    # Flask adds `Vary: Cookie` only after the after-request functions, so ask the session
    # itself; through the `session` proxy the asking would count as reading it.
    opened = getattr(request_ctx, "_session", None)
    return bool(opened is not None and opened.accessed)


def init_app(app: Flask) -> None:
    """Serve kept pages before the views run; keep what they render. Register after limits,
    so rate limits still count requests answered from the cache."""
    if not isinstance(get_store_of(app), OxigraphStore):
        return
    cache = app.extensions[EXTENSION] = PageCache()

    @app.before_request
    def from_cache() -> Response | None:
        if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_VIEWS:
            return None
        key = _key()
        kept = cache.get(key)
        if request.if_none_match.contains(cache.etag(key)):
            return _not_modified(cache, key, kept)
        if kept is None:
            return None
        response = Response(kept.body, status=kept.status, headers=list(kept.headers))
        response.headers["X-Page-Cache"] = "hit"
        return response

    @app.after_request
    def keep(response: Response) -> Response:
        if (request.method != "GET" or request.endpoint not in CACHED_VIEWS
                or response.status_code != 200 or response.is_streamed
                or "X-Page-Cache" in response.headers or _read_session()):
            return response
        key = _key()
        response.set_etag(cache.etag(key))
        response.headers["Cache-Control"] = "no-cache"  # revalidate: a 304 costs nothing
        cache.put(key, Kept(response.get_data(), response.status_code,
                            tuple(response.headers.items()), cache.etag(key)))
        return response
