"""Pages for people: home, browse, canned questions, entity pages, the ontology."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, Response, abort, render_template, url_for
from rdflib import URIRef

from kg import vocabulary_docs
from kg.formats import RESULTS_FORMATS, RdfSyntax
from kg.project import SOURCE_ROOT
from kg.queries import canned_queries
from kg.results import short_form
from kg.stats import data_report, graph_sizes
from web import entities, page_cache, paging
from web.negotiation import ENTITY_SYNTAXES, HTML_OFFER, choose, entity_offers, respond
from web.page_queries import bound, page_query
from web.store import namespaces, store
from web.urls import entity_format_url, entity_iri, sparql_answer_url, sparql_ui_url
from web.whole_answers import whole_answer

bp = Blueprint("pages", __name__)

# The failing fixture of each shape, named on /shapes (a source checkout has them).
FIXTURES = SOURCE_ROOT / "tests" / "fixtures" / "invalid"

# Which template shows which class (by its name in the ontology); the first type of an entity
# found here wins.
TEMPLATES = {
    "Claim": "entity/claim.html",
    "Remedy": "entity/remedy.html",
    "Condition": "entity/condition.html",
    "Outcome": "entity/outcome.html",
    "Mechanism": "entity/mechanism.html",
    "Acupoint": "entity/acupoint.html",
    "Meridian": "entity/meridian.html",
    "Study": "entity/study.html",
    "Population": "entity/population.html",
    "Warning": "entity/warning.html",
}

# A question's whole answer, linked from its page (from the SPARQL endpoint).
WHOLE_ANSWER_FORMATS = [RESULTS_FORMATS["json"], RESULTS_FORMATS["csv"]]

# Extra queries some pages need beyond the page graph: tables of rows...
EXTRA_QUERIES = {
    "Mechanism": "mechanism-remedies",
    "Population": "population-warnings",
    "Remedy": "remedy-adverse-events",
}
# ... and more triples, added to the page graph (CONSTRUCT queries).
PAGE_PARTS = {
    "Remedy": "remedy-warnings",
}


@bp.get("/")
def home() -> str:
    types = list(store.query(page_query("types")).dicts())
    return render_template("pages/home.html", types=types,
                           questions=canned_queries(namespaces).values())


@bp.get("/report")
def report() -> str:
    """The data report of `kg stats`, as a page: one table per report query."""
    sections = [(section, sparql_ui_url(section.text)) for section in data_report(store)]
    return render_template("pages/report.html", sizes=graph_sizes(store), sections=sections)


@bp.get("/browse/<name>")
def browse(name: str) -> str:
    cls = namespaces.RKG[name] if name.isidentifier() else None
    vocabulary = entities.vocabulary_labels(store)
    if cls is None or str(cls) not in vocabulary:
        abort(404, description=f"There is no type called {name!r}.")
    number = paging.requested_page()
    query = bound("browse", **{"class": cls})
    answer = whole_answer(query)
    pager = paging.pager(number, answer.total)
    return render_template("pages/browse.html", name=name, label=vocabulary[str(cls)][0],
                           comment=vocabulary[str(cls)][1], pager=pager,
                           rows=list(answer.page(pager.offset, pager.size).dicts()),
                           sparql_url=sparql_ui_url(query))


@bp.get("/questions/<name>")
def question(name: str) -> str:
    canned = canned_queries(namespaces).get(name)
    if canned is None:
        abort(404, description=f"There is no question called {name!r}.")
    number = paging.requested_page()
    answer = whole_answer(canned.text)
    pager = paging.pager(number, answer.total)
    return render_template("pages/question.html", question=canned, pager=pager,
                           result=answer.page(pager.offset, pager.size),
                           sparql_url=sparql_ui_url(canned.text),
                           whole_urls=[(f.label, sparql_answer_url(canned.text, f.name))
                                       for f in WHOLE_ANSWER_FORMATS])


@bp.get("/id/<family>/<slug>")
def entity(family: str, slug: str) -> Response | str:
    stem, dot, suffix = slug.rpartition(".")
    if dot and stem and suffix in {f.extension for f in ENTITY_SYNTAXES.values()}:
        slug, extension = stem, suffix
    else:
        extension = None
    iri = entity_iri(family, slug)
    if iri is None or not entities.exists(store, iri):
        abort(404, description=f"There is no {family} called {slug!r} in this dataset.")
    offer = choose(entity_offers(), suffix=extension)
    if isinstance(offer.syntax, RdfSyntax):
        body = entities.serialize(entities.description(store, iri), offer.syntax)
        return _with_links(respond(body, offer, vary=extension is None), iri)
    return _entity_page(iri)


def _entity_page(iri: URIRef) -> Response:
    page = entities.page_view(store, iri)
    template, extra_name, part_name = "entity/generic.html", None, None
    for cls, name in TEMPLATES.items():
        if page.has_type(iri, namespaces.RKG[cls]):
            template, extra_name, part_name = name, EXTRA_QUERIES.get(cls), PAGE_PARTS.get(cls)
            break
    queries = [entities_query_text(iri)]
    if part_name:
        part_text = bound(part_name, this=iri)
        part = store.query(part_text).graph
        assert part is not None
        page.graph += part
        queries.append(part_text)
    extra = []
    if extra_name:
        extra_text = bound(extra_name, this=iri)
        extra = list(store.query(extra_text).dicts())
        queries.append(extra_text)
    page_cache.collect_parts()  # the community's parts are spliced in for each request
    html = render_template(
        template, page=page, this=iri, extra=extra,
        sparql_urls=[sparql_ui_url(q) for q in queries],
        alternates=_alternates(iri),
        schema_jsonld=entities.schema_org_jsonld(page.graph, iri),
    )
    return _with_links(respond(html, HTML_OFFER), iri)


def entities_query_text(iri: URIRef) -> str:
    return bound("entity-page", this=iri)


def _alternates(iri: URIRef) -> list[tuple[str, str, str]]:
    return [(f.label, f.media_type, entity_format_url(iri, f.extension))
            for f in ENTITY_SYNTAXES.values()]


def _with_links(response: Response, iri: URIRef) -> Response:
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="alternate"; type="{media}"' for _, media, url in _alternates(iri))
    return response


@bp.get("/ontology")
def ontology() -> Response | str:
    """The ontology: RDF by negotiation (the hash IRIs of its terms resolve here), or every
    term documented, each at its own anchor (/ontology#Remedy)."""
    offer = choose(entity_offers())
    if isinstance(offer.syntax, RdfSyntax):
        buffer = BytesIO()
        store.dump(buffer, offer.syntax, graph=namespaces.graphs.ONTOLOGY)
        return _ontology_links(respond(buffer.getvalue(), offer))
    terms = vocabulary_docs.ontology_terms(store)
    html = render_template("pages/ontology.html", terms=terms,
                           kinds=[("class", "Classes"), ("property", "Properties"),
                                  ("value", "Named values and schemes")],
                           # The Turtle of /ontology?format=turtle at a path a static copy holds.
                           turtle_url=url_for("downloads.download", part="ontology",
                                              extension="ttl"),
                           short=short_form)
    return _ontology_links(respond(html, HTML_OFFER))


def _ontology_links(response: Response) -> Response:
    response.headers["Link"] = ", ".join(
        f'<{url_for("pages.ontology", format=f.name)}>; rel="alternate"; type="{f.media_type}"'
        for f in ENTITY_SYNTAXES.values())
    return response


@bp.get("/shapes")
def shapes() -> str:
    """The SHACL shapes in words: targets, constraints, messages, failing fixtures."""
    return render_template("pages/shapes.html",
                           shapes=vocabulary_docs.shape_docs(store, FIXTURES),
                           turtle_url=url_for("downloads.download", part="shapes",
                                              extension="ttl"),
                           short=short_form)
