"""The SPARQL query page's browser assets: vendored, CDN-free, and fit for a strict CSP.

The page is served with `script-src 'self'; connect-src 'self'` (no 'unsafe-inline',
no 'unsafe-eval'), so: every script is a file from our static folder, the only inline
<script> is the JSON config, and nothing the page runs builds code from strings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
VENDOR = WEB / "static" / "vendor" / "yasgui"
QUERY_UI_JS = WEB / "static" / "js" / "query-ui.js"
TEMPLATE = WEB / "templates" / "sparql" / "ui.html"
UI_PACKAGE = WEB / "ui" / "package.json"
UI_LOCK = WEB / "ui" / "package-lock.json"

VENDORED = ("yasgui.min.js", "yasgui.min.css", "LICENSE", "THIRD-PARTY-NOTICES.txt")

# Any absolute http(s) URL: a CDN, a font host, an analytics script...
URL = re.compile(r"https?://[^\s\"'<>)`]+", re.IGNORECASE)
# ...except namespace strings of the W3C / SPARQL world, which are names, not fetches.
ALLOWED_URL = re.compile(r"https?://(www\.)?w3\.org/", re.IGNORECASE)

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


def pinned_version() -> str:
    return json.loads(UI_PACKAGE.read_text(encoding="utf-8"))["dependencies"]["@zazuko/yasgui"]


@pytest.mark.parametrize("name", VENDORED)
def test_vendored_file_exists_and_is_not_empty(name: str) -> None:
    path = VENDOR / name
    assert path.is_file(), f"{path.relative_to(ROOT)} missing: run scripts/build-query-ui.sh"
    assert path.stat().st_size > 0, f"{path.relative_to(ROOT)} is empty"


def test_yasgui_is_pinned_exactly_and_locked() -> None:
    version = pinned_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"pin an exact version, not {version!r}"
    lock = json.loads(UI_LOCK.read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/@zazuko/yasgui"]["version"] == version


def test_vendored_copy_is_the_pinned_version() -> None:
    notice = (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert f"@zazuko/yasgui {pinned_version()} " in notice, (
        "web/static/vendor/yasgui/ was not rebuilt after changing web/ui/package.json: "
        "run scripts/build-query-ui.sh"
    )
    assert "MIT License" in notice


def test_stylesheet_needs_no_other_file_and_no_remote_host() -> None:
    css = (VENDOR / "yasgui.min.css").read_text(encoding="utf-8")
    for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
        ref = ref.strip()
        if ref.startswith("data:"):
            continue
        assert not re.match(r"([a-z]+:)?//", ref, re.IGNORECASE), f"remote url({ref}) in CSS"
        assert (VENDOR / ref.split("?")[0].split("#")[0]).is_file(), f"url({ref}) not vendored"


@pytest.mark.parametrize("path", [QUERY_UI_JS, TEMPLATE], ids=lambda p: p.name)
def test_no_cdn_or_other_remote_url(path: Path) -> None:
    remote = [u for u in URL.findall(path.read_text(encoding="utf-8")) if not ALLOWED_URL.match(u)]
    assert remote == [], f"{path.relative_to(ROOT)} names remote URLs: {remote}"


def test_template_has_no_inline_script_code() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    scripts = SCRIPT.findall(text)
    assert scripts, "the template loads no script at all"
    json_blocks = 0
    for attrs, body in scripts:
        if re.search(r"\bsrc\s*=", attrs):
            assert body.strip() == "", f"<script{attrs}> has both src and a body"
            continue
        assert re.search(r"type\s*=\s*[\"']application/json[\"']", attrs), (
            f"inline <script{attrs}> with code: the CSP (script-src 'self') blocks it"
        )
        assert re.search(r"id\s*=\s*[\"']query-ui-config[\"']", attrs)
        assert body.strip() == "{{ config|tojson }}"
        json_blocks += 1
    assert json_blocks == 1
    # No script smuggled in by other means either.
    assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), "inline event handler"
    assert "javascript:" not in text.lower()


def test_template_links_assets_through_url_for() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    for asset in ("vendor/yasgui/yasgui.min.css", "vendor/yasgui/yasgui.min.js", "js/query-ui.js"):
        assert f"url_for('static', filename='{asset}')" in text, asset


def test_query_ui_js_builds_no_code_from_strings() -> None:
    js = QUERY_UI_JS.read_text(encoding="utf-8")
    for pattern in (r"\beval\s*\(", r"\bFunction\s*\(", r"set(Timeout|Interval)\s*\(\s*['\"`]"):
        assert not re.search(pattern, js), pattern
    assert "innerHTML" not in js


def test_bundle_has_no_dynamic_code_but_two_dead_fallbacks() -> None:
    """yasgui.min.js has no `new Function(`, and exactly two dynamic-code sites, both
    fallbacks no current browser reaches, so it runs without 'unsafe-eval':

    - store.js's json2 polyfill calls eval() only where JSON.parse is missing;
    - lodash calls Function('return this') only where neither `global` nor `self` exists.

    A new upstream version that adds another site fails here: check it under the CSP.
    """
    js = (VENDOR / "yasgui.min.js").read_text(encoding="utf-8")
    assert "new Function(" not in js
    evals = [m.start() for m in re.finditer(r"(?<![\w$.])eval\s*\(", js)]
    assert len(evals) == 1, f"{len(evals)} eval( calls in yasgui.min.js"
    guard = js.rfind("typeof JSON.parse!=`function`&&(JSON.parse=function", 0, evals[0])
    assert guard != -1 and evals[0] - guard < 2000, "the eval( is not the json2 fallback"
    functions = [m.start() for m in re.finditer(r"(?<![\w$.])Function\s*\(", js)]
    assert len(functions) == 1, f"{len(functions)} Function( calls in yasgui.min.js"
    assert js[functions[0] - 30 : functions[0]].endswith("freeGlobal||freeSelf||")


# A stand-in for base.html: the four blocks the page fills.
BASE = """<!doctype html><title>{% block title %}{% endblock %}</title>
{% block head %}{% endblock %}
<main>{% block content %}{% endblock %}</main>{% block scripts %}{% endblock %}"""


@pytest.fixture()
def app() -> Flask:
    app = Flask("query_ui_test", static_folder=str(WEB / "static"))
    app.jinja_loader = ChoiceLoader(
        [DictLoader({"base.html": BASE}), FileSystemLoader(str(WEB / "templates"))]
    )
    # This app has no blueprints to build the ask box's URL from: the template gets a path.
    app.jinja_env.globals["urls"] = SimpleNamespace(server_url=lambda endpoint: f"/{endpoint}")
    return app


def test_template_renders_config_as_inert_json(app: Flask) -> None:
    hostile = "SELECT * { ?s ?p ?o } # </script><script>alert(1)</script> & 'x'"
    config = {
        "endpoint": "/sparql",
        "prefixes": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
        "examples": [{"name": "labels", "title": "All labels", "query": hostile}],
        "query": hostile,
        "timeoutSeconds": 10,
    }
    examples = [{"name": "labels", "title": "All labels"}]
    with app.test_request_context("/sparql", base_url="http://kg.example/"):
        from flask import render_template

        html = render_template(
            "sparql/ui.html", config=config, examples=examples, prefixes=config["prefixes"]
        )
    scripts = SCRIPT.findall(html)
    assert [a for a, _ in scripts if "src=" not in a] == [
        ' type="application/json" id="query-ui-config"'
    ]
    body = next(b for a, b in scripts if "application/json" in a)
    assert json.loads(body) == config
    assert "</script><script>alert" not in html
    assert 'id="yasgui"' in html and 'id="query-examples"' in html
    assert 'data-example="labels"' in html and "All labels" in html
    assert "10" in html and "read-only" in html
    assert "curl -H 'Accept: application/sparql-results+json' --data-urlencode" in html
    assert "http://kg.example/sparql" in html
    assert "/static/vendor/yasgui/yasgui.min.js" in html


def test_autocomplete_asks_no_outside_vocabulary_service() -> None:
    """Yasqe's own class and property completers ask lov.linkeddata.es and its prefix one
    prefix.cc: the page enables none of them, only forks of them that read our /api/schema
    and /api/search (names from the config), plus Yasqe's variables completer."""
    js = QUERY_UI_JS.read_text(encoding="utf-8")
    assert "prefixCcApi: null" in js
    # Yasqe's defaults are replaced in place by our list, which starts from "variables" alone.
    assert re.search(r'var completers = \["variables"\];', js)
    assert "defaults.splice.apply(defaults, [0, defaults.length].concat(completers))" in js
    enabled = re.findall(r'completers\.push\(\s*"([^"]+)"', js)
    forked = re.findall(r'forkAutocompleter\(\s*"(\w+)",\s*\{\s*name: "?(\w+)"?', js)
    assert {base for base, _ in forked} == {"prefixes", "class", "property"}
    assert all(name.startswith("remedyKg") or name == "name" for _, name in forked)
    assert enabled == []  # every completer enabled is one of the names above, by variable
    # Nothing is fetched but the two URLs the server put in the config.
    assert re.findall(r"\bfetch\(([^,)]+)", js) == ["url"]
    assert re.findall(r"(?<!function )fetchJson\(([^)]+)\)", js) == ["config.schemaUrl", "url"]
    assert 'var url = config.searchUrl + "?' in js
    assert "XMLHttpRequest" not in js and "sendBeacon" not in js
