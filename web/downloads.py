"""Downloads: the whole dataset in every format, ontology, shapes, context, VoID, sitemap."""

from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    send_from_directory,
)

from kg.formats import RDF_FORMATS, RdfSyntax
from kg.namespaces import PREFIXES, Graphs
from web.descriptions import void_description
from web.entities import serialize
from web.negotiation import choose, content_type, rdf_offers, respond
from web.page_queries import page_query
from web.store import store
from web.urls import local_path

bp = Blueprint("downloads", __name__)

PARTS = {"remedy-kg": None, "ontology": Graphs.ONTOLOGY, "shapes": Graphs.SHAPES}
_lock = threading.Lock()


def _dump_path(part: str, syntax: RdfSyntax) -> Path:
    """A dump on disk, written once per app: the served store is read-only, so it stays true.

    Responses stream the file, so a large dataset is never held in memory per request.
    """
    folder = current_app.extensions.get("kg_dumps")
    if folder is None:
        folder = current_app.extensions["kg_dumps"] = Path(tempfile.mkdtemp(prefix="kg-dumps-"))
    path = folder / f"{part}.{syntax.extension}"
    with _lock:
        if not path.exists():
            partial = path.with_suffix(".partial")
            with partial.open("wb") as out:
                store.dump(out, syntax, graph=PARTS[part])
            partial.replace(path)
    return path


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
    # An attachment: a browser saves the 150 MB dump rather than trying to display it.
    return send_file(_dump_path(part, syntax), mimetype=content_type(syntax.media_type),
                     download_name=f"{part}.{extension}", as_attachment=True)


@bp.get("/favicon.ico")
def favicon() -> Response:
    # Browsers ask for /favicon.ico on pages without an icon link (a download, a JSON answer).
    assert current_app.static_folder is not None
    return send_from_directory(current_app.static_folder, "favicon.svg",
                               mimetype="image/svg+xml", max_age=86400)


@bp.get("/context.jsonld")
def context() -> Response:
    body = json.dumps({"@context": PREFIXES}, indent=2)
    return Response(body, content_type=content_type("application/ld+json"))


@bp.get("/.well-known/void")
def void() -> Response:
    offer = choose(rdf_offers())
    assert isinstance(offer.syntax, RdfSyntax)
    graph = void_description(store, request.host_url, current_app.config["DATA_LICENSE"])
    return respond(serialize(graph, offer.syntax), offer)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    rows = store.query(page_query("entities")).column("entity")
    urls = [request.host_url.rstrip("/") + path for path in map(local_path, rows) if path]
    return Response(render_template("downloads/sitemap.xml", urls=urls),
                    content_type="application/xml")
