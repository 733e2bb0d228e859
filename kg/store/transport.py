"""Talking to a SPARQL engine over HTTP: credentials, retries with backoff, readable errors."""

from __future__ import annotations

import ast
import base64
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.client import HTTPException
from typing import TypeVar

from SPARQLWrapper import SPARQLExceptions

from kg.store.base import QueryTimeout, StoreError

T = TypeVar("T")

# Credentials come only from the environment, so they never appear in argv or shell history.
USER_VARIABLE = "KG_ENDPOINT_USER"
PASSWORD_VARIABLE = "KG_ENDPOINT_PASSWORD"
TOKEN_VARIABLE = "KG_ENDPOINT_TOKEN"

TRANSIENT_STATUSES = frozenset({502, 503, 504})
BODY_EXCERPT = 300

# SPARQLWrapper turns these statuses into its own exceptions and keeps only the body.
_WRAPPER_STATUSES: dict[type[Exception], int] = {
    SPARQLExceptions.QueryBadFormed: 400,
    SPARQLExceptions.Unauthorized: 401,
    SPARQLExceptions.EndPointNotFound: 404,
    SPARQLExceptions.URITooLong: 414,
    SPARQLExceptions.EndPointInternalError: 500,
}


@dataclass(frozen=True)
class Credentials:
    """HTTP basic (user and password) or bearer (token) authentication."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def __repr__(self) -> str:  # never print a secret, not even in a traceback
        kind = "bearer" if self.token else "basic"
        return f"Credentials({kind}, user={self.user!r})"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Credentials | None:
        env = os.environ if environ is None else environ
        token = env.get(TOKEN_VARIABLE)
        user = env.get(USER_VARIABLE)
        if token and user:
            raise StoreError(f"set either {TOKEN_VARIABLE} or {USER_VARIABLE}, not both")
        if token:
            return cls(token=token)
        if user:
            return cls(user=user, password=env.get(PASSWORD_VARIABLE, ""))
        return None

    def header(self) -> str:
        """The value of the Authorization header."""
        if self.token:
            return f"Bearer {self.token}"
        pair = f"{self.user}:{self.password or ''}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")


@dataclass(frozen=True)
class Retry:
    """How often and how patiently to retry a request that failed for a passing reason."""

    attempts: int = 4
    first_delay: float = 0.5
    factor: float = 2.0

    def delays(self) -> list[float]:
        return [self.first_delay * self.factor**i for i in range(self.attempts - 1)]


@dataclass
class Answer:
    """What an engine answered an HTTP request with."""

    status: int
    headers: Mapping[str, str]  # an http.client.HTTPMessage: names match in any case
    body: bytes


class EngineError(StoreError):
    """The engine refused a request or could not be reached; the message names the endpoint."""

    def __init__(self, message: str, *, status: int | None = None, body: str = ""):
        super().__init__(message)
        self.status = status
        self.body = body


def failure(url: str, exc: BaseException) -> EngineError | QueryTimeout:
    """A clear error for a failed request: which endpoint, and what it answered."""
    status, body = _status_and_body(exc)
    if status is not None:
        excerpt = " ".join(body.split())[:BODY_EXCERPT]
        return EngineError(f"{url} answered HTTP {status}: {excerpt or '(empty body)'}",
                           status=status, body=body)
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        return QueryTimeout(f"{url} did not answer in time")
    return EngineError(f"cannot reach {url}: {_reason_text(reason)}")


def is_transient(exc: BaseException) -> bool:
    """Connection refused or reset, or a gateway/unavailable status: worth another try."""
    status, _ = _status_and_body(exc)
    if status is not None:
        return status in TRANSIENT_STATUSES
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return isinstance(reason, ConnectionError | HTTPException)


def not_received(exc: BaseException) -> bool:
    """The engine certainly did not act on the request: safe to resend even a non-idempotent one."""
    status, _ = _status_and_body(exc)
    if status is not None:
        return status == 503
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return isinstance(reason, ConnectionRefusedError)


def with_retries(
    url: str,
    action: Callable[[], T],
    retry: Retry,
    *,
    retry_if: Callable[[BaseException], bool] = is_transient,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `action`, retrying with exponential backoff; errors become EngineError/QueryTimeout."""
    delays = retry.delays()
    for attempt in range(len(delays) + 1):
        try:
            return action()
        except (StoreError, ValueError):
            raise
        except Exception as exc:
            if attempt < len(delays) and retry_if(exc):
                sleep(delays[attempt])
                continue
            error = failure(url, exc)
            if attempt and isinstance(error, EngineError):
                error.args = (f"{error.args[0]} (after {attempt + 1} attempts)",)
            raise error from None
    raise AssertionError("unreachable")


def send(
    method: str,
    url: str,
    body: bytes | None,
    headers: Mapping[str, str],
    credentials: Credentials | None,
    timeout: float | None = None,
) -> Answer:
    """One plain HTTP request (the Graph Store Protocol needs PUT, which SPARQLWrapper lacks)."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    if credentials:
        request.add_header("Authorization", credentials.header())
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return Answer(response.status, response.headers, response.read())


def _status_and_body(exc: BaseException) -> tuple[int | None, str]:
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = exc.read()
        except (OSError, HTTPException):
            body = b""
        return exc.code, body.decode("utf-8", "replace")
    for kind, status in _WRAPPER_STATUSES.items():
        if isinstance(exc, kind):
            return status, _wrapper_body(exc)
    return None, ""


def _wrapper_body(exc: Exception) -> str:
    # SPARQLWrapper formats "<name>: <msg>. \n\nResponse:\n<repr of the body bytes>".
    text = str(exc)
    _, found, raw = text.partition("\n\nResponse:\n")
    if not found:
        return ""
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _reason_text(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the engine running?)"
    if isinstance(reason, ConnectionResetError):
        return "connection reset by the engine"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    return str(reason) or type(reason).__name__
