"""Ask in words (kg.ask, /ask, /api/ask, kg ask): questions map to the right example with the
right slots and rows; a question it cannot map gets the honest answer and no query runs; the
VoID schema check rejects a property on the wrong class and refuses when VoID is absent."""

from __future__ import annotations

import io
import json

import pytest

from kg.ask.examples import examples, fill, parse_slots
from kg.ask.lexicon import fold
from kg.ask.mapper import Asker, answer
from kg.ask.schema import SchemaUnavailable, check, read_schema
from kg.formats import RDF_FORMATS
from kg.namespaces import ID, RKG, Graphs
from kg.store import OxigraphStore, Store
from tests.conftest import make_app


@pytest.fixture(scope="module")
def store_without_void(embedded_store: Store) -> Store:
    """The same store with its VoID graph dropped."""
    dump = io.BytesIO()
    embedded_store.dump(dump, RDF_FORMATS["nquads"])
    copy = OxigraphStore(None)
    copy.bulk_load(dump.getvalue(), RDF_FORMATS["nquads"])
    copy.update(f"DROP GRAPH <{Graphs.VOID}>")
    return copy


@pytest.fixture(scope="module")
def asker(embedded_store: Store) -> Asker:
    return Asker.of(embedded_store)


@pytest.fixture(scope="module")
def ask_client(embedded_store: Store):
    return make_app(embedded_store).test_client()


def _ask(asker: Asker, store: Store, question: str, ran: list[str] | None = None):
    def run(text: str):
        if ran is not None:
            ran.append(text)
        return store.query(text), False

    return answer(asker, question, lambda: read_schema(store), run)


def _slugs(iris: list[str]) -> set[str]:
    return {i.rsplit("/", 1)[-1] for i in iris}


@pytest.mark.parametrize(("question", "example", "slots", "rows"), [
    ("Which herbs interact with warfarin?", "remedies-of-kind-interacting-with-remedy",
     ["Herb", "warfarin"], {"ginkgo", "horse-chestnut-seed-extract", "st-johns-wort", "turmeric"}),
    ("what helps restless legs with good evidence?", "well-supported-remedies-for-condition",
     ["restless-legs-syndrome"], {"gabapentin-enacarbil", "pramipexole", "rotigotine",
                                  "gabapentin", "iron", "pregabalin", "ropinirole"}),
    ("is yoga safe in pregnancy", "warnings-for-remedy-and-population",
     ["yoga", "pregnancy"], {"yoga-pregnancy-and-health-conditions"}),
    ("warfrin interactions", "remedies-interacting-with-remedy",  # a typo
     ["warfarin"], {"duloxetine", "fish-oil", "ginkgo", "horse-chestnut-seed-extract",
                    "st-johns-wort", "turmeric"}),
])
def test_questions_map_to_the_right_example_slots_and_rows(
        asker, embedded_store, question, example, slots, rows) -> None:
    found = _ask(asker, embedded_store, question)
    assert found.answered, found.refusal
    assert found.mapping is not None and found.mapping.example.name == example
    assert [f.iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for f in found.mapping.fillers] == slots
    assert _slugs(found.entities()) == rows


def test_an_unmappable_question_gets_the_honest_answer_and_runs_nothing(asker, embedded_store):
    ran: list[str] = []
    for question in ("what is the weather in Paris tomorrow?",
                     "which herbs interact with aspirin?"):  # aspirin is not in the graph
        found = _ask(asker, embedded_store, question, ran)
        assert not found.answered and found.mapping is None
        assert found.refusal.startswith("I could not map this question")
        assert len(found.closest) == 3
    assert ran == []


def test_a_question_naming_more_than_an_example_takes_is_refused(asker, embedded_store) -> None:
    # Two conditions: no example takes two, and answering for one would answer another question.
    found = _ask(asker, embedded_store, "what helps both fibromyalgia and asthma?")
    assert not found.answered
    assert "Fibromyalgia" in found.refusal and "Asthma" in found.refusal


def test_schema_check_rejects_a_property_on_the_wrong_class(embedded_store) -> None:
    schema = read_schema(embedded_store)
    prologue = f"PREFIX rkg: <{RKG}>\n"
    wrong = check(prologue + "SELECT ?x WHERE { ?x a rkg:Acupoint ; rkg:evidenceLevel ?l }",
                  schema)
    assert len(wrong) == 1 and "evidenceLevel" in wrong[0] and "Acupoint" in wrong[0]
    assert check(prologue + "SELECT ?x WHERE { ?x a rkg:Claim ; rkg:evidenceLevel ?l }",
                 schema) == []
    # A class or property the graph does not have at all; a slot's variable's known class.
    assert "has no members" in check(prologue + "SELECT ?x WHERE { ?x a rkg:Unicorn }",
                                      schema)[0]
    assert "not used in the graph" in check(
        prologue + "SELECT ?x WHERE { ?x rkg:hornLength/rkg:unit ?l }", schema)[0]
    assert check(prologue + "SELECT ?v WHERE { VALUES ?c { <x:c> } ?c rkg:evidenceLevel ?v }",
                 schema, {"c": {str(RKG.Condition)}})


def test_every_example_and_its_filled_query_pass_the_schema_check(asker, embedded_store) -> None:
    schema = read_schema(embedded_store)
    for e in examples():
        assert asker.problems(e, schema) == [], e.name
    # The check of an example stands for its filled queries: they pass it too.
    found = _ask(asker, embedded_store, "which supplements help restless legs")
    assert found.mapping is not None and "rkg:Supplement" not in found.mapping.query.split(
        "WHERE", 1)[1]
    assert check(found.mapping.query, schema, {"condition": {str(RKG.Condition)}}) == []


