"""Downloads: the whole dataset in every format, ontology, shapes, context, VoID, sitemap."""

from __future__ import annotations

import io
import json
import queue
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    send_from_directory,
    url_for,
)

from kg.dump_writer import DumpChild
from kg.formats import RDF_FORMATS, RdfSyntax
from kg.store import Store
from kg.store_child import ChildSource
from web import memory
from web.descriptions import void_description
from web.entities import serialize
from web.negotiation import choose, content_type, rdf_offers, respond
from web.page_queries import page_query
from web.store import namespaces, store
from web.urls import local_path
from web.whole_answers import WholeAnswer, whole_answer

bp = Blueprint("downloads", __name__)

# Each download and the named graph it holds (an attribute of GraphNames; None: all curated).
PARTS = {"remedy-kg": None, "ontology": "ONTOLOGY", "shapes": "SHAPES"}
CHUNK = 256 * 1024
QUEUED_CHUNKS = 16  # at most 4 MB between the writer and a slow client
FIRST_BYTE_WAIT = 600.0


class _Cancelled(Exception):
    """The client went away: stop writing the dump."""


class _ChunkWriter(io.RawIOBase):
    """A file for store.dump() that hands chunks to the response and tees them to a file."""

    def __init__(self, chunks: queue.Queue, tee: BinaryIO, cancelled: threading.Event):
        self.chunks, self.tee, self.cancelled = chunks, tee, cancelled
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self.flush_chunk()
        return len(data)

    def flush_chunk(self) -> None:
        if not self.buffer:
            return
        chunk, self.buffer = bytes(self.buffer), bytearray()
        self.tee.write(chunk)
        while True:
            if self.cancelled.is_set():
                raise _Cancelled
            try:
                self.chunks.put(chunk, timeout=1)
                return
            except queue.Full:
                continue


def _folder() -> Path:
    """The app's dump folder, removed when the server exits."""
    folder = current_app.extensions.get("kg_dumps")
    if folder is None:
        with _folder_lock:
            folder = current_app.extensions.get("kg_dumps")
            if folder is None:
                folder = Path(tempfile.mkdtemp(prefix="kg-dumps-"))
                weakref.finalize(current_app._get_current_object(),  # type: ignore[attr-defined]
                                 shutil.rmtree, folder, ignore_errors=True)
                current_app.extensions["kg_dumps"] = folder
    return folder


_folder_lock = threading.Lock()
_DONE = object()


def _partial(path: Path) -> Path:
    """A new file beside `path` for one first download to write (each writes its own)."""
    return Path(tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".partial")[1])


def _written_by_child(source: ChildSource, graph: str | None, syntax: RdfSyntax,
                      path: Path) -> Iterator[bytes]:
    """Stream the dump a child process writes (kg.dump_writer), as the file grows; keep the
    file when the child exits whole.

    The server never reads the whole store (its RocksDB files stayed in the server's memory:
    +96-106 MB at 1M). No lock: each first download has its own child and file, and the last
    to finish replaces the kept file atomically. A child that fails before the first byte
    makes an error response; after it, the connection is cut and the file removed, so a
    client never takes a short dump for a whole one. A client that goes away stops the child.
    """
    partial = _partial(path)
    reader = partial.open("rb", buffering=0)
    try:
        child = DumpChild(source, syntax, graph, partial)
    except BaseException:
        reader.close()
        partial.unlink(missing_ok=True)
        raise
    try:
        first = child.read(reader, CHUNK, FIRST_BYTE_WAIT)
    except BaseException:
        _finish(child, reader, partial, path)
        raise

    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def body() -> Iterator[bytes]:
        chunk = first
        try:
            while chunk:
                yield chunk
                chunk = child.read(reader, CHUNK, FIRST_BYTE_WAIT)
        finally:
            _finish(child, reader, partial, path)
            # The dump went through the heap in chunks and the server's output buffers: the
            # server's RSS rose by 50 MB at 1M until the next long request trimmed it.
            memory.after_large_work(app)

    return body()


def _finish(child: DumpChild, reader: BinaryIO, partial: Path, path: Path) -> None:
    """Stop the child if it still runs; keep its file only if it exited whole."""
    child.stop()
    reader.close()
    if child.whole:
        partial.replace(path)
    else:
        partial.unlink(missing_ok=True)


def _streamed(the_store: Store, graph: str | None, syntax: RdfSyntax,
              path: Path) -> Iterator[bytes]:
    """Write the dump in a thread of this process and stream it as it comes; keep the file
    when complete: for a store only this process can read (in memory), see ChildSource.

    No lock, as `_written_by_child`. pyoxigraph's serialisers stream, so the first byte comes
    at once. An error before the first byte becomes an error response; after it, the
    connection is cut.
    """
    chunks: queue.Queue = queue.Queue(QUEUED_CHUNKS)
    cancelled = threading.Event()
    failure: list[BaseException] = []
    partial = _partial(path)

    def write() -> None:
        try:
            with partial.open("wb") as tee:
                writer = _ChunkWriter(chunks, tee, cancelled)
                the_store.dump(writer, syntax, graph=graph)
                writer.flush_chunk()
            partial.replace(path)
        except _Cancelled:
            partial.unlink(missing_ok=True)
        except BaseException as exc:  # noqa: BLE001 - handed to the response
            partial.unlink(missing_ok=True)
            failure.append(exc)
        finally:
            while not cancelled.is_set():
                try:
                    chunks.put(_DONE, timeout=1)
                    break
                except queue.Full:
                    continue

    threading.Thread(target=write, name=f"dump {path.name}", daemon=True).start()
    first = chunks.get(timeout=FIRST_BYTE_WAIT)
    if first is _DONE and failure:
        raise failure[0]

    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def body() -> Iterator[bytes]:
        chunk = first
        try:
            while chunk is not _DONE:
                yield chunk
                chunk = chunks.get()
            if failure:
                raise failure[0]
        finally:
            cancelled.set()
            memory.after_large_work(app)  # the whole graph went through the heap

    return body()


