"""Each canned question returns the seed's answer on the shipped data."""

from __future__ import annotations

from rdflib import URIRef

from kg.namespaces import ID
from kg.queries import canned_queries, canned_query


def _rows(store, name: str) -> list[dict]:
    return list(store.query(canned_query(name).text).dicts())


def test_every_canned_query_has_a_title_and_runs(store) -> None:
    queries = canned_queries()
    assert len(queries) >= 6
    for q in queries.values():
        assert q.title.endswith("?"), q.name
        assert q.description, q.name
        assert store.query(q.text).rows, f"{q.name} returned no rows"


def _slugs(rows: list[dict], column: str) -> set[str]:
    return {str(r[column]).rsplit("/", 1)[-1] for r in rows if column in r}


def test_remedies_targeting_dopamine_modulation(store) -> None:
    rows = _rows(store, "remedies-targeting-dopamine-modulation")
    # Acupuncture and electroacupuncture (the seed), the dopamine agonists and levodopa (their
    # drug's general mechanism and their RLS claims), metoclopramide (a dopamine antagonist)
    # and iron (a plausible dopamine link in RLS).
    assert _slugs(rows, "remedy") == {
        "acupuncture", "electroacupuncture", "pramipexole", "ropinirole", "rotigotine",
        "carbidopa-levodopa", "metoclopramide", "iron"}
    assert _slugs(rows, "claim") == {
        "acupuncture--restless-legs-syndrome", "electroacupuncture--restless-legs-syndrome",
        "pramipexole--restless-legs-syndrome", "ropinirole--restless-legs-syndrome",
        "rotigotine--restless-legs-syndrome", "carbidopa-levodopa--restless-legs-syndrome",
        "metoclopramide--gastroparesis", "iron--restless-legs-syndrome"}
    # Only dopamine modulation itself or narrower mechanisms, never siblings or broader ones.
    target = ID["mechanism/dopamine-modulation"]
    assert _slugs(rows, "mechanism") == {
        "dopamine-modulation", "dopamine-receptor-agonism", "dopamine-precursor",
        "dopamine-receptor-antagonism"}
    for mechanism in {r["mechanism"] for r in rows}:
        assert mechanism == target or store.query(
            f"ASK {{ <{mechanism}> <http://www.w3.org/2004/02/skos/core#broader>+ <{target}> }}"
        ).boolean, mechanism


def test_warnings_for_anticoagulated_patients(store) -> None:
    rows = _rows(store, "warnings-for-anticoagulated-patients")
    assert _slugs(rows, "warning") == {
        "bleeding-disorders-anticoagulants", "anticoagulant-bleeding", "ginkgo-anticoagulants",
        "fish-oil-anticoagulants", "turmeric-anticoagulants", "st-johns-wort-anticoagulants",
        "snri-anticoagulants-bleeding", "massage-bleeding-risk"}
    remedies = {r["warning"].rsplit("/", 1)[-1]: set(str(r["remedies"]).split(", "))
                for r in rows}
    # The seed's acupuncture warning, now also linked from the anticoagulants' claims.
    assert remedies["bleeding-disorders-anticoagulants"] == {
        "Acupuncture", "Electroacupuncture", "Warfarin", "Apixaban", "Rivaroxaban",
        "Enoxaparin (low-molecular-weight heparin)"}
    # A herb with no claim of its own is named by the interaction.
    assert remedies["ginkgo-anticoagulants"] == {
        "Ginkgo", "Warfarin", "Apixaban", "Rivaroxaban",
        "Enoxaparin (low-molecular-weight heparin)"}
    assert remedies["st-johns-wort-anticoagulants"] == {
        "St John's wort", "Warfarin", "Apixaban", "Rivaroxaban"}
    seed_warning = ID["warning/bleeding-disorders-anticoagulants"]
    bleeding = next(r for r in rows if r["warning"] == seed_warning)
    assert "hematoma" in str(bleeding["risk"]).lower()
    # The warning covers bleeding disorders too.
    assert "bleeding disorder" in str(bleeding["appliesTo"]).lower()
    # Warnings for groups that anticoagulated patients are not in stay out (warfarin in
    # pregnancy, anticoagulants with spinal anaesthesia).
    assert not any("pregnan" in str(r["appliesTo"]).lower() for r in rows)
    assert not any("spinal" in str(r["appliesTo"]).lower() for r in rows)


