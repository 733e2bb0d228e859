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


def test_no_drug_or_supplement_acts_by_needle_stimulation(store) -> None:
    """Nervous-system activation is what a needle does: pharmacological mechanisms sit under the
    shared targets (dopamine modulation, ...), never under it."""
    rows = list(store.query("""
        PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX mechanism: <https://w3id.org/remedy-kg/id/mechanism/>
        SELECT DISTINCT ?remedy WHERE {
            ?mechanism skos:broaderTransitive? mechanism:nervous-system-activation .
            { ?claim rkg:remedy ?remedy ; rkg:proposedMechanism/rkg:mechanism ?mechanism }
            UNION { ?remedy rkg:generalMechanism ?mechanism }
            ?remedy a ?kind . VALUES ?kind { rkg:Drug rkg:Supplement rkg:Herb }
        }""").dicts())
    assert rows == []


def test_warnings_for_anticoagulated_patients(store) -> None:
    rows = _rows(store, "warnings-for-anticoagulated-patients")
    concerns: dict[str, set[str]] = {}
    for r in rows:
        concerns.setdefault(str(r["warning"]).rsplit("/", 1)[-1], set()).add(
            str(r["concerns"]).split("/id/", 1)[1])
    assert concerns == {
        # The seed's acupuncture warning concerns the needle practices only.
        "bleeding-disorders-anticoagulants": {"remedy/acupuncture", "remedy/electroacupuncture"},
        "massage-bleeding-risk": {"remedy/massage"},
        # For people at increased risk of bleeding, which anticoagulated patients are part of.
        "acupressure-bleeding-risk-or-pregnancy": {"remedy/acupressure"},
        "anticoagulant-bleeding": {"remedy-class/anticoagulants"},
        # Interactions name both sides; herbs without a claim of their own are named too.
        "ginkgo-anticoagulants": {"remedy/ginkgo", "remedy-class/anticoagulants"},
        "horse-chestnut-anticoagulants": {"remedy/horse-chestnut-seed-extract",
                                          "remedy-class/anticoagulants"},
        "fish-oil-anticoagulants": {"remedy/fish-oil", "remedy-class/anticoagulants"},
        "snri-anticoagulants-bleeding": {"remedy/duloxetine", "remedy-class/anticoagulants"},
        "turmeric-warfarin": {"remedy/turmeric", "remedy/warfarin"},
        "turmeric-anticoagulants": {"remedy/turmeric", "remedy/apixaban", "remedy/rivaroxaban",
                                    "remedy/enoxaparin"},
        "st-johns-wort-warfarin": {"remedy/st-johns-wort", "remedy/warfarin"},
        "st-johns-wort-apixaban": {"remedy/st-johns-wort", "remedy/apixaban"},
        "st-johns-wort-rivaroxaban": {"remedy/st-johns-wort", "remedy/rivaroxaban"},
    }
    seed_warning = ID["warning/bleeding-disorders-anticoagulants"]
    bleeding = next(r for r in rows if r["warning"] == seed_warning)
    assert "hematoma" in str(bleeding["risk"]).lower()
    assert all(r["severityLabel"] for r in rows)


def test_warfarins_warnings_are_its_own(store) -> None:
    """Warnings that concern warfarin, itself or through its class, name no other practice."""
    rows = list(store.query("""
        PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>
        PREFIX remedy: <https://w3id.org/remedy-kg/id/remedy/>
        SELECT DISTINCT ?warning WHERE {
            { ?warning rkg:concerns|rkg:precipitant|rkg:object remedy:warfarin }
            UNION
            { ?warning rkg:concerns|rkg:precipitant|rkg:object ?class .
              ?class rkg:member remedy:warfarin }
        }""").dicts())
    slugs = {str(r["warning"]).rsplit("/", 1)[-1] for r in rows}
    assert {"anticoagulant-bleeding", "st-johns-wort-warfarin", "turmeric-warfarin",
            "ginkgo-anticoagulants", "warfarin-pregnancy"} <= slugs
    assert not slugs & {"bleeding-disorders-anticoagulants", "massage-bleeding-risk",
                        "sterile-needles-licensed-practitioner"}


