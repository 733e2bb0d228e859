""""Is it safe for me?" (issue 14): the answer, asserted against the shipped data, on every
engine (the answer is one SPARQL query, so the engine is what may differ); bad input on the
embedded store only (it is refused before any query runs).
"""

from __future__ import annotations

import html as htmllib
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import URIRef

from kg import safety
from kg.cli import main
from kg.namespaces import BASE, RKG
from kg.queries import bind

RLS = "restless-legs-syndrome"
ANTICOAGULATED = "anticoagulated-patients"
DEVICES = "implanted-electrical-devices"
ACUPUNCTURE = BASE + "id/remedy/acupuncture"
ELECTROACUPUNCTURE = BASE + "id/remedy/electroacupuncture"
BLEEDING = BASE + "id/warning/bleeding-disorders-anticoagulants"
EA_DEVICES = BASE + "id/warning/ea-implanted-electrical-devices"
PREFIX = ("PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>\n"
          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")


@pytest.fixture
def embedded_client(engine, client):
    """For input checks, which never reach the engine: run them once."""
    if engine is not None:
        pytest.skip("refused before any query runs: the engine does not matter")
    return client


def _answer(client, **params) -> dict:
    response = client.get("/api/safety", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _remedy(answer: dict, iri: str) -> dict:
    for r in answer["remedies"] + answer["avoid"]:
        if r["iri"] == iri:
            return r
    raise AssertionError(f"{iri} is not in the answer")


def _warning(remedy: dict, iri: str) -> dict | None:
    return next((w for w in remedy["warnings"] if w["iri"] == iri), None)


def _visible(page: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# -- the must-shows


def test_anticoagulants_list_acupuncture_with_the_bleeding_warning_and_the_rule(client) -> None:
    answer = _answer(client, condition=RLS, situation=ANTICOAGULATED)
    acupuncture = _remedy(answer, ACUPUNCTURE)
    warning = _warning(acupuncture, BLEEDING)
    assert warning is not None, [w["label"] for w in acupuncture["warnings"]]
    assert warning["severity"]["iri"] == str(RKG.Relative)
    [match] = [m for m in warning["matches"] if m["rule"] == "situation"]
    assert match["situation"]["iri"] == BASE + "id/population/" + ANTICOAGULATED
    assert match["applies_to"]["iri"] == BASE + "id/population/" + ANTICOAGULATED
    assert "People taking anticoagulants" in match["why"]
    assert warning["advice"] and warning["sources"]
    assert warning["only_for"] is None  # the bleeding warning is about all acupuncture


def test_pacemaker_lists_the_electroacupuncture_warning_and_not_for_manual(client) -> None:
    answer = _answer(client, condition=RLS, situation=DEVICES)
    electro = _warning(_remedy(answer, ELECTROACUPUNCTURE), EA_DEVICES)
    assert electro is not None and electro["only_for"] is None  # EA is all electro
    scoped = _warning(_remedy(answer, ACUPUNCTURE), EA_DEVICES)
    assert scoped is not None
    assert scoped["only_for"]["iri"] == str(RKG.ElectroModality)
    assert [t["iri"] for t in scoped["not_for"]] == [str(RKG.ManualModality)]
    # No warning about devices holds for acupuncture as a whole (that is, manual acupuncture).
    for w in _remedy(answer, ACUPUNCTURE)["warnings"]:
        if any(m["rule"] == "situation" for m in w["matches"]):
            assert w["only_for"] is not None, w["label"]
    page = _visible(client.get("/safety", query_string={"condition": RLS,
                                                        "situation": DEVICES})
                    .get_data(as_text=True))
    assert "Only when Acupuncture is given as electroacupuncture" in page
    assert "this warning is not about manual acupuncture" in page


def test_a_visitor_taking_warfarin_sees_each_interacting_remedy_with_both_axes(
        client, store) -> None:
    condition = "colorectal-cancer"
    # Independently of the answer's query: interactions with warfarin (or a class it is in) on
    # one side and a remedy of a claim for the condition (or its class) on the other.
    rows = store.query(PREFIX + f"""
        SELECT DISTINCT ?interaction ?remedy WHERE {{
          ?claim rkg:condition <{BASE}id/condition/{condition}> ; rkg:remedy ?remedy .
          ?interaction a rkg:Interaction .
          {{ ?interaction rkg:precipitant ?a ; rkg:object ?b }}
          UNION {{ ?interaction rkg:object ?a ; rkg:precipitant ?b }}
          FILTER(?a = ?remedy || EXISTS {{ ?a rkg:member ?remedy }})
          FILTER(?b = <{BASE}id/remedy/warfarin>
                 || EXISTS {{ ?b rkg:member <{BASE}id/remedy/warfarin> }})
        }}""").dicts()
    expected = {(str(r["remedy"]), str(r["interaction"])) for r in rows}
    assert (BASE + "id/remedy/turmeric", BASE + "id/warning/turmeric-warfarin") in expected
    assert (BASE + "id/remedy/duloxetine",
            BASE + "id/warning/snri-anticoagulants-bleeding") in expected
    answer = _answer(client, condition=condition, taking="warfarin")
    found = {(r["iri"], w["iri"]) for r in answer["remedies"] + answer["avoid"]
             for w in r["warnings"] if any(m["rule"] == "medicine" for m in w["matches"])}
    assert found == expected
    for remedy_iri, warning_iri in expected:
        w = _warning(_remedy(answer, remedy_iri), warning_iri)
        assert w["seriousness"]["label"] in ("major", "moderate", "minor")
        assert w["documentation"]["label"] in ("established", "probable", "theoretical")
        assert w["mechanism"]["label"] and w["advice"] and w["sources"] and w["consequence"]
        [match] = [m for m in w["matches"] if m["rule"] == "medicine"]
        assert match["why"].startswith("You take Warfarin")
        assert w["mechanism"]["label"] in match["why"]
    # A major interaction puts the remedy among those to avoid, with why.
    turmeric = _remedy(answer, BASE + "id/remedy/turmeric")
    assert turmeric in answer["avoid"]
    assert any("Turmeric with warfarin" in why for why in turmeric["avoid_because"])
    page = _visible(client.get("/safety", query_string={"condition": condition,
                                                        "taking": "warfarin"})
                    .get_data(as_text=True))
    for text in ("Seriousness (what to do) major", "Documentation (how well established) probable",
                 "Management Avoid turmeric or curcumin supplements while taking warfarin",
                 "Remedies to avoid in your situation"):
        assert text in page


def test_a_situation_no_rule_matches_says_what_the_graph_does_not_cover(client) -> None:
    answer = _answer(client, condition=RLS, situation="hemodialysis-patients")
    assert not any(m["rule"] == "situation" for r in answer["remedies"] + answer["avoid"]
                   for w in r["warnings"] for m in w["matches"])
    assert any("People receiving hemodialysis" in line and "not evidence that they are safe"
               in line for line in answer["not_covered"])
    page = _visible(client.get("/safety", query_string={"condition": RLS,
                                                        "situation": "hemodialysis-patients"})
                    .get_data(as_text=True))
    assert "What this graph does not cover" in page
    assert "Talk to a clinician" in page
    assert "does not make it safe for you" in page
    # Every sentence that says "safe" says it is not shown (or is the page's question).
    for sentence in re.split(r"(?<=[.!?])\s", page.replace("Is it safe for me?", "")):
        if re.search(r"\bsafe\b", sentence):
            assert re.search(r"\bnot\b", sentence), sentence


def test_each_remedy_listed_shows_the_adverse_events_of_its_claims(embedded_client) -> None:
    """Harms anyone can have (rkg:AdverseEvent on the remedy's claims), beside the warnings
    matched to the answers; a remedy with neither still says it is not shown safe."""
    page = embedded_client.get("/safety", query_string={"condition": "fibromyalgia"}) \
        .get_data(as_text=True)

    def card(slug: str) -> str:
        return page.split(f'id="remedy-{slug}"')[1].split('<li class="safety-remedy"')[0]

    meditation = card("mindfulness-meditation")
    assert '<a href="/id/adverse-event/meditation-negative-experiences">' in meditation
    assert ("No warning or interaction in this graph matches your answers for Mindfulness "
            "meditation. That does not make it safe for you.") in _visible(meditation)
    assert re.search(r'href="/id/adverse-event/pneumothorax">[^<]+</a>.*?\(serious\)',
                     card("acupuncture"), re.S)
    assert "adverse-event" not in card("tai-chi")  # none recorded: no list
    [url] = re.findall(r'<a href="([^"]+)">The query behind the adverse events</a>', page)
    text = parse_qs(urlsplit(htmllib.unescape(url)).query)["query"][0]
    assert "rkg:adverseEvent" in text and "/id/remedy/mindfulness-meditation>" in text


# -- ranking, the query, the form


def test_remedies_are_ranked_by_the_derived_level(client, store) -> None:
    answer = _answer(client, condition=RLS)
    ranks = [r["level"]["rank"] for r in answer["remedies"]]
    assert ranks == sorted(ranks, reverse=True)
    rows = store.query(PREFIX + f"""
        SELECT ?remedy (MAX(?rank) AS ?best) WHERE {{
          ?claim rkg:condition <{BASE}id/condition/{RLS}> ; rkg:remedy ?remedy ;
                 rkg:derivedEvidenceLevel/rkg:rank ?rank }} GROUP BY ?remedy""").dicts()
    best = {str(r["remedy"]): int(r["best"]) for r in rows}
    assert {r["iri"]: r["level"]["rank"] for r in answer["remedies"] + answer["avoid"]} == best


def test_an_outcome_narrows_the_claims(client) -> None:
    answer = _answer(client, condition="breast-cancer", outcome="hot-flushes")
    claims = [c for r in answer["remedies"] + answer["avoid"] for c in r["claims"]]
    assert claims and all(c["outcome"]["iri"] == BASE + "id/outcome/hot-flushes"
                          for c in claims)


def test_one_query_answers_and_the_query_ui_runs_it(client, store) -> None:
    params = {"condition": RLS, "situation": [ANTICOAGULATED, DEVICES], "taking": "warfarin"}
    answer = _answer(client, **params)
    text = answer["query"]
    assert text.count("VALUES ?situation {") == 1 and f"/population/{DEVICES}>" in text
    link = client.get("/safety", query_string=params).get_data(as_text=True)
    url = htmllib.unescape(re.search(r'class="sparql-link" href="([^"]+)"', link).group(1))
    assert parse_qs(urlsplit(url).query)["query"] == [text]
    ui = client.get(url, headers={"Accept": "text/html"})
    assert ui.status_code == 200
    results = client.post("/sparql", data={"query": text},
                          headers={"Accept": "application/sparql-results+json"})
    assert results.status_code == 200
    assert len(results.get_json()["results"]["bindings"]) == len(store.query(text).rows)


def test_a_query_too_long_for_a_link_is_shown_to_copy(embedded_client) -> None:
    page = embedded_client.get("/safety").get_data(as_text=True)
    every = re.findall(r'name="situation" value="([^"]+)"', page)
    answer = embedded_client.get("/safety", query_string={"condition": RLS, "situation": every,
                                                          "taking": "warfarin"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'class="sparql-link"' not in body
    assert "The query is too long to open by link" in body
    assert "VALUES ?situation {" in htmllib.unescape(body)


def test_the_form_offers_the_graphs_populations_and_medicines(client, store) -> None:
    page = client.get("/safety").get_data(as_text=True)
    assert '<form class="safety-form" method="get"' in page
    populations = {str(r["p"]).rsplit("/", 1)[-1] for r in store.query(
        PREFIX + "SELECT ?p WHERE { ?p a rkg:Population }").dicts()} - {"everyone"}
    ticked = set(re.findall(r'name="situation" value="([^"]+)"', page))
    assert ticked == populations
    assert {"anticoagulated-patients", "bleeding-disorders", "pregnancy", DEVICES,
            "uncontrolled-seizures", "local-skin-infection", "hemodialysis-patients",
            "children"} <= ticked
    medicines = set(re.findall(r'name="taking" value="([^"]+)"', page))
    assert {"warfarin", "apixaban", "st-johns-wort", "turmeric"} <= medicines
    assert "acupuncture" not in medicines  # practices are not taken
    assert "Talk to a clinician" in _visible(page) or "clinician" in page


# -- bad input: 400 with a message, the query text unchanged


@pytest.mark.parametrize(("params", "message"), [
    ({}, "exactly one condition"),
    ({"condition": "no-such-condition"}, "no condition 'no-such-condition'"),
    ({"condition": BASE + "id/condition/nope"}, "no condition"),
    ({"condition": [RLS, "asthma"]}, "exactly one condition"),
    ({"condition": RLS, "situation": "astronauts"}, "no situation 'astronauts'"),
    ({"condition": RLS, "taking": "unobtainium"}, "no medicine 'unobtainium'"),
    ({"condition": RLS, "taking": "acupuncture"}, "no medicine 'acupuncture'"),
    ({"condition": RLS, "outcome": "hot-flushes"},
     "no outcome 'hot-flushes' among the outcomes of the claims for Restless legs syndrome"),
    ({"condition": RLS, "situation": ["children"] * 300}, "at most"),
    ({"condition": RLS, "taking": ["warfarin"] * 100}, "at most"),
    ({"condition": RLS + "> } ; DROP ALL ; #"}, "no condition"),
    ({"condition": RLS, "situation": 'children> } } UNION { ?s ?p ?o } #'}, "no situation"),
    ({"condition": "x" * 5000}, "longer than"),
])
def test_bad_input_is_a_400_with_a_message(embedded_client, params, message) -> None:
    # The page without a question is the empty form; the API needs one.
    for path in ("/api/safety", "/safety") if params else ("/api/safety",):
        response = embedded_client.get(path, query_string=params)
        assert response.status_code == 400, (path, params)
        body = response.get_data(as_text=True)
        if path.startswith("/api/"):
            assert message in response.get_json()["message"]
        else:
            assert message in htmllib.unescape(body)
            assert 'role="alert"' in body and '<form class="safety-form"' in body


def test_values_are_bound_never_spliced(embedded_client) -> None:
    text = safety.answer_query("safety")
    with pytest.raises(ValueError):
        bind(text, condition=URIRef(BASE + "id/condition/x> } ?s ?p ?o {"))
    answer = _answer(embedded_client, condition=RLS, situation=[ANTICOAGULATED],
                     taking="warfarin")
    # Outside the VALUES blocks the answer's query is the file's (less its comments), word for
    # word.
    strip = re.compile(r"VALUES \?\w+ \{[^}]*\}")
    assert strip.sub("", answer["query"]) == strip.sub("", safety.runnable(text))
    assert answer["query"].startswith("# title: Is it safe for me?")


def test_openapi_describes_the_safety_api(embedded_client) -> None:
    spec = embedded_client.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/safety"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"condition", "outcome", "situation",
                                                            "taking"}
    assert "400" in operation["responses"]


# -- the command


def test_kg_safety_command(runner, disk_store) -> None:
    result = runner.invoke(main, ["--store", str(disk_store), "safety", RLS,
                                  "--situation", ANTICOAGULATED, "--taking", "warfarin"])
    assert result.exit_code == 0, result.output
    assert "Acupuncture (evidence: low)" in result.output
    assert "Severe bleeding disorders or anticoagulants (severity relative)" in result.output
    assert "why: You ticked “People taking anticoagulants”" in result.output
    assert "What this graph does not cover:" in result.output
    assert "Talk to a clinician" in result.output
    as_json = runner.invoke(main, ["--store", str(disk_store), "safety", RLS, "--format", "json"])
    assert json.loads(as_json.output)["condition"]["label"] == "Restless legs syndrome"
    bad = runner.invoke(main, ["--store", str(disk_store), "safety", "nope"])
    assert bad.exit_code == 2 and "There is no condition 'nope' in this graph." in bad.output
