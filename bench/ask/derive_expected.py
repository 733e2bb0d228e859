"""Write bench/ask/questions.tsv: each question with the entities it should return, derived
by the hand-written SPARQL below (one query per question shape, written apart from the canned
queries and never through kg.ask), or REFUSE for a question the graph cannot answer.

    python bench/ask/derive_expected.py [--store var/store]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.store import open_store

P = """PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX id: <https://w3id.org/remedy-kg/id/>
"""

# Hand-written, one per shape; {0}, {1} are the entities the question names.
SHAPES = {
    "for-condition": "SELECT DISTINCT ?x { ?c rkg:condition <{0}> ; rkg:remedy ?x }",
    "good-evidence": "SELECT DISTINCT ?x { ?c rkg:condition <{0}> ; rkg:remedy ?x ; "
                     "rkg:evidenceLevel ?l . VALUES ?l { rkg:HighEvidence rkg:ModerateEvidence } }",
    "kind-for-condition": "SELECT DISTINCT ?x { ?c rkg:condition <{1}> ; rkg:remedy ?x . "
                          "?x a <{0}> }",
    "interacts": "SELECT DISTINCT ?x { ?i a rkg:Interaction . "
                 "{ ?i rkg:precipitant ?a ; rkg:object ?x } UNION "
                 "{ ?i rkg:object ?a ; rkg:precipitant ?x } "
                 "FILTER(?a = <{0}> || EXISTS { ?a rkg:member <{0}> }) }",
    "kind-interacts": "SELECT DISTINCT ?x { ?i a rkg:Interaction . "
                      "{ ?i rkg:precipitant ?a ; rkg:object ?b } UNION "
                      "{ ?i rkg:object ?a ; rkg:precipitant ?b } "
                      "FILTER(?a = <{1}> || EXISTS { ?a rkg:member <{1}> }) "
                      "?x a <{0}> . FILTER(?x = ?b || EXISTS { ?b rkg:member ?x }) }",
    "warnings": "SELECT DISTINCT ?x { ?x a rkg:Warning . "
                "{ ?x rkg:concerns|rkg:precipitant|rkg:object <{0}> } UNION "
                "{ ?x rkg:concerns|rkg:precipitant|rkg:object ?k . ?k rkg:member <{0}> } }",
    "studies": "SELECT DISTINCT ?x { ?c rkg:remedy <{0}> ; rkg:study ?x }",
    "studies-for": "SELECT DISTINCT ?x { ?c rkg:remedy <{0}> ; rkg:condition <{1}> ; "
                   "rkg:study ?x }",
    "mechanisms": "SELECT DISTINCT ?x { { ?c rkg:remedy <{0}> ; rkg:proposedMechanism ?s . "
                  "?s rkg:mechanism ?x } UNION { <{0}> rkg:generalMechanism ?x } }",
    "targeting": "SELECT DISTINCT ?x { ?m skos:broader* <{0}> . "
                 "{ ?c rkg:remedy ?x ; rkg:proposedMechanism/rkg:mechanism ?m } UNION "
                 "{ ?x rkg:generalMechanism ?m } }",
    "acupoints": "SELECT DISTINCT ?x { ?c rkg:condition <{0}> ; rkg:usesAcupoint ?x }",
    "population": "SELECT DISTINCT ?x { <{0}> skos:broader* ?g . ?x rkg:appliesTo ?g }",
    "remedy-population": "SELECT DISTINCT ?x { <{1}> skos:broader* ?g . ?x rkg:appliesTo ?g . "
                         "{ ?x rkg:concerns|rkg:precipitant|rkg:object <{0}> } UNION "
                         "{ ?x rkg:concerns|rkg:precipitant|rkg:object ?k . "
                         "?k rkg:member <{0}> } }",
    "adverse": "SELECT DISTINCT ?x { ?c rkg:remedy <{0}> ; rkg:adverseEvent ?x }",
    "outcome": "SELECT DISTINCT ?x { ?c rkg:outcome <{0}> ; rkg:remedy ?x }",
    "conditions": "SELECT DISTINCT ?x { ?c rkg:remedy <{0}> ; rkg:condition ?x }",
    "null-results": "SELECT DISTINCT ?x { ?x rkg:direction ?d . "
                    "VALUES ?d { rkg:NoEffect rkg:Harmful rkg:Inconclusive } }",
}

RKG = "https://w3id.org/remedy-kg/ontology#"
ID = "https://w3id.org/remedy-kg/id/"

# question, shape (or REFUSE), entities named (family/slug or rkg:Class)
QUESTIONS = [
    ("What helps fibromyalgia?", "for-condition", ["condition/fibromyalgia"]),
    ("which remedies are there for asthma", "for-condition", ["condition/asthma"]),
    ("treatments for gallstones", "for-condition", ["condition/gallstones"]),
    ("What can I do about scoliosis?", "for-condition", ["condition/scoliosis"]),
    ("remedies for lupus", "for-condition", ["condition/systemic-lupus-erythematosus"]),
    ("what works for varicose veins", "for-condition", ["condition/varicose-veins"]),
    ("Options for Sjogren's syndrome?", "for-condition", ["condition/sjogren-syndrome"]),
    ("what is good for gastroparesis", "for-condition", ["condition/gastroparesis"]),
    ("therapies for colorectal cancer", "for-condition", ["condition/colorectal-cancer"]),
    ("what helps with breast cancer", "for-condition", ["condition/breast-cancer"]),
    ("what helps fibromyalgai", "for-condition", ["condition/fibromyalgia"]),
    ("what can I take for restles legs", "for-condition", ["condition/restless-legs-syndrome"]),
    ("what helps restless legs with good evidence?", "good-evidence",
     ["condition/restless-legs-syndrome"]),
    ("which treatments for fibromyalgia are backed by strong evidence",
     "good-evidence", ["condition/fibromyalgia"]),
    ("proven remedies for asthma", "good-evidence", ["condition/asthma"]),
    ("which herbs help varicose veins?", "kind-for-condition",
     ["rkg:Herb", "condition/varicose-veins"]),
    ("which supplements help restless legs", "kind-for-condition",
     ["rkg:Supplement", "condition/restless-legs-syndrome"]),
    ("drugs for fibromyalgia", "kind-for-condition", ["rkg:Drug", "condition/fibromyalgia"]),
    ("which practices are used for breast cancer", "kind-for-condition",
     ["rkg:Practice", "condition/breast-cancer"]),
    ("what interacts with warfarin?", "interacts", ["remedy/warfarin"]),
    ("st johns wort interactions", "interacts", ["remedy/st-johns-wort"]),
    ("can I take ginkgo with other medicines", "interacts", ["remedy/ginkgo"]),
    ("what should I not combine with iron supplements", "interacts", ["remedy/iron"]),
    ("does turmeric interact with anything?", "interacts", ["remedy/turmeric"]),
    ("warfrin interactions", "interacts", ["remedy/warfarin"]),
    ("which herbs interact with warfarin?", "kind-interacts", ["rkg:Herb", "remedy/warfarin"]),
    ("Which supplements interact with warfarin", "kind-interacts",
     ["rkg:Supplement", "remedy/warfarin"]),
    ("which drugs interact with St. John's Wort?", "kind-interacts",
     ["rkg:Drug", "remedy/st-johns-wort"]),
    ("which herbs interact with apixaban", "kind-interacts", ["rkg:Herb", "remedy/apixaban"]),
    ("warnings for acupuncture", "warnings", ["remedy/acupuncture"]),
    ("what are the risks of massage?", "warnings", ["remedy/massage"]),
    ("precautions with pregabalin", "warnings", ["remedy/pregabalin"]),
    ("contraindications of compression stockings", "warnings", ["remedy/compression-stockings"]),
    ("what studies are there on iron supplements", "studies", ["remedy/iron"]),
    ("research on tai chi", "studies", ["remedy/tai-chi"]),
    ("clinical trials of yoga", "studies", ["remedy/yoga"]),
    ("studies on acupuncture for fibromyalgia", "studies-for",
     ["remedy/acupuncture", "condition/fibromyalgia"]),
    ("what does the research say about exercise for fibromyalgia", "studies-for",
     ["remedy/exercise", "condition/fibromyalgia"]),
    ("how does duloxetine work?", "mechanisms", ["remedy/duloxetine"]),
    ("mechanism of action of pregabalin", "mechanisms", ["remedy/pregabalin"]),
    ("how does acupunture work", "mechanisms", ["remedy/acupuncture"]),
    ("which remedies work through serotonin modulation", "targeting",
     ["mechanism/serotonin-modulation"]),
    ("what acts on dopamine modulation?", "targeting", ["mechanism/dopamine-modulation"]),
    ("remedies with anti-inflammatory effects", "targeting",
     ["mechanism/anti-inflammatory-effects"]),
    ("which acupoints are used for gallstones", "acupoints", ["condition/gallstones"]),
    ("acupuncture points for restless legs syndrome", "acupoints",
     ["condition/restless-legs-syndrome"]),
    ("which warnings apply to pregnant people", "population", ["population/pregnancy"]),
    ("warnings for people with uncontrolled epilepsy", "population",
     ["population/uncontrolled-seizures"]),
    ("what should people with bleeding disorders avoid", "population",
     ["population/bleeding-disorders"]),
    ("I have a pacemaker, what should I be careful with?", "population",
     ["population/implanted-electrical-devices"]),
    ("is yoga safe in pregnancy", "remedy-population", ["remedy/yoga", "population/pregnancy"]),
    ("is acupuncture safe for people taking blood thinners?", "remedy-population",
     ["remedy/acupuncture", "population/anticoagulated-patients"]),
    ("side effects of acupuncture", "adverse", ["remedy/acupuncture"]),
    ("what adverse events does electroacupuncture have", "adverse",
     ["remedy/electroacupuncture"]),
    ("what helps hot flushes", "outcome", ["outcome/hot-flushes"]),
    ("what reduces cancer-related fatigue?", "outcome", ["outcome/cancer-related-fatigue"]),
    ("what relieves back pain", "outcome", ["outcome/back-pain"]),
    ("what is yoga used for", "conditions", ["remedy/yoga"]),
    ("what conditions is gabapentin used for?", "conditions", ["remedy/gabapentin"]),
    ("what is tai chi good for", "conditions", ["remedy/tai-chi"]),
    ("what's the weather in Paris tomorrow?", "REFUSE", []),
    ("what is the capital of France", "REFUSE", []),
    ("how tall is Mount Everest", "REFUSE", []),
    ("which herbs interact with aspirin?", "REFUSE", []),
    ("does homeopathy cure cancer", "REFUSE", []),
    ("what is the right dose of melatonin", "REFUSE", []),
    ("best pizza in Naples", "REFUSE", []),
    ("what helps both fibromyalgia and asthma?", "REFUSE", []),
    ("remedies for migraine", "REFUSE", []),
    ("tell me a joke", "REFUSE", []),
    ("who is the president of the united states", "REFUSE", []),
    ("how much does acupuncture cost", "REFUSE", []),
]


def iri(name: str) -> str:
    return RKG + name.split(":", 1)[1] if name.startswith("rkg:") else ID + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", default="var/store")
    args = parser.parse_args()
    store = open_store(args.store, read_only=True)
    lines = ["question\texpected"]
    for question, shape, named in QUESTIONS:
        if shape == "REFUSE":
            lines.append(f"{question}\tREFUSE")
            continue
        query = P + SHAPES[shape]
        for n, name in enumerate(named):
            query = query.replace(f"{{{n}}}", iri(name))
        rows = sorted(str(r[0]).removeprefix(ID) for r in store.query(query).rows)
        assert rows, f"no rows for {question!r}: fix the question or the shape"
        lines.append(f"{question}\t{' '.join(rows)}")
    out = Path(__file__).with_name("questions.tsv")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 1} questions to {out}")


if __name__ == "__main__":
    main()
