"""The web layer: linked-data pages, the SPARQL endpoint, downloads and a JSON API."""

from __future__ import annotations

from typing import Any

from flask import Flask
from rdflib.namespace import DCTERMS, RDFS, SKOS

from kg.namespaces import SCHEMA, checked_base
from kg.store import Store
from web import (
    answer_replay,
    client_limits,
    community,
    errors,
    limits,
    memory,
    page_cache,
    query_runner,
    security,
    sessions,
    settings,
)
from web import store as store_resource
from web.store import namespaces


def create_app(test_config: dict[str, Any] | None = None, store: Store | None = None) -> Flask:
    """Build the app: defaults, then test config, then KG_* environment variables."""
    app = Flask(__name__)
    app.config.from_mapping(settings.defaults())
    if test_config is None:
        app.config.from_prefixed_env("KG")
    else:
        app.config.from_mapping(test_config)
    checked_base(app.config["BASE_IRI"])

    store_resource.init_app(app, store)
    memory.init_app(app)  # first: its before_request times every request
    journal = community.init_app(app)
    query_runner.init_app(app, store_resource.get_store_of(app), journal)
    errors.init_app(app)
    security.init_app(app)
    sessions.init_app(app)

    from web import (
        api,
        ask,
        downloads,
        evidence_map,
        openapi,
        pages,
        paging,
        safety,
        search,
        sparql,
        validate,
    )

    for module in (pages, search, sparql, downloads, api, openapi, safety, evidence_map, ask):
        app.register_blueprint(module.bp)
    paging.init_app(app)
    validate.init_app(app)
    if app.config["STATIC_COPY"]:
        from web import site as static_site

        app.register_blueprint(static_site.bp)
    from web import examples, schema  # the endpoint's description of itself

    for module in (examples, schema):
        app.register_blueprint(module.bp)
    limits.init_app(app)
    page_cache.init_app(app)
    answer_replay.init_app(app)
    client_limits.init_app(app)  # last, so outermost: it counts the answers resent before it

    @app.context_processor
    def site() -> dict[str, Any]:
        from web import urls
        from web.columns import columns

        return {"site_name": app.config["SITE_NAME"], "data_license": app.config["DATA_LICENSE"],
                "static_copy": app.config["STATIC_COPY"],
                "result_columns": columns,
                "prefixes": namespaces.PREFIXES, "urls": urls, "RKG": namespaces.RKG,
                "SKOS": SKOS,
                "DCTERMS": DCTERMS, "RDFS": RDFS, "SCHEMA": SCHEMA}

    return app
