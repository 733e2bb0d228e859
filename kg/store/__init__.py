"""Where the graph lives: one interface, several backends."""

from pathlib import Path

from kg.store.base import QuerySyntaxError, QueryTimeout, Store, StoreError
from kg.store.oxigraph import OxigraphStore

__all__ = [
    "OxigraphStore", "QuerySyntaxError", "QueryTimeout", "Store", "StoreError", "open_store",
]


def open_store(location: str | Path | None, *, read_only: bool = False) -> Store:
    """Open a store: None or ':memory:' for memory, else an on-disk directory.

    A read-only store must already exist; its absence is a StoreError, not an empty store.
    """
    if location in (None, "", ":memory:"):
        return OxigraphStore(None)
    path = Path(location)
    if read_only and not (path / "CURRENT").exists():
        raise StoreError(f"no store at {path}: run `kg build` first")
    return OxigraphStore(path, read_only=read_only)
