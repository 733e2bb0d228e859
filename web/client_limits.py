"""The per-client rate limits: on every request (RATE_LIMIT), on queries (SPARQL_RATE_LIMIT) and
on the community's writes (COMMUNITY_RATE_LIMIT), counted before Flask.

Why before Flask: a /sparql answer asked before is sent without Flask (web.answer_replay),
and must be counted all the same. Counting here also spares every request the work
Flask-Limiter, used before, did to find which limits apply, even where none did (0.10 ms of
CPU a /sparql request, bench/sparql_layers.py).

A request over a limit still goes through Flask, marked: the app's first hook raises the 429,
so the error is written as every other error is (web.errors), with Retry-After. Counting is
the `limits` package's fixed window over web.rate_counts, per client address (the WSGI
REMOTE_ADDR), one counter per limit; a request stops counting at the first limit it is over,
shortest window first, as Flask-Limiter did. Unlike Flask-Limiter, requests no route answers
(404, 405) and over-long URLs (414) count too: a scanner's requests are requests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Flask, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from web import rate_counts

STORAGE_URI = f"{rate_counts.FixedWindowCounts.STORAGE_SCHEME[0]}://"
BREACH = "kg.rate_limit_breach"  # the WSGI environ key a request over a limit carries


@dataclass(frozen=True)
class Breach:
    limit: RateLimitItem
    retry_after: int  # seconds until the limit's window ends


@dataclass(frozen=True)
class ClientLimit:
    name: str  # the setting, and the counter's scope
    item: RateLimitItem
    applies: Callable[[dict, str], bool]  # (environ, static path prefix)


def _not_static(environ: dict, static_prefix: str) -> bool:
    return not environ.get("PATH_INFO", "").startswith(static_prefix)


def _a_query(environ: dict, static_prefix: str) -> bool:
    """A POST, or a URL with a `query` parameter (the query UI and the service description
    are pages, not queries)."""
    if environ.get("REQUEST_METHOD") == "POST":
        return True
    raw = environ.get("QUERY_STRING", "")
    # Parsed, not searched: the view decodes a percent-encoded name (%71uery) too.
    return bool(raw) and any(key == "query" for key, _ in parse_qsl(raw, keep_blank_values=True))


def _a_community_write(environ: dict, static_prefix: str) -> bool:
    """A vote, post, report or moderation: every POST route of web.community."""
    return (environ.get("REQUEST_METHOD") == "POST"
            and environ.get("PATH_INFO", "").startswith(COMMUNITY_PATH))


COMMUNITY_PATH = "/community/"
RULES: tuple[tuple[str, Callable[[dict, str], bool]], ...] = (
    ("RATE_LIMIT", _not_static), ("SPARQL_RATE_LIMIT", _a_query),
    ("COMMUNITY_RATE_LIMIT", _a_community_write))


class ClientLimits:
    """The limits of RULES that are set, counted per client address, the shortest window
    first (as Flask-Limiter ordered them): a request refused by a per-second limit stops
    there, before it uses up an hourly one."""

    def __init__(self, config: dict, static_prefix: str):
        self.limits = tuple(sorted(
            (ClientLimit(name, item, applies)
             for name, applies in RULES if config.get(name)
             for item in _parsed(name, config[name])),
            key=lambda limit: limit.item.get_expiry()))
        self.static_prefix = static_prefix
        self.counter = FixedWindowRateLimiter(storage_from_string(STORAGE_URI))

    def count(self, environ: dict) -> Breach | None:
        """Count the request against each limit it falls under; the first one it is over."""
        address = environ.get("REMOTE_ADDR") or "127.0.0.1"  # as Flask-Limiter keyed it
        for limit in self.limits:
            if not limit.applies(environ, self.static_prefix):
                continue
            if not self.counter.hit(limit.item, address, limit.name):
                ends = self.counter.get_window_stats(limit.item, address, limit.name).reset_time
                return Breach(limit.item, max(1, math.ceil(ends - time.time())))
        return None


def _parsed(name: str, value: object) -> tuple[RateLimitItem, ...]:
    try:
        return tuple(parse_many(str(value)))
    except ValueError:
        raise ValueError(f"{name} must be a rate such as '600 per minute' (several joined by "
                         f"';'), or '' for none; not {value!r}") from None


def init_app(app: Flask) -> None:
    """Count every request before the app (and before web.answer_replay, which it must wrap)."""
    limits = ClientLimits(app.config, (app.static_url_path or "/static") + "/")
    if not limits.limits:
        return
    inner = app.wsgi_app

    def counted(environ: dict, start_response: Callable) -> Iterable[bytes]:
        breach = limits.count(environ)
        if breach is not None:
            environ[BREACH] = breach
        return inner(environ, start_response)

    app.wsgi_app = counted  # type: ignore[method-assign]

    def over_limit() -> None:
        breach: Breach | None = request.environ.get(BREACH)
        if breach is not None:
            raise TooManyRequests(f"This address sent more than {breach.limit}; try again in "
                                  f"{breach.retry_after} s.", retry_after=breach.retry_after)

    # First of the app's hooks: a later one may answer (a page from web.page_cache) and end
    # the request before this one is asked.
    app.before_request_funcs.setdefault(None, []).insert(0, over_limit)