@bp.get("/downloads")
def index() -> str:
    files = [(part, syntax) for part in PARTS for syntax in RDF_FORMATS.values()
             if part == "remedy-kg" or not syntax.quads]
    return render_template("downloads/index.html", files=files)


@bp.get("/downloads/<part>.<extension>")
def download(part: str, extension: str) -> Response:
    syntax = next((f for f in RDF_FORMATS.values() if f.extension == extension), None)
    if part not in PARTS or syntax is None or (part != "remedy-kg" and syntax.quads):
        abort(404, description=f"There is no download called {part}.{extension}; "
                               "see /downloads for the list.")
    path = _folder() / f"{part}.{syntax.extension}"
    media_type = content_type(syntax.media_type)
    # An attachment: a browser saves the 150 MB dump rather than trying to display it.
    if path.exists():
        return send_file(path, mimetype=media_type, download_name=f"{part}.{extension}",
                         as_attachment=True)
    the_store = store._get_current_object()  # type: ignore[attr-defined]
    graph = getattr(the_store.namespaces.graphs, PARTS[part]) if PARTS[part] else None
    source = ChildSource.of(the_store)
    body = (_streamed(the_store, graph, syntax, path) if source is None
            else _written_by_child(source, graph, syntax, path))
    response = Response(body, mimetype=media_type)
    response.headers.set("Content-Disposition", "attachment", filename=f"{part}.{extension}")
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    # Browsers ask for /favicon.ico on pages without an icon link (a download, a JSON answer).
    assert current_app.static_folder is not None
    return send_from_directory(current_app.static_folder, "favicon.svg",
                               mimetype="image/svg+xml", max_age=86400)


@bp.get("/context.jsonld")
def context() -> Response:
    body = json.dumps({"@context": namespaces.PREFIXES}, indent=2)
    return Response(body, content_type=content_type("application/ld+json"))


@bp.get("/.well-known/void")
def void() -> Response:
    offer = choose(rdf_offers())
    assert isinstance(offer.syntax, RdfSyntax)
    graph = void_description(store, request.host_url, current_app.config["DATA_LICENSE"])
    return respond(serialize(graph, offer.syntax), offer)


# The sitemaps protocol's most URLs in one sitemap file (sitemaps.org/protocol.html): above it,
# /sitemap.xml is a sitemap index that lists the parts, /sitemap-1.xml, /sitemap-2.xml...
SITEMAP_URLS = 50_000


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    entities = whole_answer(page_query("entities"))
    if entities.total <= SITEMAP_URLS:
        return _xml("downloads/sitemap.xml", urls=_absolute(_entity_paths(entities)))
    # The index needs only how many entities there are, not their pages.
    return _xml("downloads/sitemap-index.xml", urls=_absolute(sitemap_parts(entities.total)))


@bp.get("/sitemap-<part>.xml")
def sitemap_part(part: str) -> Response:
    entities = whole_answer(page_query("entities"))
    parts = sitemap_parts(entities.total)
    number = int(part) if part.isascii() and part.isdigit() and part[0] != "0" else 0
    if not 1 <= number <= len(parts):
        abort(404, description=f"There is no sitemap part {part!r}: /sitemap.xml "
                               + (f"lists the {len(parts)} parts there are." if len(parts) > 1
                                  else "holds every URL in one file."))
    start = (number - 1) * SITEMAP_URLS
    paths = _entity_paths(entities)[start:start + SITEMAP_URLS]
    return _xml("downloads/sitemap.xml", urls=_absolute(paths))


def sitemap_parts(urls: int) -> list[str]:
    """The paths of the sitemap's parts, for `urls` URLs (none when one file holds them)."""
    count = -(-urls // SITEMAP_URLS)
    return [url_for("downloads.sitemap_part", part=str(n)) for n in range(1, count + 1)] \
        if count > 1 else []


def _entity_paths(entities: WholeAnswer) -> list[str]:
    """The page of every entity, in IRI order (so each part holds the same URLs every time).
    The entity list is computed once and kept (web.whole_answers): the query scans every
    triple of the data graph (4.7 s at a million triples, load average 2-4)."""
    iris = sorted(entities.page(0, entities.total).column("entity"), key=str)
    return [path for path in map(local_path, iris) if path]


def _absolute(paths: list[str]) -> list[str]:
    host = request.host_url.rstrip("/")
    return [host + path for path in paths]


def _xml(template: str, **context: object) -> Response:
    return Response(render_template(template, **context), content_type="application/xml")
