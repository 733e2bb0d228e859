"""A static copy of the site (`kg site --out DIR`): every page, every RDF variant of every
entity, the ontology, the downloads and the static assets, fetched through the app itself (its
test client over the built store), so the copy is byte for byte what the server sends.

URL layout. A static server maps a path to a file. An HTML page at `/id/remedy/acupuncture` is
written as `id/remedy/acupuncture/index.html`: Python's http.server, nginx, Apache, S3 website
hosting, GitHub Pages and Netlify all answer `/id/remedy/acupuncture` with a redirect to
`/id/remedy/acupuncture/` and then that index file, with no rewrite rule, so every URL the site
prints keeps working. (`acupuncture.html` needs a rewrite rule on http.server, nginx and Apache;
a file named `acupuncture` without an extension is sent as `application/octet-stream` and
downloaded rather than shown.) Every other representation is a file at its own path
(`id/remedy/acupuncture.ttl`, `downloads/remedy-kg.nq`, `.well-known/void`).

What needs a server. The pages are rendered with STATIC_COPY on: links to the SPARQL endpoint,
search results, safety answers, the community's forms and the API go to LIVE_URL when one is
given, else to `/needs-a-server/<part>`, a page of the copy that says so (web.urls.server_url).
A static server ignores a query string, so a link with one is kept only when the app answers it
exactly as the same path without it; any other link the copy could not answer (an error, a
redirect elsewhere, a query that changes the answer, a form that posts) stops the run with the
page and the link named.

Atomic: the copy is written into a new folder beside DIR, then swapped in by renames; a failed
run leaves the previous copy as it was. DIR must be empty, missing, or an earlier copy (it holds
the marker file `.kg-site`), so the command never deletes a folder it did not write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from flask import Blueprint, Config, Flask, abort, render_template, url_for

from kg.formats import RDF_FORMATS
from kg.store import Store, StoreError, open_store
from kg.store.oxigraph import exchange_folders
from web import settings
from web.downloads import sitemap_parts
from web.negotiation import ENTITY_SYNTAXES
from web.page_queries import page_query
from web.store import get_store_of
from web.urls import local_path

bp = Blueprint("site", __name__)

MARKER = ".kg-site"

# The parts only a running server answers, by the blueprint whose endpoints serve them.
NEEDS_SERVER = {
    "sparql": ("The SPARQL endpoint",
               "The query editor and the SPARQL 1.1 endpoint run each query on the server; "
               "the SPARQL behind every page is the same query you can run on a download."),
    "search": ("Search",
               "Search results and the suggestions as you type are looked up on the server. "
               "The sitemap (linked from the downloads page) lists every entity page of this "
               "copy."),
    "safety": ("An answer to “Is it safe for me?”",
               "The answer is computed for the condition, situations and medicines you choose, "
               "by a query run on the server. The form is here as the site shows it."),
    "community": ("Taking part in the community",
                  "Votes, posts, replies, reports and “did it help you?” answers are written "
                  "by the server; this copy shows them as they were when it was made."),
    "openapi": ("The JSON API",
                "The API and its OpenAPI description are answered by the server."),
    "api": ("The JSON API", "The API is answered by the server."),
    "ask": ("Ask in words",
            "A question in words is matched to a query and run on the server."),
    "validate": ("Check a data change",
                 "A proposed change is checked against the shapes and the quality checks by the "
                 "server."),
}


@bp.get("/needs-a-server/<part>")
def needs_server(part: str) -> str:
    if part not in NEEDS_SERVER:
        abort(404, description=f"There is no part called {part!r}.")
    what, why = NEEDS_SERVER[part]
    return render_template("site/needs_server.html", what=what, why=why)


class SiteError(Exception):
    """The copy could not be written; nothing was changed. Carries every problem found."""

    def __init__(self, problems: list[str]):
        shown = problems[:20]
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__("the static copy was not written:\n" + "\n".join(shown) + more)
        self.problems = problems


@dataclass
class SiteReport:
    """What a run wrote."""

    out: Path
    pages: int = 0  # HTML pages
    files: int = 0  # every file, pages included
    bytes: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)  # files per extension ("html", "ttl"...)


class _Links(HTMLParser):
    """The href, src and form action values of a page, and whether a form posts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.posts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "action"):
            if values.get(name):
                self.links.append(values[name])  # type: ignore[arg-type]
        if tag == "form" and (values.get("method") or "get").lower() == "post":
            self.posts.append(values.get("action") or "")


