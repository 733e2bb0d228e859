"""The static copy (`kg site`, web/site.py): written from the shipped graph, served by Python's
http.server as any static host would, every link of every page answers, every RDF variant
answers, and a sample of them (each family, each syntax) is byte for byte what the live route
sends. The engine does not matter here (the copy is made through the
app), so this runs once, on the embedded store."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from rdflib import Graph, URIRef

from kg.store import OxigraphStore, Store
from tests.conftest import make_app
from tests.engines import free_port
from web.negotiation import BY_EXTENSION
from web.site import MARKER, SiteError, file_for, page_links, write_site


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Hrefs(HTMLParser):
    """Every href and src of a page (written apart from web.site's parser, so a link it missed
    is not missed here too)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links.extend(v for k, v in attrs if k in ("href", "src", "action") and v)


@pytest.fixture(scope="module")
def served(embedded_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The copy of the shipped graph, served by http.server on a free port."""
    port = free_port()
    site_url = f"http://127.0.0.1:{port}/"
    out = tmp_path_factory.mktemp("site") / "copy"
    started = time.perf_counter()
    report = write_site(make_app(embedded_store, STATIC_COPY=True), out, site_url)
    print(f"\nkg site: {report.files} files, {report.pages} pages, {report.bytes} bytes, "
          f"{time.perf_counter() - started:.1f} s")
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": site_url, "out": out, "report": report}
    server.shutdown()
    server.server_close()


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def _page_url(out: Path, page: Path, site_url: str) -> str:
    """The address a browser shows for a page of the copy (a folder's, after the redirect)."""
    folder = page.parent.relative_to(out).as_posix()
    return site_url + ("" if folder == "." else folder + "/")


def test_every_link_of_every_page_answers_on_a_static_server(served: dict) -> None:
    out, site_url = served["out"], served["url"]
    host = urlsplit(site_url).netloc
    pages = sorted(out.rglob("*.html"))
    links: dict[str, str] = {}  # link -> a page with it
    for page in pages:
        base = _page_url(out, page, site_url)
        parser = _Hrefs()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            target = urldefrag(urljoin(base, link))[0]
            if urlsplit(target).netloc == host:
                links.setdefault(target, base)
    with ThreadPoolExecutor(8) as pool:
        answers = dict(zip(links, pool.map(_fetch, links), strict=True))
    served["answers"] = answers  # the RDF variants among them are checked below
    broken = [f"{page} -> {link}: {answers[link][0]}" for link, page in links.items()
              if answers[link][0] != 200]
    print(f"\n{len(pages)} pages, {len(links)} distinct links within the site")
    assert len(pages) == served["report"].pages > 900  # every entity has its page
    assert broken == []


def test_each_rdf_variant_is_what_the_live_route_sends(served: dict,
                                                       embedded_client) -> None:
    out, site_url = served["out"], served["url"]
    files = sorted(f for f in (out / "id").rglob("*") if f.suffix.lstrip(".") in BY_EXTENSION)
    assert len(files) == 4 * len(list((out / "id").glob("*/*/index.html")))
    paths = ["/" + f.relative_to(out).as_posix() for f in files]
    answers = served.get("answers", {})  # what the link walk fetched, if it ran
    with ThreadPoolExecutor(8) as pool:
        fetched = list(pool.map(lambda p: answers.get(site_url.rstrip("/") + p)
                                or _fetch(site_url.rstrip("/") + p), paths))
    assert [p for p, (status, _) in zip(paths, fetched, strict=True) if status != 200] == []
    # Byte for byte against the live route and parsed: the first entity of each family in each
    # syntax (every file is written by the same code path; all of them took 20 s).
    sample: dict[tuple[str, str], int] = {}
    for i, path in enumerate(paths):
        sample.setdefault((path.split("/")[2], path.rsplit(".", 1)[1]), i)
    assert len(sample) >= 4 * 10
    wrong = []
    for i in sorted(sample.values()):
        path, (status, body) = paths[i], fetched[i]
        live = embedded_client.get(path)
        syntax = BY_EXTENSION[path.rsplit(".", 1)[1]]
        graph = Graph().parse(data=body, format=syntax.rdflib)
        iri = URIRef("https://w3id.org/remedy-kg" + path.rsplit(".", 1)[0])
        if status != 200 or body != live.data or (iri, None, None) not in graph:
            wrong.append(path)
    assert wrong == []


def test_dynamic_parts_say_they_need_a_server(served: dict) -> None:
    out = served["out"]
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="/needs-a-server/sparql"' in home
    assert 'action="/needs-a-server/search"' in home
    assert "data-autocomplete" not in home  # no suggestions from an API that is not there
    claim = next((out / "id" / "claim").glob("*/index.html")).read_text(encoding="utf-8")
    assert "read-only copy" in claim and 'method="post"' not in claim
    assert "csrf_token" not in claim  # nothing tied to a session: the copy is the same each run
    # The community parts, spliced into the kept page, are there, read-only, with no mark left.
    assert "Community votes:" in claim and "Community activity" in claim
    assert "\ue000" not in claim
    assert "A read-only static copy of the site" in claim  # every page says so in its footer
    notice = (out / "needs-a-server" / "sparql" / "index.html").read_text(encoding="utf-8")
    assert "read-only static copy" in notice


def test_a_live_url_takes_the_dynamic_links(tmp_path: Path) -> None:
    store = OxigraphStore(None)  # an empty graph: the links, not the data, are under test
    app = make_app(store, STATIC_COPY=True, LIVE_URL="https://remedy.example.org/")
    write_site(app, tmp_path / "copy")
    home = (tmp_path / "copy" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://remedy.example.org/sparql"' in home
    assert 'action="https://remedy.example.org/search"' in home
    assert not (tmp_path / "copy" / "needs-a-server").exists()


def test_a_failed_run_leaves_the_previous_copy(tmp_path: Path) -> None:
    store = OxigraphStore(None)
    out = tmp_path / "copy"
    write_site(make_app(store, STATIC_COPY=True), out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    app = make_app(store, STATIC_COPY=True)
    app.view_functions["pages.home"] = lambda: '<a href="/nowhere">a broken link</a>'
    with pytest.raises(SiteError) as failure:
        write_site(app, out)
    assert "/ links to /nowhere: 404" in str(failure.value)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    app = make_app(store, STATIC_COPY=True)  # a new app: pages are kept per app
    app.view_functions["pages.home"] = lambda: 1 / 0  # a crash mid-run, not a finding
    with pytest.raises(ZeroDivisionError):
        write_site(app, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["copy"]  # no half-written folder left


def test_a_folder_it_did_not_write_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SiteError, match="not a copy written by `kg site`"):
        write_site(make_app(OxigraphStore(None), STATIC_COPY=True), tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / MARKER).exists()


def test_the_copy_is_the_same_each_run(tmp_path: Path) -> None:
    store = OxigraphStore(None)
    for name in ("a", "b"):
        write_site(make_app(store, STATIC_COPY=True), tmp_path / name)
    files = {p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()}
    assert files == {p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*")
                     if p.is_file()}
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
               for f in files)


def test_where_a_static_server_finds_each_path() -> None:
    assert str(file_for("/", html=True)) == "index.html"
    assert str(file_for("/id/remedy/acupuncture", html=True)) == "id/remedy/acupuncture/index.html"
    assert str(file_for("/evidence-map/", html=True)) == "evidence-map/index.html"
    assert str(file_for("/id/remedy/acupuncture.ttl", html=False)) == "id/remedy/acupuncture.ttl"
    for bad in ("/id/../etc/passwd", "/downloads/", "/a//b"):
        with pytest.raises(ValueError):
            file_for(bad, html=False)


def test_page_links_finds_links_and_posting_forms() -> None:
    links, posts = page_links('<a href="/a">a</a><img src="/b.svg"><form method="POST" '
                              'action="/c"></form><form action="/d"></form>')
    assert links == ["/a", "/b.svg", "/c", "/d"] and posts == ["/c"]


def test_kg_site_writes_a_copy_and_says_what(runner, tmp_path: Path) -> None:
    from kg.cli import main

    out = tmp_path / "copy"
    result = runner.invoke(main, ["--store", ":memory:", "site", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "pages" in result.output and str(out) in result.output
    assert (out / "index.html").exists() and (out / MARKER).exists()


def test_kg_site_refuses_a_site_url_with_a_path(runner, tmp_path: Path) -> None:
    from kg.cli import main

    result = runner.invoke(main, ["--store", ":memory:", "site", "--out", str(tmp_path / "c"),
                                  "--site-url", "https://example.org/remedy/"])
    assert result.exit_code == 1
    assert "the site URL must be http(s)://host[:port]/" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "c").exists()


def test_links_a_static_server_would_answer_wrongly_stop_the_run(tmp_path: Path) -> None:
    app = make_app(OxigraphStore(None), STATIC_COPY=True)
    app.view_functions["pages.home"] = lambda: (
        '<a href="/search?q=acu">a search</a> <a href="/needs-a-server/sparql?query=ASK{}">'
        'ok: the page ignores its query</a> <form method="post" action="/"></form>')
    with pytest.raises(SiteError) as failure:
        write_site(app, tmp_path / "copy")
    problems = failure.value.problems
    assert problems == [
        "/ has a form that posts to /: a static copy takes no posts",
        "/ links to /search?q=acu, whose answer depends on its query: a static copy cannot "
        "hold it"]
    assert not (tmp_path / "copy").exists()