def test_remedies_for_restless_legs(store) -> None:
    rows = _rows(store, "remedies-for-restless-legs")
    by_level: dict[str, set[str]] = {}
    for r in rows:
        by_level.setdefault(str(r["evidenceLevelLabel"]), set()).add(
            str(r["remedy"]).rsplit("/", 1)[-1])
    # Levels derived from the studies (kg/rules/evidence-level.rq). Acupuncture has two claims:
    # alone or added to other care (low), and added to gabapentin in one small trial (very low).
    assert by_level == {
        "high": {"gabapentin-enacarbil", "pramipexole", "rotigotine"},
        "moderate": {"gabapentin", "iron", "pregabalin", "ropinirole"},
        "low": {"acupuncture", "carbidopa-levodopa", "exercise", "pneumatic-compression"},
        "very low": {"acupuncture", "electroacupuncture", "magnesium", "massage"},
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
    assert len(rows) >= 12
    designs = {str(r["designLabel"]) for r in rows}
    assert {"Systematic review", "Meta-analysis", "Randomized controlled trial", "Case report",
            "Trial protocol"} <= designs
    cochrane = next(r for r in rows if r["study"] == ID["study/cochrane-2008-acupuncture-rls"])
    assert str(cochrane["year"]) == "2008" and int(cochrane["participants"]) == 170
    # The seed's 46-patient trial of acupuncture added to gabapentin.
    rct = next(r for r in rows if r["study"] == ID["study/acupuncture-gabapentin-single-blind-rct"])
    assert str(rct["designLabel"]) == "Randomized controlled trial"
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


def test_studies_with_null_or_negative_results(store) -> None:
    rows = _rows(store, "studies-with-null-or-negative-results")
    pairs = {(str(r["claim"]).rsplit("/", 1)[-1], str(r["study"]).rsplit("/", 1)[-1])
             for r in rows}
    # The null trials behind the claims the issue found overstated, and acupuncture's own.
    assert {
        ("vitamin-d--colorectal-cancer", "manson-2019-vital-vitamin-d-cancer-prevention"),
        ("turmeric--colorectal-cancer", "cruz-correa-2018-curcumin-fap-adenomas"),
        ("fish-oil--sjogren-syndrome", "dream-2018-omega3-dry-eye-nejm"),
        ("fish-oil--sjogren-syndrome", "downie-2019-cochrane-omega3-dry-eye"),
        ("acupuncture--breast-cancer--hot-flushes",
         "chien-2017-plosone-acupuncture-hot-flush-breast-cancer-meta"),
        ("acupuncture--sjogren-syndrome", "zhou-2022-frontmed-acupuncture-primary-sjogren-rct"),
    } <= pairs
    assert len(rows) == len(pairs), "one row per claim and study"
    # The study's overall direction is shown: a trial that helped one outcome (Yang 2013:
    # symptoms) can still dispute a claim about another (gastric emptying).
    assert all(r.get("directionLabel") for r in rows)
    # Every row is a study that disputes the claim it is listed with.
    for claim, study in pairs:
        assert store.query(
            f"ASK {{ <{ID['claim/' + claim]}> "
            f"<https://w3id.org/remedy-kg/ontology#disputingStudy> <{ID['study/' + study]}> }}"
        ).boolean


def test_claims_resting_on_a_single_study(store) -> None:
    rows = _rows(store, "claims-resting-on-a-single-study")
    claims = {str(r["claim"]).rsplit("/", 1)[-1]: str(r["study"]).rsplit("/", 1)[-1]
              for r in rows}
    assert claims["acupuncture--restless-legs-syndrome--adjunct-to-gabapentin"] == (
        "acupuncture-gabapentin-single-blind-rct")
    # Claims with several supporting studies stay out (pregabalin in fibromyalgia has the
    # Cochrane review as well as Crofford 2005).
    assert "pregabalin--fibromyalgia" not in claims
    assert "acupuncture--restless-legs-syndrome" not in claims
    assert "pramipexole--restless-legs-syndrome" not in claims
    counts = {row["claim"]: int(row["n"]) for row in store.query("""
        PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>
        SELECT ?claim (COUNT(DISTINCT ?s) AS ?n) WHERE { ?claim rkg:supportingStudy ?s }
        GROUP BY ?claim""").dicts()}
    assert {str(c).rsplit("/", 1)[-1] for c, n in counts.items() if n == 1} == set(claims)


def test_remedies_for_cancer_related_pain(store) -> None:
    rows = _rows(store, "remedies-for-cancer-related-pain")
    assert {(str(r["remedy"]).rsplit("/", 1)[-1], str(r["condition"]).rsplit("/", 1)[-1])
            for r in rows} == {
        ("acupuncture", "breast-cancer"), ("acupuncture", "lung-cancer"),
        ("acupuncture", "colorectal-cancer")}
    assert {str(r["roleLabel"]) for r in rows} == {"symptom relief"}
    # Claims about other outcomes in the same cancers stay out (duloxetine's neuropathy,
    # the anticoagulants' thromboembolism, acupuncture's hot flushes).
    assert not any("neuropathy" in str(r["claimLabel"]) or "thromboembolism" in
                   str(r["claimLabel"]) for r in rows)
