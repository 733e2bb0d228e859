"""Where the graph lives: one interface, several backends."""

from pathlib import Path

from kg.namespaces import configured_base, namespaces
from kg.store.base import QuerySyntaxError, QueryTimeout, Store, StoreError
from kg.store.oxigraph import OxigraphStore
from kg.store.remote import Endpoints, RemoteStore
from kg.store.transport import Credentials

__all__ = [
    "Endpoints", "OxigraphStore", "QuerySyntaxError", "QueryTimeout", "RemoteStore", "Store",
    "StoreError", "is_endpoint", "open_store",
]


def is_endpoint(location: str | Path | None) -> bool:
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def open_store(
    location: str | Path | None,
    *,
    read_only: bool = False,
    update_endpoint: str | None = None,
    graph_store: str | None = None,
    base: str | None = None,
) -> Store:
    """Open a store: None or ':memory:' for memory, an http(s) URL for a SPARQL engine's query
    endpoint (credentials from KG_ENDPOINT_USER/PASSWORD or KG_ENDPOINT_TOKEN), else an on-disk
    directory.

    A read-only store must already exist; its absence is a StoreError, not an empty store.
    `base` is the dataset's base IRI (default: $KG_BASE_IRI, else the canonical one): a build
    writes under it, and queries read through the store are rebased to it.
    """
    store = _open(location, read_only=read_only, update_endpoint=update_endpoint,
                  graph_store=graph_store)
    store.namespaces = namespaces(base or configured_base())
    return store


def _open(location: str | Path | None, *, read_only: bool, update_endpoint: str | None,
          graph_store: str | None) -> Store:
    if is_endpoint(location):
        endpoints = Endpoints(str(location), update_endpoint, graph_store)
        return RemoteStore(endpoints, credentials=Credentials.from_environment(),
                           read_only=read_only)
    if update_endpoint or graph_store:
        raise StoreError("--update-endpoint and --graph-store need an endpoint URL, "
                         f"not the store folder {location}")
    if location in (None, "", ":memory:"):
        return OxigraphStore(None)
    path = Path(location)
    if read_only and not (path / "CURRENT").exists():
        raise StoreError(f"no store at {path}: run `kg build` first")
    return OxigraphStore(path, read_only=read_only)