def test_remedies_for_restless_legs(store) -> None:
    rows = _rows(store, "remedies-for-restless-legs")
    by_level: dict[str, set[str]] = {}
    for r in rows:
        by_level.setdefault(str(r["evidenceLevelLabel"]), set()).add(
            str(r["remedy"]).rsplit("/", 1)[-1])
    assert by_level == {
        "moderate": {"gabapentin", "gabapentin-enacarbil", "iron", "pramipexole", "pregabalin",
                     "ropinirole", "rotigotine"},
        "low": {"acupuncture", "carbidopa-levodopa", "exercise", "pneumatic-compression"},
        "very low": {"electroacupuncture", "magnesium", "massage"},
    }
    ranks = [int(r["rank"]) for r in rows]
    assert ranks == sorted(ranks, reverse=True)
    iron = next(r for r in rows if r["remedy"] == ID["remedy/iron"])
    assert str(iron["populationLabel"]) == "People with low iron stores"
    assert str(iron["kindLabel"]) == "Supplement"


def test_acupoints_for_restless_legs(store) -> None:
    rows = _rows(store, "acupoints-for-restless-legs")
    assert {str(r["code"]) for r in rows} == {"ST36", "SP6", "GB41", "BL60"}
    st36 = next(r for r in rows if str(r["code"]) == "ST36")
    assert str(st36["pinyin"]) == "Zusanli"
    assert "Stomach" in str(st36["meridianLabel"])


def test_protocol_for_acupuncture_in_restless_legs(store) -> None:
    rows = _rows(store, "protocol-acupuncture-restless-legs")
    assert len(rows) == 2
    practice = next(r for r in rows if "courseWeeksMin" in r)
    assert (int(practice["sessionsPerWeekMin"]), int(practice["sessionsPerWeekMax"])) == (1, 2)
    assert (int(practice["courseWeeksMin"]), int(practice["courseWeeksMax"])) == (4, 6)
    assert (int(practice["totalSessionsMin"]), int(practice["totalSessionsMax"])) == (6, 12)
    assert (int(practice["maintenanceWeeksMin"]), int(practice["maintenanceWeeksMax"])) == (2, 4)
    trials = next(r for r in rows if r is not practice)
    assert (int(trials["sessionsPerWeekMin"]), int(trials["sessionsPerWeekMax"])) == (1, 3)
    assert (int(trials["sessionMinutesMin"]), int(trials["sessionMinutesMax"])) == (20, 40)
    assert int(trials["totalSessionsMin"]) == 10


def test_studies_for_restless_legs_claim_and_evidence_level(store) -> None:
    rows = _rows(store, "studies-acupuncture-restless-legs")
    assert {str(r["evidenceLevelLabel"]) for r in rows} == {"low"}
    designs = {str(r["designLabel"]) for r in rows}
    assert {"Systematic review", "Meta-analysis", "Randomized controlled trial", "Case report",
            "Trial protocol"} <= designs
    cochrane = next(r for r in rows if r["study"] == ID["study/cochrane-2008-acupuncture-rls"])
    assert str(cochrane["year"]) == "2008" and int(cochrane["participants"]) == 170
    rct = next(r for r in rows if str(r["designLabel"]) == "Randomized controlled trial")
    assert int(rct["participants"]) == 46
    # One design per study: the most specific one.
    assert len({r["study"] for r in rows}) == len(rows)


def test_conditions_for_acupuncture(store) -> None:
    rows = _rows(store, "conditions-for-acupuncture")
    conditions = {r["condition"] for r in rows}
    assert len(conditions) == 12
    assert URIRef(ID["condition/restless-legs-syndrome"]) in conditions
    # Only acupuncture's own claims: electroacupuncture's RLS claim is another remedy's.
    assert {str(r["claim"]).split("/")[-1].split("--")[0] for r in rows} == {"acupuncture"}
    ranks = [int(r["rank"]) for r in rows]
    assert ranks == sorted(ranks, reverse=True)
