"""The store as an app resource: opened by the app factory, reached through `store`."""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.local import LocalProxy

from kg.namespaces import Namespaces
from kg.project import Project
from kg.store import Store, StoreError, open_store

EXTENSION = "kg_store"


def init_app(app: Flask, store: Store | None = None) -> None:
    """Put a store on the app: the given one (tests), else the configured engine or store."""
    base = app.config["BASE_IRI"]
    if store is None:
        location = (app.config["ENDPOINT"] or app.config["STORE"]
                    or str(Project.locate().default_store))
        store = open_store(location, read_only=True, base=base)
    elif store.namespaces.base != base:
        raise StoreError(f"the store given was opened with the base IRI {store.namespaces.base}, "
                         f"but BASE_IRI is {base}")
    # A store built under another base would answer every page with a 404: refuse it now.
    store.check_base()
    app.extensions[EXTENSION] = store


def get_store() -> Store:
    return get_store_of(current_app)


def get_store_of(app: Flask) -> Store:
    return app.extensions[EXTENSION]


store: Store = LocalProxy(get_store)  # type: ignore[assignment]
# The dataset's IRIs under the base the app serves (BASE_IRI): what views and templates use.
namespaces: Namespaces = LocalProxy(lambda: get_store().namespaces)  # type: ignore[assignment]
