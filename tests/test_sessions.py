"""web.sessions: Flask's signed-cookie sessions with the signer built once per key, and no
signer or cookie parsing for a request without cookies; what is signed and checked is
Flask's."""

from __future__ import annotations

import pytest
from flask import Flask, session

from web import sessions


@pytest.fixture()
def tiny() -> Flask:
    app = Flask("tiny")
    app.config["SECRET_KEY"] = "first key"
    sessions.init_app(app)

    @app.get("/set/<value>")
    def set_value(value: str) -> str:
        session["value"] = value
        return "ok"

    @app.get("/get")
    def get_value() -> str:
        return session.get("value", "(none)")

    return app


def test_a_session_round_trips_and_a_forged_or_old_cookie_reads_as_none(tiny: Flask) -> None:
    client = tiny.test_client()
    assert client.get("/get").get_data(as_text=True) == "(none)"  # no cookie at all
    assert client.get("/set/kept").status_code == 200
    assert client.get("/get").get_data(as_text=True) == "kept"
    cookie = client.get_cookie("session")
    assert cookie is not None
    forged = tiny.test_client()
    # One character of the signature changed: its first, which holds six whole bits (the last
    # ones hold padding bits, so changing them could leave the signature as it was).
    start = cookie.value.rindex(".") + 1
    other = "A" if cookie.value[start] != "A" else "B"
    forged.set_cookie("session", cookie.value[:start] + other + cookie.value[start + 1:])
    assert forged.get("/get").get_data(as_text=True) == "(none)"
    other_cookie = tiny.test_client()
    other_cookie.set_cookie("theme", "dark")  # a cookie, but not the session's
    assert other_cookie.get("/get").get_data(as_text=True) == "(none)"
    # A new key: the signer is rebuilt, and a cookie signed with the old key no longer holds.
    tiny.config["SECRET_KEY"] = tiny.secret_key = "second key"
    assert client.get("/get").get_data(as_text=True) == "(none)"
    tiny.config["SECRET_KEY_FALLBACKS"] = ["first key"]
    assert client.get("/get").get_data(as_text=True) == "kept"


def test_a_request_without_cookies_builds_no_signer(tiny: Flask, monkeypatch) -> None:
    built = []
    original = sessions.SecureCookieSessionInterface.get_signing_serializer

    def counting(self, app):  # type: ignore[no-untyped-def]
        built.append(1)
        return original(self, app)

    monkeypatch.setattr(sessions.SecureCookieSessionInterface, "get_signing_serializer",
                        counting)
    client = tiny.test_client()
    for _ in range(3):
        client.get("/get")
    assert built == []
    client.get("/set/x")  # saving signs: one signer, then kept
    for _ in range(3):
        assert client.get("/get").get_data(as_text=True) == "x"
    assert built == [1]
