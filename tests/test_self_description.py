"""The endpoint describes itself: the SPARQL examples and VoID statistics `kg build` writes,
and where they are served (/.well-known/sparql-examples, /.well-known/void, /api/schema, the
query UI's list of examples)."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, VOID

from kg.examples import ENDPOINT, FORMS, add_example, example_iri, keywords
from kg.load import LoadError
from kg.namespaces import RKG, SCHEMA, SH, Graphs
from kg.queries import CannedQuery, canned_queries
from kg.store import OxigraphStore, Store
from kg.void import DATASET, LINK_TARGETS
from tests.conftest import make_app

EXAMPLES_QUERY = (f"PREFIX sh: <{SH}> SELECT ?example ?query "
                  f"WHERE {{ GRAPH <{Graphs.EXAMPLES}> {{ ?example sh:select ?query }} }}")


def stored(store: Store, graph: str) -> Graph:
    return store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
                       ).graph


def count(graph: Graph, subject: object, prop: URIRef) -> int:
    return int(graph.value(subject, prop))  # type: ignore[arg-type]


# -- examples --------------------------------------------------------------------------------


def test_every_served_example_parses_and_runs_with_rows(embedded_client,
                                                        embedded_store: Store) -> None:
    answer = embedded_client.get("/.well-known/sparql-examples",
                                 headers={"Accept": "text/turtle"})
    assert answer.status_code == 200 and answer.mimetype == "text/turtle"
    graph = Graph().parse(data=answer.data, format="turtle")
    canned = canned_queries()
    examples = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert examples == {example_iri(name) for name in canned}
    answered: set[str] = set()
    described: set[str] = set()  # with words people would search for
    for name, query in canned.items():
        example = example_iri(name)
        assert (example, RDF.type, SH.SPARQLSelectExecutable) in graph, name
        assert graph.value(example, RDFS.label) == Literal(query.title, lang="en"), name
        assert graph.value(example, RDFS.comment) == Literal(query.description, lang="en"), name
        assert graph.value(example, SCHEMA.target) == ENDPOINT, name
        words = {str(w) for w in graph.objects(example, SCHEMA.keywords)}
        assert words == set(keywords(query.text)), name
        if len(words) >= 3:
            described.add(name)
        text = str(graph.value(example, SH.select))
        assert text == query.text, name
        # Rows wherever the canned question has rows in the shipped data today (all ten
        # questions written before the examples graph do; a question with slots may not).
        if embedded_store.query(query.text).rows:
            answered.add(name)
            assert embedded_store.query(text).rows, f"{name}: the example has no rows"
    assert len(answered) >= 10 and len(described) >= 10


def test_keywords_header_is_split_on_commas() -> None:
    assert keywords("# keywords: blood thinners, warfarin ,, RLS\nSELECT * {}") == [
        "blood thinners", "warfarin", "RLS"]
    assert keywords("SELECT * {}") == []


@pytest.mark.parametrize("form", ["CONSTRUCT", "ASK"])
def test_other_query_forms_get_their_own_type_and_property(form: str) -> None:
    text = {"CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "ASK": "ASK { ?s ?p ?o }"}[form]
    graph = Graph()
    example = add_example(graph, CannedQuery("q", "A question", "", text))
    kind, prop = FORMS[form]
    assert (example, RDF.type, kind) in graph and str(graph.value(example, prop)) == text
    assert graph.value(example, RDFS.comment) is None  # no description, no empty comment


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p", "DESCRIBE <urn:x:a>"])
def test_a_canned_query_no_example_can_take_names_its_file(text: str) -> None:
    with pytest.raises(LoadError, match=r"kg/queries/broken\.rq: "):
        add_example(Graph(), CannedQuery("broken", "", "", text))


def test_examples_are_outside_the_default_graph_and_queryable_at_sparql(embedded_client) -> None:
    answer = embedded_client.post("/sparql", data={"query": EXAMPLES_QUERY}, headers={
        "Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    assert len(answer.get_json()["results"]["bindings"]) == len(canned_queries())
    unnamed = embedded_client.post("/sparql", data={
        "query": f"ASK {{ ?e a <{SH.SPARQLExecutable}> }}"}, headers={
        "Accept": "application/sparql-results+json"})
    assert unnamed.get_json()["boolean"] is False  # asked for by name only


def test_examples_in_every_rdf_format_and_a_bad_format_is_400(embedded_client) -> None:
    for name, media_type in (("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
                             ("rdfxml", "application/rdf+xml")):
        answer = embedded_client.get(f"/.well-known/sparql-examples?format={name}")
        assert answer.status_code == 200 and answer.mimetype == media_type, name
    bad = embedded_client.get("/.well-known/sparql-examples?format=yaml")
    assert bad.status_code == 400 and b"turtle" in bad.data


def test_query_ui_lists_the_examples_graph_not_the_files() -> None:
    graph = Graph()
    add_example(graph, CannedQuery("only-in-the-graph", "A stored question", "",
                                   "SELECT * WHERE { ?s ?p ?o }"))
    with OxigraphStore(None) as store:
        store.replace_graphs({Graphs.EXAMPLES: graph})
        client = make_app(store).test_client()
        html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'data-example="only-in-the-graph"' in html and "A stored question" in html
    assert not any(f'data-example="{name}"' in html for name in canned_queries())
    assert '"schemaUrl": "/api/schema"' in html and '"searchUrl": "/api/search"' in html


# -- VoID statistics -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(embedded_store: Store) -> Graph:
    return stored(embedded_store, Graphs.VOID)


@pytest.fixture(scope="module")
def triples(embedded_store: Store) -> set[tuple]:
    """The default graph's triples, counted below in Python: independent of the build's
    aggregates."""
    return set(embedded_store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows)


def test_dataset_counts_equal_independent_counts(void: Graph, triples: set[tuple]) -> None:
    typed = {(s, o) for s, p, o in triples if p == RDF.type}
    assert count(void, DATASET, VOID.triples) == len(triples) > 10000
    assert count(void, DATASET, VOID.distinctSubjects) == len({s for s, _, _ in triples})
    assert count(void, DATASET, VOID.properties) == len({p for _, p, _ in triples})
    assert count(void, DATASET, VOID.distinctObjects) == len({o for _, _, o in triples})
    assert count(void, DATASET, VOID.entities) == len({s for s, _ in typed})
    assert count(void, DATASET, VOID.classes) == len({c for _, c in typed})


def test_partitions_equal_independent_counts(void: Graph, triples: set[tuple]) -> None:
    per_property = Counter(p for _, p, _ in triples)
    members: dict[object, set] = defaultdict(set)
    for s, p, o in triples:
        if p == RDF.type:
            members[o].add(s)
    carried = Counter()
    by_subject = defaultdict(list)
    for s, p, _ in triples:
        by_subject[s].append(p)
    for cls, subjects in members.items():
        for s in subjects:
            carried.update((cls, p) for p in by_subject[s])

    properties = {void.value(pp, VOID.property): count(void, pp, VOID.triples)
                  for pp in void.objects(DATASET, VOID.propertyPartition)}
    assert properties == dict(per_property)
    classes, class_properties = {}, {}
    for cp in void.objects(DATASET, VOID.classPartition):
        cls = void.value(cp, VOID["class"])
        classes[cls] = count(void, cp, VOID.entities)
        for pp in void.objects(cp, VOID.propertyPartition):
            class_properties[cls, void.value(pp, VOID.property)] = count(void, pp, VOID.triples)
    assert classes == {cls: len(subjects) for cls, subjects in members.items()}
    assert class_properties == dict(carried)
    # What the autocomplete relies on: a claim's properties, not an acupoint's.
    assert (RKG.Claim, RKG.remedy) in class_properties
    assert (RKG.Claim, RKG.pinyin) not in class_properties


def test_graph_sizes_and_linksets_equal_independent_counts(void: Graph, embedded_store: Store,
                                                           triples: set[tuple]) -> None:
    for name in Graphs.ALL:
        assert count(void, URIRef(name), VOID.triples) == embedded_store.count(name), name
    expected = Counter()
    for _, p, o in triples:
        for target in LINK_TARGETS:
            if isinstance(o, URIRef) and str(o).startswith(target.uri_space):
                expected[target.iri, p] += 1
    found = {(void.value(ls, VOID.objectsTarget), void.value(ls, VOID.linkPredicate)):
             count(void, ls, VOID.triples) for ls in void.subjects(RDF.type, VOID.Linkset)}
    assert found == dict(expected)
    # The data links conditions to MONDO, DOID and MeSH, meridians' organs to UBERON.
    assert {target for target, _ in found} == {t.iri for t in LINK_TARGETS}
    assert found[LINK_TARGETS[0].iri, SKOS.exactMatch] > 0


def test_well_known_void_serves_the_stored_statistics(embedded_client, void: Graph) -> None:
    answer = embedded_client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    served = Graph().parse(data=answer.data, format="turtle")
    assert served.value(DATASET, VOID.triples) == void.value(DATASET, VOID.triples)
    assert len(list(served.objects(DATASET, VOID.classPartition))) == \
        count(void, DATASET, VOID.classes)
    assert (None, RDF.type, VOID.Linkset) in served
    assert (DATASET, VOID.sparqlEndpoint, None) in served


def test_examples_and_statistics_on_every_backend(built) -> None:
    store, result = built
    assert len(store.query(EXAMPLES_QUERY).rows) == len(canned_queries())
    void = stored(store, Graphs.VOID)
    assert result.triples[Graphs.VOID] == len(void)
    total = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    assert count(void, DATASET, VOID.triples) == int(total)  # type: ignore[arg-type]
    claims = store.query(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{RKG.Claim}> }}")
    partition = next(cp for cp in void.objects(DATASET, VOID.classPartition)
                     if void.value(cp, VOID["class"]) == RKG.Claim)
    assert count(void, partition, VOID.entities) == int(claims.rows[0][0]) > 0  # type: ignore
    assert any(void.subjects(RDF.type, VOID.Linkset))


# -- what the query UI's autocomplete reads --------------------------------------------------


def test_api_schema_lists_classes_and_the_properties_each_really_has(embedded_client,
                                                                     void: Graph) -> None:
    answer = embedded_client.get("/api/schema")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    schema = answer.get_json()
    assert schema["prefixes"]["rkg"] == str(RKG)
    classes = {c["iri"]: c["entities"] for c in schema["classes"]}
    assert len(classes) == count(void, DATASET, VOID.classes)
    claim_partition = next(cp for cp in void.objects(DATASET, VOID.classPartition)
                           if void.value(cp, VOID["class"]) == RKG.Claim)
    assert classes[str(RKG.Claim)] == count(void, claim_partition, VOID.entities)
    claim_properties = schema["classProperties"][str(RKG.Claim)]
    assert str(RKG.remedy) in claim_properties and str(RKG.pinyin) not in claim_properties
    assert str(RKG.pinyin) in schema["classProperties"][str(RKG.Acupoint)]
    properties = [p["triples"] for p in schema["properties"]]
    assert properties == sorted(properties, reverse=True)  # most used first
    assert str(RDFS.label) in {p["iri"] for p in schema["properties"]}
    # It changes only with the build: kept after the first answer, like the pages.
    again = embedded_client.get("/api/schema")
    assert again.headers.get("X-Page-Cache") == "hit" and again.get_json() == schema
