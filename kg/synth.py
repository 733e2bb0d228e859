"""A synthetic graph in our ontology at any scale, for benchmarks (`kg synth`).

Every record follows docs/modelling.md and docs/evidence-model.md, so the output passes the
shapes and the violation checks: claims about an outcome in a role, with supporting and
disputing studies, certainty adjustments and the evidence level the rule derives; studies with
a design, direction and venue; warnings and two-sided interactions; populations and mechanisms
as deep SKOS hierarchies; acupoints on the 14 meridians. Names are invented (pseudo-words from
the record's number, so every label is unique) and every record cites the synthetic source, so
the data can never be mistaken for curated facts.

The same (triples, seed) gives the same files byte for byte: one `random.Random(seed)` drives
every choice and the files are written in a fixed order. The text is written directly rather
than through rdflib, which would need minutes and gigabytes at a million triples.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.project import SOURCE_ROOT, Project

PREFIXES = """\
@prefix rkg: <https://w3id.org/remedy-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix acupoint: <https://w3id.org/remedy-kg/id/acupoint/> .
@prefix adverse-event: <https://w3id.org/remedy-kg/id/adverse-event/> .
@prefix claim: <https://w3id.org/remedy-kg/id/claim/> .
@prefix combination: <https://w3id.org/remedy-kg/id/combination/> .
@prefix condition: <https://w3id.org/remedy-kg/id/condition/> .
@prefix mechanism: <https://w3id.org/remedy-kg/id/mechanism/> .
@prefix meridian: <https://w3id.org/remedy-kg/id/meridian/> .
@prefix outcome: <https://w3id.org/remedy-kg/id/outcome/> .
@prefix outcome-measure: <https://w3id.org/remedy-kg/id/outcome-measure/> .
@prefix population: <https://w3id.org/remedy-kg/id/population/> .
@prefix protocol: <https://w3id.org/remedy-kg/id/protocol/> .
@prefix remedy: <https://w3id.org/remedy-kg/id/remedy/> .
@prefix remedy-class: <https://w3id.org/remedy-kg/id/remedy-class/> .
@prefix scheme: <https://w3id.org/remedy-kg/id/scheme/> .
@prefix source: <https://w3id.org/remedy-kg/id/source/> .
@prefix study: <https://w3id.org/remedy-kg/id/study/> .
@prefix warning: <https://w3id.org/remedy-kg/id/warning/> .
"""

# The 14 meridians by WHO code; acupoint codes start with their meridian's (a shape checks it).
MERIDIANS = ["LU", "LI", "ST", "SP", "HT", "SI", "BL", "KI", "PC", "TE", "GB", "LR", "GV", "CV"]
SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "sil", "dor", "pha", "ne", "qu", "zan", "bel",
             "tor", "im", "su", "gar", "wen", "yo", "cer", "dai", "fen", "hol", "jus"]
REMEDY_KINDS = [("Practice", "therapy"), ("Herb", "root extract"), ("Supplement", "supplement"),
                ("Drug", "tablets")]
DESIGNS = ["RandomizedControlledTrial", "RandomizedControlledTrial", "SystematicReview",
           "MetaAnalysis", "ClinicalTrial", "ObservationalStudy", "CaseSeries", "CaseReport",
           "TrialProtocol", "PreclinicalStudy", "Guideline"]
REVIEWED = ["RandomizedControlledTrial", "ClinicalTrial", "ObservationalStudy", "CaseSeries"]
DOWN_DOMAINS = ["RiskOfBias", "Inconsistency", "Indirectness", "Imprecision", "PublicationBias"]
UP_DOMAINS = ["LargeEffect", "DoseResponse"]
ROLES = ["TreatmentRole", "SymptomReliefRole", "PreventionRole", "AdjunctRole"]
STATUSES = ["CuratorAdded", "CuratorAssessed", "FromReference"]
INTERACTION_MECHANISMS = ["Cyp3a4PgpInduction", "AdditiveBleedingRisk", "AdditiveCnsDepression",
                          "SerotonergicEffect", "ReducedAbsorption", "DopamineAntagonism"]
LEVELS_BY_RANK = {4: "HighEvidence", 3: "ModerateEvidence", 2: "LowEvidence", 1: "VeryLowEvidence"}
SOURCE = "source:synthetic-benchmark-data"


def pseudo_word(number: int) -> str:
    """A pronounceable word, different for every number (base-24 digits as syllables)."""
    parts = []
    number += len(SYLLABLES)  # at least two syllables
    while number:
        number, digit = divmod(number, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(parts).capitalize()


def _text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


@dataclass
class EvidenceTable:
    """What kg/rules/evidence-level.rq reads from the ontology: starting ranks and level moves."""

    design_rank: dict[str, int]
    domain_change: dict[str, int]

    @classmethod
    def from_ontology(cls, root: Path = SOURCE_ROOT) -> EvidenceTable:
        # Read from the ontology rather than copied here, so the synthetic levels follow the
        # rule if the curators change the GRADE table.
        store = ox.Store()
        for path in sorted((root / "ontology").glob("*.ttl")):
            store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        rkg = "https://w3id.org/remedy-kg/ontology#"
        ranks = {
            row["design"].value.removeprefix(rkg): int(row["rank"].value)
            for row in store.query(f"SELECT ?design ?rank WHERE {{ ?design <{rkg}startingLevel>"
                                   f"/<{rkg}rank> ?rank }}")}
        changes = {
            row["domain"].value.removeprefix(rkg): int(row["change"].value)
            for row in store.query(f"SELECT ?domain ?change WHERE {{ ?domain <{rkg}levelChange>"
                                   " ?change }")}
        return cls(ranks, changes)


@dataclass
class _Writer:
    """Turtle blocks per file, and the number of triples written."""

    files: dict[str, list[str]] = field(default_factory=dict)
    triples: int = 0

    def record(self, file: str, subject: str, pairs: list[tuple[str, Obj]]) -> None:
        """One subject with its (predicate, object or objects) pairs."""
        body = []
        for predicate, value in pairs:
            objects = value if isinstance(value, list) else [value]
            self.triples += len(objects) + sum(getattr(o, "triples", 0) for o in objects)
            body.append(f"{predicate} {', '.join(objects)}")
        self.files.setdefault(file, []).append(f"{subject} " + " ;\n    ".join(body) + " .\n")

    def write(self, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in sorted(self.files):
            path = out / f"{name}.ttl"
            with path.open("w", encoding="utf-8") as handle:
                handle.write(f"# Synthetic benchmark data written by `kg synth`: invented, not "
                             f"curated.\n{PREFIXES}\n")
                handle.write("\n".join(self.files[name]))
            written.append(path)
        return written


class Blank(str):
    """A blank node's text, with the number of triples inside it."""

    triples: int


