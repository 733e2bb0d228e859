"""The store as an app resource: opened by the app factory, reached through `store`."""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.local import LocalProxy

from kg.project import Project
from kg.store import Store, open_store

EXTENSION = "kg_store"


def init_app(app: Flask, store: Store | None = None) -> None:
    """Put a store on the app: the given one (tests), else the configured on-disk store."""
    if store is None:
        location = app.config["STORE"] or str(Project.locate().default_store)
        store = open_store(location, read_only=True)
    app.extensions[EXTENSION] = store


def get_store() -> Store:
    return get_store_of(current_app)


def get_store_of(app: Flask) -> Store:
    return app.extensions[EXTENSION]


store: Store = LocalProxy(get_store)  # type: ignore[assignment]
