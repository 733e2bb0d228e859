import csv
import io
import json

from rdflib import BNode, Literal, URIRef

from kg.formats import RESULTS_FORMATS
from kg.results import QueryResult, short_form

ROWS = QueryResult(
    "SELECT",
    variables=["s", "label"],
    rows=[(URIRef("https://w3id.org/remedy-kg/id/remedy/acupuncture"), Literal("a\tb", lang="en")),
          (BNode("b0"), None)],
)


def test_json_keeps_unbound_variables_out_of_the_binding() -> None:
    data = json.loads(ROWS.serialize(RESULTS_FORMATS["json"]))
    assert data["head"]["vars"] == ["s", "label"]
    first, second = data["results"]["bindings"]
    assert first["label"] == {"type": "literal", "value": "a\tb", "xml:lang": "en"}
    assert "label" not in second


def test_tsv_escapes_tabs_and_uses_ntriples_terms() -> None:
    lines = ROWS.serialize(RESULTS_FORMATS["tsv"]).decode().splitlines()
    assert lines[0] == "?s\t?label"
    assert lines[1] == '<https://w3id.org/remedy-kg/id/remedy/acupuncture>\t"a\\tb"@en'
    assert lines[2] == "_:b0\t"


def test_csv_has_a_header_and_plain_values() -> None:
    rows = list(csv.reader(io.StringIO(ROWS.serialize(RESULTS_FORMATS["csv"]).decode())))
    assert rows[0] == ["s", "label"]
    assert rows[1] == ["https://w3id.org/remedy-kg/id/remedy/acupuncture", "a\tb"]


def test_ask_results() -> None:
    yes = QueryResult("ASK", boolean=True)
    assert json.loads(yes.serialize(RESULTS_FORMATS["json"]))["boolean"] is True
    assert yes.serialize(RESULTS_FORMATS["tsv"]).decode().splitlines()[1] == "true"


def test_short_form_uses_the_longest_prefix() -> None:
    assert short_form(URIRef("https://w3id.org/remedy-kg/id/remedy/acupuncture")) == \
        "remedy:acupuncture"
    assert short_form(URIRef("http://example.org/x")) == "<http://example.org/x>"