def page_links(html: str) -> tuple[list[str], list[str]]:
    """The links of an HTML page (href, src, form actions) and the actions of forms that post."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.links, parser.posts


def file_for(path: str, html: bool) -> PurePosixPath:
    """Where a static server looks for the answer to `path` (see the module's comment)."""
    parts = [unquote(p) for p in path.split("/")[1:]]
    if any(p in ("", ".", "..") or "/" in p or "\\" in p for p in parts[:-1]) \
            or parts[-1] in (".", ".."):
        raise ValueError(f"{path} cannot be a file path")
    if html:
        return PurePosixPath(*[p for p in parts if p], "index.html")
    if not parts[-1]:
        raise ValueError(f"{path} ends with / but is not a page")
    return PurePosixPath(*parts)


def seeds(app: Flask, site_url: str) -> list[str]:
    """Where the walk starts: the pages and documents nothing else need link to (every entity
    and its RDF variants, the dumps, the static assets); the rest is found by following links."""
    store = get_store_of(app)
    with app.test_request_context("/", base_url=site_url):
        paths = [url_for("pages.home"), url_for("search.results"), url_for("safety.page"),
                 url_for("downloads.index"), url_for("downloads.sitemap"),
                 url_for("downloads.context"), url_for("downloads.void"),
                 url_for("downloads.favicon"), url_for("evidence_map.site")]
        pages = [path for iri in sorted(store.query(page_query("entities")).column("entity"),
                                        key=str) if (path := local_path(iri))]
        for path in pages:
            paths.append(path)
            paths.extend(f"{path}.{f.extension}" for f in ENTITY_SYNTAXES.values())
        paths.extend(sitemap_parts(len(pages)))  # the sitemap's parts, when it is an index
        paths.extend(url_for("community.download", extension=f.extension)
                     for f in RDF_FORMATS.values())
        static = Path(app.static_folder or "")
        paths.extend(url_for("static", filename=f.relative_to(static).as_posix())
                     for f in sorted(static.rglob("*")) if f.is_file())
    return paths


def static_app(store: Store, live_url: str | None = None) -> Flask:
    """The app as `kg serve` would build it (KG_* settings from the environment), rendering
    for a static copy, with no rate limit for the walk's thousands of requests."""
    from web import create_app

    config = Config(".")
    config.from_mapping(settings.defaults())
    config.from_prefixed_env("KG")
    config.update(STATIC_COPY=True, LIVE_URL=live_url or config["LIVE_URL"], RATE_LIMIT="",
                  SPARQL_RATE_LIMIT="")
    return create_app(dict(config), store=store)


def check_out(out: Path) -> None:
    """Refuse a folder this command did not write: the run replaces it."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                              and not (out / MARKER).exists())):
        raise SiteError([f"{out} exists and is not a copy written by `kg site` (no {MARKER} "
                         "in it): give a new or empty folder"])


def check_site_url(site_url: str) -> str:
    """The address the copy will be served at: scheme and host, with the path `/`."""
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc \
            or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SiteError([f"the site URL must be http(s)://host[:port]/ (the copy is served at "
                         f"the root of a host), not {site_url!r}"])
    return f"{parts.scheme}://{parts.netloc}/"


def write_site(app: Flask, out: Path, site_url: str = "http://localhost:8000/") -> SiteReport:
    """Write the static copy of `app` (built with STATIC_COPY on) into `out`, atomically."""
    if not app.config["STATIC_COPY"]:
        raise ValueError("write_site needs an app built with STATIC_COPY=True")
    site_url = check_site_url(site_url)
    out = out.resolve()
    check_out(out)
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.partial-"))
    folder.chmod(0o755)  # mkdtemp's 0700 would hide the copy from a web server's own user
    try:
        report = _walk(app, folder, site_url, seeds(app, site_url))
        (folder / MARKER).write_text("A static copy written by `kg site`; the next run "
                                     "replaces this folder.\n", encoding="utf-8")
        # GitHub Pages would hide .well-known/ from a Jekyll build; this file turns that off.
        (folder / ".nojekyll").write_bytes(b"")
        _swap(folder, out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    report.out = out
    report.seconds = time.perf_counter() - started
    return report


def _walk(app: Flask, folder: Path, site_url: str, start: Iterable[str]) -> SiteReport:
    client = app.test_client(use_cookies=False)
    site = urlsplit(site_url)
    report = SiteReport(folder)
    problems: list[str] = []
    queue: deque[tuple[str, str]] = deque()
    queried: list[tuple[str, str]] = []  # links with a query string, checked at the end
    seen: set[str] = set()
    written: dict[PurePosixPath, str] = {}
    bodies: dict[str, bytes] = {}  # the answer of each path written

    def follow(link: str, page: str) -> None:
        base = site_url.rstrip("/") + (page if page.startswith("/") else "/")
        target = urlsplit(urljoin(base, link))
        if target.scheme not in ("http", "https") or target.netloc != site.netloc:
            return  # outside the site: not the copy's to answer
        for url in (target.path, target.path + "?" + target.query if target.query else None):
            if url and url not in seen:
                seen.add(url)
                (queried if "?" in url else queue).append((url, page))

    def get(url: str) -> tuple[int, str, str | None, bytes]:
        response = client.get(url, base_url=site_url)
        try:
            return (response.status_code, response.mimetype, response.location,
                    response.get_data())
        finally:
            response.close()

    for url in start:
        follow(url, "(start)")
    while queue:
        url, referrer = queue.popleft()
        status, mimetype, location, body = get(url)
        if status in (301, 302, 303, 307, 308):
            moved = urlsplit(urljoin(site_url.rstrip("/") + url, location))
            if moved.netloc == site.netloc and moved.path == url + "/" and not moved.query:
                follow(moved.path, referrer)  # a static server redirects to the folder too
            else:
                problems.append(f"{referrer} links to {url}, which redirects to {location}")
            continue
        if status != 200:
            problems.append(f"{referrer} links to {url}: {status}")
            continue
        html = mimetype == "text/html"
        try:
            name = file_for(url, html)
        except ValueError as exc:
            problems.append(f"{referrer} links to {url}: {exc}")
            continue
        if name in written:
            problems.append(f"{url} and {written[name]} would both be {name}")
            continue
        written[name] = url
        bodies[url] = body
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        report.files += 1
        report.bytes += len(body)
        kind = "html" if html else (PurePosixPath(url).suffix.lstrip(".") or "other")
        report.by_kind[kind] = report.by_kind.get(kind, 0) + 1
        if html:
            report.pages += 1
            links, posts = page_links(body.decode("utf-8"))
            problems.extend(f"{url} has a form that posts to {action}: a static copy takes "
                            "no posts" for action in posts)
            # A static server shows the page at url/ (after its redirect to the folder), so
            # a relative link must resolve there as it does at url.
            here = url if url.endswith("/") else url + "/"
            for link in links:
                if link.startswith("#"):
                    continue  # the same page
                if urljoin(url, link) != urljoin(here, link):
                    problems.append(f"{url} has a relative link {link!r}, which a static "
                                    "server's folder page resolves elsewhere")
                follow(link, here)
    # A static server answers /path?query with /path's file: only right when the app does too.
    for url, referrer in queried:
        path = url.partition("?")[0]
        expected = bodies.get(path, bodies.get(path + "/"))
        if expected is not None and get(url)[3] != expected:
            problems.append(f"{referrer} links to {url}, whose answer depends on its query: "
                            "a static copy cannot hold it")
    if problems:
        raise SiteError(problems)
    return report


def _swap(folder: Path, out: Path) -> None:
    """Put the new copy in place of the old in one atomic exchange where Linux offers it (the
    store's own folder swap), then remove the old copy."""
    if not out.exists():
        folder.rename(out)
        return
    exchange_folders(folder, out)
    shutil.rmtree(folder)


def describe(report: SiteReport) -> str:
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(report.by_kind.items()))
    return (f"wrote {report.files} files ({report.pages} pages; {kinds}), "
            f"{report.bytes / 1e6:.1f} MB, in {report.seconds:.1f} s to {report.out}")


def run(location: str, out: str, site_url: str, live_url: str | None) -> int:
    """`kg site` itself, in the process run_in_fixed_order starts: 0, or 1 with the message."""
    try:
        with open_store(location, read_only=True) as store:
            report = write_site(static_app(store, live_url or None), Path(out), site_url)
    except (SiteError, StoreError, OSError) as exc:  # OSError: a folder it cannot write
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(describe(report), file=sys.stderr)
    return 0


def run_in_fixed_order(location: str, out: Path, site_url: str,
                       live_url: str | None) -> tuple[int, str]:
    """Run `run` in a new Python with a fixed string hash seed; its exit code and output.

    rdflib's JSON-LD, RDF/XML and N-Triples writers and the pages' lists follow the order of
    Python sets, which changes with the per-process hash seed: the same store would give a
    copy that differs in every run. With PYTHONHASHSEED=0 two runs write the same bytes.
    """
    code = ("import sys; from web.site import run; "
            "sys.exit(run(*sys.argv[1:4], sys.argv[4] if len(sys.argv) > 4 else None))")
    argv = [sys.executable, "-c", code, location, str(out), site_url, *([live_url] if live_url
                                                                        else [])]
    done = subprocess.run(argv, env={**os.environ, "PYTHONHASHSEED": "0"}, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    return done.returncode, done.stdout