def test_without_void_statistics_the_check_says_so_and_nothing_runs(
        store_without_void: Store) -> None:
    with pytest.raises(SchemaUnavailable, match="no VoID statistics"):
        read_schema(store_without_void)
    ran: list[str] = []
    found = _ask(Asker.of(store_without_void), store_without_void,
                 "which herbs interact with warfarin", ran)
    assert not found.answered and "no VoID statistics" in found.refusal and ran == []


def test_slots_are_read_and_refilled() -> None:
    text = ("PREFIX condition: <https://w3id.org/remedy-kg/id/condition/>\n"
            "PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>\n"
            "# slot: condition:asthma rkg:Condition\n"
            "SELECT ?c WHERE { VALUES ?c { condition:asthma } ?x rkg:condition ?c }\n")
    (slot,) = parse_slots(text)
    assert slot.iri == str(ID["condition/asthma"]) and slot.cls == str(RKG.Condition)
    example = next(e for e in examples() if e.name == "remedies-for-condition")
    filled = fill(example, [str(ID["condition/asthma"])])
    # Every place the query names the condition (the claims and their evidence levels).
    assert filled.count(f"rkg:condition <{ID['condition/asthma']}>") == 2
    assert "condition:fibromyalgia" not in filled.split("# slot:")[1].split("\n", 1)[1]
    with pytest.raises(ValueError, match="not a valid IRI"):
        fill(example, ["https://x/> } ; DROP ALL #"])
    assert fold("St. John’s Wort") == ["st", "john", "wort"]


def test_api_ask(ask_client) -> None:
    response = ask_client.get("/api/ask", query_string={"q": "which herbs interact with warfarin"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["answered"] and body["example"] == "remedies-of-kind-interacting-with-remedy"
    assert {r["other"].rsplit("/", 1)[-1] for r in body["rows"]} == {
        "ginkgo", "horse-chestnut-seed-extract", "st-johns-wort", "turmeric"}
    assert "rkg:Interaction" in body["sparql"] or "Interaction" in body["sparql"]
    refused = ask_client.get("/api/ask", query_string={"q": "who won the world cup"}).get_json()
    assert refused["answered"] is False and "rows" not in refused and refused["closest"]
    for bad in ({}, {"q": "  "}, {"q": "x" * 301}):
        response = ask_client.get("/api/ask", query_string=bad)
        assert response.status_code == 400 and response.get_json()["message"]


def test_api_ask_runs_on_the_served_graphs_as_sparql_does(ask_client, monkeypatch) -> None:
    from web.query_runner import QueryRunner

    asked = []
    original = QueryRunner.run

    def run(self, sparql, *args, **kwargs):
        asked.append(kwargs.get("default_graph_only"))
        return original(self, sparql, *args, **kwargs)

    monkeypatch.setattr(QueryRunner, "run", run)
    body = ask_client.get("/api/ask", query_string={"q": "which herbs interact with warfarin"}
                          ).get_json()
    assert asked == [True]
    assert {r["other"].rsplit("/", 1)[-1] for r in body["rows"]} == {
        "ginkgo", "horse-chestnut-seed-extract", "st-johns-wort", "turmeric"}


def test_an_example_naming_a_graph_keeps_every_question_on_the_full_store(asker) -> None:
    from types import SimpleNamespace

    from web.ask import reads_default_graph_only

    assert reads_default_graph_only(asker)
    for text in ("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }",
                 "SELECT ?s FROM <https://example.org/g> WHERE { ?s ?p ?o }"):
        example = SimpleNamespace(text=text)
        assert not reads_default_graph_only(SimpleNamespace(examples=[*asker.examples, example]))


def test_ask_page(ask_client) -> None:
    html = ask_client.get("/ask", query_string={"q": "side effects of acupuncture"}).get_data(
        as_text=True)
    assert "Which adverse events are recorded for" in html and "<table" in html
    assert "Edit this query in the query editor" in html and 'href="/sparql?query=' in html
    assert 'href="/id/remedy/acupuncture"' in html and "not medical advice" in html
    refused = ask_client.get("/ask", query_string={"q": "how tall is Mount Everest"})
    assert refused.status_code == 200
    assert "No answer for this question" in refused.get_data(as_text=True)
    for path in ("/", "/sparql"):
        page = ask_client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'action="/ask"' in page, path


def test_kg_ask_cli(runner, embedded_store, monkeypatch) -> None:
    from kg import cli

    monkeypatch.setattr(cli.Context, "open", lambda self, read_only: embedded_store)
    monkeypatch.setattr(type(embedded_store), "close", lambda self: None)
    result = runner.invoke(cli.main, ["ask", "how does duloxetine work?"])
    assert result.exit_code == 0, result.output
    assert "mechanisms-of-remedy: Duloxetine" in result.output
    assert "serotonin-norepinephrine-reuptake-inhibition" in result.output
    result = runner.invoke(cli.main, ["ask", "what is the capital of France", "--format", "json"])
    assert result.exit_code == 1 and json.loads(result.output)["answered"] is False


def test_a_query_failing_the_schema_check_is_not_run(embedded_store) -> None:
    """A VoID in which no class carries rkg:member (as if the graph had none): the query that
    the question maps to uses it, so it is refused, named, and nothing runs."""
    from kg.ask.schema import VoidSchema

    real = read_schema(embedded_store)
    member = str(RKG.member)
    schema = VoidSchema({c: props - {member} for c, props in real.classes.items()},
                        real.properties - {member})
    ran: list[str] = []
    found = answer(Asker.of(embedded_store), "which herbs interact with warfarin?", lambda: schema,
                   lambda text: (ran.append(text), (embedded_store.query(text), False))[1])
    assert not found.answered and ran == []
    assert "did not pass the schema check" in found.refusal and "#member" in found.refusal
