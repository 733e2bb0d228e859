"""/sparql answers asked for before, sent again without Flask.

Why: an answer the query runner keeps (web.query_runner: the embedded store, a query that
cannot read the community graph) still went through Flask's request context, routing, our
request hooks, the guard's screen and the header work on every request: 0.5 ms over
granian's own 0.15 ms for `ASK {}` on loopback, where the bare Oxigraph server answers
`ASK {}` in 0.15 ms and a typical small query at a million triples in 0.6-0.8 ms
(bench/sparql_layers.py, bench/sparql_overhead.py).

What is resent: exactly a response Flask gave, status, headers and bytes, once the runner
served it from its kept answers (`X-Answer-Cache: hit`, status 200, no Set-Cookie); so the
first request runs the query, the second takes the runner's kept answer through Flask and is
kept here whole, and later ones are resent. A /sparql answer depends on nothing but the
method, path, query string and `Accept` (web.sparql; the settings are fixed while the app
runs), so that is the key. Requests that carry a cookie (a visitor's session, which Flask
refreshes on every response) or are not GETs go through Flask. Rate limits are counted
before this (web.client_limits), so a resent answer counts as any other, and a request over
a limit goes through Flask for its 429. The bytes are the
runner's own kept bytes (not a copy) while it keeps them; what is kept here, keys and headers
counted, is bounded by ANSWER_CACHE_BYTES as well, so the two together hold at most twice it
(an answer resent here is not asked of the runner, which may drop it first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask

from web.client_limits import BREACH
from web.page_cache import BoundedLRU

PATH = "/sparql"
CACHE_HEADER = "x-answer-cache"
EXTENSION = "kg_answer_replay"


@dataclass(frozen=True)
class Kept:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


Key = tuple[str, str]  # the query string, the Accept header


def _key(environ: dict) -> Key | None:
    """The request's key, or None for a request that must go through Flask."""
    if (environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != PATH
            or "HTTP_COOKIE" in environ or BREACH in environ):  # a 429 is Flask's to write
        return None
    return environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", "")


def _replayable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200 "):
        return False
    names = {name.lower(): value for name, value in headers}
    return names.get(CACHE_HEADER) == "hit" and "set-cookie" not in names


class AnswerReplay:
    """A WSGI app in front of `inner`, which it asks for everything it has not kept."""

    def __init__(self, inner: Callable[..., Iterable[bytes]], max_bytes: int):
        self.inner = inner
        self.kept = BoundedLRU[Kept](max_bytes, max_bytes)
        self.replays = 0

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = _key(environ)
        if key is None:
            return self.inner(environ, start_response)
        kept = self.kept.get(key)
        if kept is not None:
            self.replays += 1
            start_response(kept.status, list(kept.headers))  # a new list: servers add to it
            return [kept.body]
        return self._asked(key, environ, start_response)

    def _asked(self, key: Key, environ: dict, start_response: Callable) -> Iterable[bytes]:
        sent: list[tuple[str, list[tuple[str, str]]]] = []

        def start(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> object:
            sent.append((status, list(headers)))  # before a server or middleware adds to them
            return start_response(status, headers, exc_info)

        body = self.inner(environ, start)
        if not sent or not _replayable(*sent[-1]):
            return body
        try:
            data = b"".join(body)  # one chunk, the runner's own bytes: joined, the same object
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        status, headers = sent[-1]
        self.kept.put(key, Kept(status, tuple(headers), data), _size(key, headers, data))
        return [data]


# Bytes beside the strings, on the high side: tracemalloc gave 1.3 kB an entry for `ASK {}`
# with 13 headers whose strings were shared, against 2.7 kB counted; Flask's header strings
# are new for every response, about 100 bytes more a header.
ENTRY_OVERHEAD = 600
HEADER_OVERHEAD = 120


def _size(key: Key, headers: list[tuple[str, str]], data: bytes) -> int:
    """What an entry holds, its key included: a client can vary the query string and Accept
    to make an entry per request."""
    return (ENTRY_OVERHEAD + len(key[0]) + len(key[1]) + len(data)
            + sum(HEADER_OVERHEAD + len(n) + len(v) for n, v in headers))


def init_app(app: Flask) -> None:
    if not app.config["ANSWER_CACHE_BYTES"]:
        return
    replay = app.extensions[EXTENSION] = AnswerReplay(app.wsgi_app,
                                                      app.config["ANSWER_CACHE_BYTES"])
    app.wsgi_app = replay  # type: ignore[method-assign]