def _blank(pairs: list[tuple[str, str]]) -> Blank:
    node = Blank("[ " + " ; ".join(f"{p} {o}" for p, o in pairs) + " ]")
    node.triples = len(pairs)
    return node


Obj = str | list[str]


def _record(label: str, rng: random.Random) -> list[tuple[str, str]]:
    return [("rdfs:label", _text(label)), ("rkg:curationStatus", "rkg:" + rng.choice(STATUSES)),
            ("dcterms:source", SOURCE)]


def synthesize(triples: int, out: Path, seed: int = 0,
               table: EvidenceTable | None = None) -> tuple[list[Path], int]:
    """Write about `triples` data triples as Turtle files in `out`; returns files and count."""
    rng = random.Random(seed)
    table = table or EvidenceTable.from_ontology()
    w = _Writer()

    def scaled(per_million: int, least: int) -> int:
        return max(least, triples * per_million // 1_000_000)

    # ------------------------------------------------------------ sources and venues
    # Read sources, as the project's own are (rkg:seenAt): a graph whose every statement rests on
    # an unread work would make the unread-works check report each one, which no real data does.
    w.record("sources", SOURCE, [
        ("a", "rkg:Source"), ("rdfs:label", _text(f"Synthetic benchmark data (seed {seed})")),
        ("rkg:seenAt", "<https://example.org/synthetic/source>"),
        ("rkg:curationStatus", "rkg:CuratorAdded")])
    venues = [f"source:venue-{i}" for i in range(scaled(50, 5))]
    for i, venue in enumerate(venues):
        w.record("sources", venue, [("a", "rkg:Source"),
                                    ("rdfs:label", _text(f"Journal of {pseudo_word(i)} Medicine")),
                                    ("rkg:seenAt", f"<https://example.org/synthetic/venue/{i}>"),
                                    ("rkg:curationStatus", "rkg:CuratorAdded")])

    # ------------------------------------------------------------ populations (a tree)
    populations = [f"population:p{i}" for i in range(scaled(200, 8))]
    for i, population in enumerate(populations):
        pairs = [("a", "rkg:Population"), *_record(f"People with {pseudo_word(i)} risk", rng),
                 ("skos:prefLabel", _text(f"People with {pseudo_word(i)} risk")),
                 ("skos:definition", _text(f"People exposed to the {pseudo_word(i)} factor."))]
        if i:
            pairs.append(("skos:broader", populations[(i - 1) // 3]))
        w.record("populations", population, pairs)

    # ------------------------------------------------------------ meridians and acupoints
    # Own IRIs (x-LU, x-LU1), WHO codes as notations (the shapes ask for them): the synthetic
    # records can sit beside the shipped meridians and acupoints without merging into them.
    for i, code in enumerate(MERIDIANS):
        w.record("meridians", f"meridian:x-{code}", [
            ("a", "rkg:Meridian"), *_record(f"{code} meridian {pseudo_word(i)}", rng),
            ("skos:notation", f'"{code}"'), ("skos:prefLabel", _text(f"{code} meridian")),
            ("rkg:associatedOrgan", f"obo:UBERON_{9000000 + i:07d}"),
            ("rkg:meridianKind", "rkg:PrimaryMeridian" if i < 12 else "rkg:ExtraordinaryVessel")])
    acupoints = []
    # At most 99 points a meridian: the WHO code pattern has one or two digits.
    for i in range(min(scaled(500, 28), 14 * 99)):
        code = f"{MERIDIANS[i % 14]}{i // 14 + 1}"
        acupoints.append(f"acupoint:x-{code}")
        w.record("acupoints", acupoints[-1], [
            ("a", "rkg:Acupoint"), *_record(f"{code} {pseudo_word(i)}", rng),
            ("skos:notation", f'"{code}"'), ("rkg:meridian", f"meridian:x-{MERIDIANS[i % 14]}"),
            ("rkg:pinyin", f'"{pseudo_word(i)}"'),
            ("rkg:whoPage", f'{1 + i % 300}')])

    # ------------------------------------------------------------ mechanisms (deep hierarchy)
    w.record("mechanisms", "scheme:synthetic-mechanisms", [
        ("a", "skos:ConceptScheme"), ("rdfs:label", _text("Synthetic mechanisms")),
        ("skos:prefLabel", _text("Synthetic mechanisms"))])
    mechanisms = [f"mechanism:m{i}" for i in range(scaled(1000, 10))]
    for i, mechanism in enumerate(mechanisms):
        name = f"{pseudo_word(i)} pathway modulation"
        pairs = [("a", "rkg:Mechanism"), *_record(name, rng), ("skos:prefLabel", _text(name)),
                 ("skos:definition", _text(f"Changes the activity of the {pseudo_word(i)} "
                                           "pathway.")),
                 ("skos:inScheme", "scheme:synthetic-mechanisms")]
        if i:  # a binary tree: depth grows with the log of the count (10 levels at 1,000)
            pairs.append(("skos:broader", mechanisms[(i - 1) // 2]))
        w.record("mechanisms", mechanism, pairs)

    # ------------------------------------------------------------ conditions, outcomes, measures
    conditions = [f"condition:c{i}" for i in range(scaled(1200, 20))]
    for i, condition in enumerate(conditions):
        w.record("conditions", condition, [
            ("a", "rkg:Condition"), *_record(f"{pseudo_word(i)} syndrome", rng),
            ("skos:exactMatch", f"obo:MONDO_{9000000 + i:07d}"),
            ("skos:definition", _text(f"A disorder named after {pseudo_word(i)}."))])
    outcomes = [f"outcome:o{i}" for i in range(scaled(1500, 10))]
    for i, outcome in enumerate(outcomes):
        w.record("outcomes", outcome, [
            ("a", "rkg:Outcome"), *_record(f"{pseudo_word(i)} symptom severity", rng),
            ("skos:definition", _text(f"How severe the {pseudo_word(i)} symptoms are."))])
    measures = [f"outcome-measure:om{i}" for i in range(scaled(300, 3))]
    for i, measure in enumerate(measures):
        w.record("outcomes", measure, [
            ("a", "rkg:OutcomeMeasure"), *_record(f"{pseudo_word(i)} rating scale", rng),
            ("rkg:measures", rng.choice(conditions)),
            ("skos:definition", _text(f"A questionnaire scoring {pseudo_word(i)} severity."))])

    # ------------------------------------------------------------ remedies and classes
    remedies = [f"remedy:r{i}" for i in range(scaled(2500, 20))]
    for i, remedy in enumerate(remedies):
        kind, noun = REMEDY_KINDS[i % 4]
        pairs = [("a", f"rkg:{kind}"), *_record(f"{pseudo_word(i)} {noun}", rng),
                 ("rkg:whatItIs", _text(f"A {noun} prepared from {pseudo_word(i)}.")),
                 ("rkg:biomedicalView", _text("Thought to act on several pathways.")),
                 ("rkg:generalMechanism", rng.choice(mechanisms))]
        if kind == "Practice":
            pairs.append(("rkg:modality", "rkg:ManualModality"))
        w.record("remedies", remedy, pairs)
    classes = [f"remedy-class:rc{i}" for i in range(scaled(100, 2))]
    for i, remedy_class in enumerate(classes):
        members = sorted(rng.sample(remedies, 5))
        w.record("remedies", remedy_class, [
            ("a", "rkg:RemedyClass"), *_record(f"{pseudo_word(i)} agents", rng),
            ("rkg:member", members)])

    # ------------------------------------------------------------ warnings, interactions, harms
    warnings = [f"warning:w{i}" for i in range(scaled(2000, 10))]
    for i, warning in enumerate(warnings):
        kind = ("Contraindication", "Precaution", "Warning")[i % 3]
        w.record("warnings", warning, [
            ("a", f"rkg:{kind}"), *_record(f"{pseudo_word(i)} exposure", rng),
            ("rkg:concerns", rng.choice(remedies)),
            ("rkg:severity", rng.choice(["rkg:Absolute", "rkg:Relative", "rkg:Caution"])),
            ("rkg:appliesTo", rng.choice(populations)),
            ("rkg:risk", _text(f"May worsen {pseudo_word(i)} exposure.")),
            ("rkg:advice", _text("Ask a clinician first."))])
    # Interactions reach remedies through their sides; a claim links only plain warnings (the
    # quality checks refuse a claim linking an interaction its remedy is not a side of).
    for i in range(scaled(700, 5)):
        precipitant, other = rng.sample(remedies, 2)
        obj = rng.choice(classes) if i % 4 == 0 else other
        w.record("warnings", f"warning:x{i}", [
            ("a", "rkg:Interaction"), *_record(f"Interaction {pseudo_word(i)}", rng),
            ("rkg:precipitant", precipitant), ("rkg:object", obj),
            ("rkg:interactionMechanism", "rkg:" + rng.choice(INTERACTION_MECHANISMS)),
            ("rkg:consequence", _text("The other remedy's effect changes.")),
            ("rkg:seriousness", rng.choice(["rkg:MajorInteraction", "rkg:ModerateInteraction",
                                            "rkg:MinorInteraction"])),
            ("rkg:documentation", rng.choice(["rkg:EstablishedDocumentation",
                                              "rkg:ProbableDocumentation",
                                              "rkg:TheoreticalDocumentation"])),
            ("rkg:severity", "rkg:Relative"), ("rkg:appliesTo", rng.choice(populations)),
            ("rkg:advice", _text("Avoid the combination or monitor closely."))])
    harms = [f"adverse-event:ae{i}" for i in range(scaled(300, 5))]
    for i, harm in enumerate(harms):
        w.record("warnings", harm, [
            ("a", "rkg:AdverseEvent"), *_record(f"{pseudo_word(i)} reaction", rng),
            ("rkg:frequency", rng.choice(["rkg:Common", "rkg:Uncommon", "rkg:Rare"])),
            ("rkg:serious", "false")])

    # ------------------------------------------------------------ claims, with their studies
    studies: list[tuple[str, str, int]] = []  # (IRI, design, starting rank), for reuse
    guidelines: list[str] = []
    # One claim per remedy and condition: the duplicate-claims check allows more only for
    # another outcome, role or population, and its older form did not look at outcome and role.
    seen: set[tuple[str, str]] = set()
    number = 0
    while w.triples < triples:
        remedy, condition = rng.choice(remedies), rng.choice(conditions)
        if (remedy, condition) in seen:
            if len(seen) >= len(remedies) * len(conditions) // 2:
                raise RuntimeError("synth: too few remedies and conditions for the size asked")
            continue
        seen.add((remedy, condition))
        outcome = rng.choice(outcomes)
        number += 1
        claim = f"claim:{remedy.split(':')[1]}--{condition.split(':')[1]}"
        supporting, disputing, bearing = [], [], []
        start = 1  # a claim without a supporting study starts very low
        for _ in range(rng.randint(1, 4)):
            if studies and rng.random() < 0.25:
                study, design, rank = rng.choice(studies)
            else:
                study, design, rank = _study(w, rng, table, len(studies), remedy, condition,
                                             venues, populations)
                studies.append((study, design, rank))
                if design == "Guideline":
                    guidelines.append(study)
            target = (supporting if design not in ("TrialProtocol",) and rng.random() < 0.75
                      else bearing if design == "TrialProtocol" else disputing)
            if study not in supporting + disputing + bearing:
                target.append(study)
                if target is supporting:
                    start = max(start, rank)
        adjustments, change = [], 0
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            domain = rng.choice(DOWN_DOMAINS if rng.random() < 0.85 else UP_DOMAINS)
            steps = rng.choice([1, 1, 2])
            change += table.domain_change[domain] * steps
            adjustments.append(_blank([
                ("a", "rkg:CertaintyAdjustment"), ("rkg:gradeDomain", f"rkg:{domain}"),
                ("rkg:steps", str(steps)),
                ("rkg:justification", _text(f"{domain} in the pooled studies.")),
                ("dcterms:source", (supporting or bearing or disputing or [SOURCE])[0])]))
        level = LEVELS_BY_RANK[min(4, max(1, start + change))]
        role = rng.choice(ROLES)
        pairs = [
            ("a", "rkg:Claim"),
            *_record(f"{_label(remedy)} for {_label(outcome)} in {_label(condition)}",
                     rng),
            ("rkg:remedy", remedy), ("rkg:condition", condition), ("rkg:outcome", outcome),
            ("rkg:role", f"rkg:{role}"),
            ("rkg:summary", _text(f"Claim {number}: the remedy may help this outcome.")),
            ("rkg:evidenceSummary", _text("Synthetic evidence summary.")),
            ("rkg:evidenceLevel", f"rkg:{level}"),
            ("rkg:proposedMechanism", [_blank([
                ("a", "rkg:MechanismStatement"), ("rkg:mechanism", rng.choice(mechanisms)),
                ("rkg:support", rng.choice(["rkg:SupportSupportive", "rkg:SupportPlausible"])),
                ("dcterms:source", SOURCE)]) for _ in range(rng.randint(1, 3))]),
            ("rkg:warning", sorted(rng.sample(warnings, 3))),
            ("rkg:adverseEvent", rng.choice(harms)),
            ("rkg:upVotes", f'{rng.randint(0, 50)}'),
            ("rkg:downVotes", f'{rng.randint(0, 10)}'),
        ]
        if role == "AdjunctRole":
            pairs.append(("rkg:adjunctTo", rng.choice(remedies)))
        for predicate, group in (("rkg:supportingStudy", supporting),
                                 ("rkg:disputingStudy", disputing), ("rkg:study", bearing)):
            if group:
                pairs.append((predicate, group))
        if adjustments:
            pairs.append(("rkg:certaintyAdjustment", adjustments))
        if rng.random() < 0.3:
            pairs.append(("rkg:usesAcupoint", sorted(rng.sample(acupoints, 2))))
        if rng.random() < 0.2:
            pairs.append(("rkg:outcomeMeasure", rng.choice(measures)))
        if guidelines and rng.random() < 0.05:
            pairs.append(("rkg:recommendation", _blank([
                ("a", "rkg:GuidelineRecommendation"), ("rkg:guideline", rng.choice(guidelines)),
                ("rkg:strength", "rkg:ConditionalRecommendation"),
                ("rkg:recommendationDirection", "rkg:RecommendFor")])))
        if rng.random() < 0.3:
            protocol = f"protocol:{claim.split(':')[1]}--practice"
            pairs.append(("rkg:protocol", protocol))
            low = rng.randint(1, 3)
            w.record("claims", protocol, [
                ("a", "rkg:Protocol"), *_record(f"Practical protocol of claim {number}", rng),
                ("rkg:protocolKind", "rkg:PracticeProtocol"),
                ("rkg:sessionsPerWeek", _blank([("a", "rkg:Range"), ("schema:minValue", str(low)),
                                                ("schema:maxValue", str(low + 1))])),
                ("rkg:courseWeeks", _blank([("a", "rkg:Range"), ("schema:minValue", "4"),
                                            ("schema:maxValue", "8")])),
                ("rkg:advice", _text("Reassess after the first course."))])
        if rng.random() < 0.1:
            combination = f"combination:{claim.split(':')[1]}"
            pairs.append(("rkg:combination", combination))
            w.record("claims", combination, [
                ("a", "rkg:Combination"), *_record(f"Combination of claim {number}", rng),
                ("rkg:combinedWith", rng.choice(remedies)),
                ("rkg:reportedEffect", _text("Better than either alone in one trial."))])
        w.record("claims", claim, pairs)
    return w.write(out), w.triples


def _label(iri: str) -> str:
    """The pseudo-word name of a generated record, from its IRI's number (as it was written)."""
    kind, slug = iri.split(":")
    number = int(slug.lstrip("abcdefghijklmnopqrstuvwxyz"))
    noun = {"remedy": REMEDY_KINDS[number % 4][1], "condition": "syndrome",
            "outcome": "symptom severity"}[kind]
    return f"{pseudo_word(number)} {noun}"


def _study(w: _Writer, rng: random.Random, table: EvidenceTable, index: int, remedy: str,
           condition: str, venues: list[str], populations: list[str]) -> tuple[str, str, int]:
    """Write one study record; returns its IRI, design and starting rank (as the rule reads
    it: a review starts where the designs it included do)."""
    design = rng.choice(DESIGNS)
    study = f"study:s{index}"
    year = rng.randint(1990, 2025)
    name = f"{pseudo_word(index)} {design} of {_label(remedy)} in {_label(condition)}"
    pairs = [("a", f"rkg:{design}"), *_record(f"{name} ({year})", rng),
             ("dcterms:title", _text(name)), ("rkg:authors", f'"{pseudo_word(index)} A et al."'),
             ("rkg:year", f'"{year}"^^xsd:gYear'), ("rkg:publishedIn", rng.choice(venues)),
             ("rkg:direction", "rkg:NoResultsYet" if design == "TrialProtocol"
              else rng.choice(["rkg:Benefit", "rkg:Benefit", "rkg:NoClearDifference"])),
             ("rkg:finding", _text("The remedy group did better on the main outcome.")),
             ("rkg:intervention", remedy),
             ("rkg:participants", f'{rng.randint(10, 2000)}')]
    starts_as = design
    if design in ("SystematicReview", "MetaAnalysis"):
        starts_as = rng.choice(REVIEWED)
        pairs.append(("rkg:reviewOf", f"rkg:{starts_as}"))
    # Every record was read somewhere (the unread-works check expects it); half have a DOI.
    pairs.append(("rkg:seenAt", f"<https://example.org/synthetic/study/{index}>"))
    if rng.random() < 0.5:
        pairs.append(("rkg:doi", f'"10.9999/synthetic.{index}"'))
    if rng.random() < 0.2:
        pairs.append(("rkg:studyPopulation", rng.choice(populations)))
    w.record("studies", study, pairs)
    return study, design, table.design_rank.get(starts_as, 1)


def synthesize_project(project: Project, out: Path, triples: int,
                       seed: int = 0) -> tuple[list[Path], int]:
    """A project folder to build: copies of the project's ontology and shapes, synthetic data."""
    for folder in ("ontology", "shapes"):
        target = out / folder
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((project.root / folder).glob("*.ttl")):
            shutil.copyfile(path, target / path.name)
    return synthesize(triples, out / "data", seed, EvidenceTable.from_ontology(project.root))
