""""Is it safe for me?": the remedies for a condition with the warnings and interactions that
apply to a visitor's situation, each with the rule of the graph that matched.

One SPARQL query answers a question (kg/answers/safety.rq, values bound in its VALUES blocks);
this module checks the question against what the graph holds, binds it, and shapes the rows
into an answer that the page, the JSON API and `kg safety` all show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from kg.namespaces import CANONICAL, Namespaces
from kg.queries import bind, sparql_file
from kg.store import Store

# More ticks than the graph has populations (or a long medicine list) is not a question a
# person asks; it is refused before any query runs.
MAX_SITUATIONS = 40
MAX_MEDICINES = 20
MAX_VALUE_LENGTH = 300

# A matched warning of this severity, or an interaction of this seriousness, puts the remedy
# among those to avoid (the ontology defines them as "do not use" and "avoid the combination").
# Ontology terms are compared by their name in the ontology (after "ontology#"), so the answer
# reads the same under whichever base the store was built.
AVOID_SEVERITY = "Absolute"
AVOID_SERIOUSNESS = "MajorInteraction"
WARNING_KINDS = ("Contraindication", "Precaution", "Interaction")
ONTOLOGY = "ontology#"


def ontology_name(iri: str) -> str | None:
    """The term's name if the IRI is one of the ontology's (rkg:Interaction -> Interaction)."""
    head, sep, name = iri.rpartition(ONTOLOGY)
    return name if sep and head.endswith("/") else None


class SafetyInputError(ValueError):
    """The question names something the graph does not hold, or is malformed."""


@cache
def answer_query(name: str, namespaces: Namespaces = CANONICAL) -> str:
    """A SPARQL file of kg/answers/ (safety, safety-options, evidence-map)."""
    return sparql_file(f"answers/{name}.rq", namespaces=namespaces)


@dataclass(frozen=True)
class Term:
    iri: str
    label: str
    rank: int | None = None


@dataclass
class Options:
    """What the graph lets a visitor ask about."""

    conditions: dict[str, Term] = field(default_factory=dict)
    outcomes: dict[str, dict[str, Term]] = field(default_factory=dict)  # by condition
    populations: dict[str, Term] = field(default_factory=dict)
    broader: dict[str, Term] = field(default_factory=dict)  # population -> broader group
    medicines: dict[str, Term] = field(default_factory=dict)
    medicine_kinds: dict[str, str] = field(default_factory=dict)


def options(store: Store) -> Options:
    """The conditions, outcomes, populations and medicines of the graph."""
    found = Options()
    for row in store.query(answer_query("safety-options", store.namespaces)).dicts():
        kind, item = str(row["kind"]), str(row["item"])
        term = Term(item, str(row["itemLabel"]))
        if kind == "condition":
            found.conditions[item] = term
        elif kind == "outcome":
            found.outcomes.setdefault(str(row["of"]), {})[item] = term
        elif kind == "population":
            found.populations[item] = term
            if "group" in row:
                found.broader[item] = Term(str(row["group"]), str(row["groupLabel"]))
        elif kind == "medicine":
            found.medicines[item] = term
            found.medicine_kinds[item] = str(row.get("groupLabel", ""))
    return found


@dataclass(frozen=True)
class Question:
    condition: Term
    outcome: Term | None
    situations: tuple[Term, ...]
    medicines: tuple[Term, ...]
    namespaces: Namespaces = CANONICAL  # the base of the store it is asked of


def _resolve(value: str, family: str, known: dict[str, Term], what: str,
             namespaces: Namespaces, where: str = "in this graph") -> Term:
    """A slug ("warfarin") or a full IRI of the family, checked against the graph."""
    value = value.strip()
    if not value:
        raise SafetyInputError(f"Give a {what}.")
    if len(value) > MAX_VALUE_LENGTH:
        raise SafetyInputError(f"The {what} is longer than {MAX_VALUE_LENGTH} characters.")
    prefix = f"{namespaces.ID}{family}/"
    term = known.get(value if value.startswith(prefix) else prefix + value)
    if term is None:
        raise SafetyInputError(f"There is no {what} {value!r} {where}.")
    return term


def question(found: Options, condition: str, outcome: str = "",
             situations: Sequence[str] = (), medicines: Sequence[str] = (),
             namespaces: Namespaces = CANONICAL) -> Question:
    """Check a question against the graph; SafetyInputError says what is wrong."""
    if len(situations) > MAX_SITUATIONS:
        raise SafetyInputError(
            f"{len(situations)} situations were given; at most {MAX_SITUATIONS} are accepted.")
    if len(medicines) > MAX_MEDICINES:
        raise SafetyInputError(
            f"{len(medicines)} medicines were given; at most {MAX_MEDICINES} are accepted.")
    cond = _resolve(condition, "condition", found.conditions, "condition", namespaces)
    out = None
    if outcome.strip():
        out = _resolve(outcome, "outcome", found.outcomes.get(cond.iri, {}), "outcome", namespaces,
                       f"among the outcomes of the claims for {cond.label}")
    sits = tuple(dict.fromkeys(_resolve(s, "population", found.populations, "situation", namespaces)
                               for s in situations))
    meds = tuple(dict.fromkeys(_resolve(m, "remedy", found.medicines, "medicine", namespaces)
                               for m in medicines))
    return Question(cond, out, sits, meds, namespaces)


def query_text(q: Question) -> str:
    """The one SPARQL query that answers the question, its values bound.

    Every value is bound as a list, so only the VALUES rows change: the text a visitor sees and
    runs is the file's, word for word (a single term would also be written into the patterns).
    """
    values: dict[str, Node | list[Node]] = {
        "condition": [URIRef(q.condition.iri)],
        "situation": [URIRef(t.iri) for t in q.situations],
        "taking": [URIRef(t.iri) for t in q.medicines],
    }
    if q.outcome is not None:
        values["outcome"] = [URIRef(q.outcome.iri)]
    return bind(runnable(answer_query("safety", q.namespaces)), **values)


def runnable(text: str) -> str:
    """The query without its comment lines (its title kept): the text that runs and that the
    query UI opens, short enough for a link; kg/answers/*.rq keep the comments."""
    return "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith("#") or line.startswith("# title:")) + "\n"


# ---------------------------------------------------------------- the answer


@dataclass
class Match:
    """One rule of the graph that made a warning apply, and why, in words."""

    rule: str  # "situation", "everyone" or "medicine"
    why: str
    situation: Term | None = None
    applies_to: Term | None = None
    through: Term | None = None
    taking: Term | None = None


@dataclass
class WarningAnswer:
    iri: str
    label: str
    kind: str
    severity: Term | None = None
    matches: list[Match] = field(default_factory=list)
    only_for: Term | None = None  # the modality it is restricted to, for this remedy
    not_for: list[Term] = field(default_factory=list)  # the remedy's other modalities
    applies_to: list[Term] = field(default_factory=list)
    risk: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    sources: list[Term] = field(default_factory=list)
    precipitant: list[Term] = field(default_factory=list)
    object: list[Term] = field(default_factory=list)
    mechanism: Term | None = None
    consequence: list[str] = field(default_factory=list)
    seriousness: Term | None = None
    documentation: Term | None = None

    @property
    def is_interaction(self) -> bool:
        return ontology_name(self.kind) == "Interaction"

    @property
    def rank(self) -> tuple[int, int]:
        return ((self.seriousness.rank or 0) if self.seriousness else 0,
                (self.severity.rank or 0) if self.severity else 0)


@dataclass
class ClaimAnswer:
    iri: str
    label: str
    outcome: Term
    role: Term
    level: Term | None


@dataclass
class RemedyAnswer:
    iri: str
    label: str
    claims: list[ClaimAnswer] = field(default_factory=list)
    warnings: list[WarningAnswer] = field(default_factory=list)
    avoid_because: list[str] = field(default_factory=list)

    @property
    def level(self) -> Term | None:
        """The best derived level among its claims for the condition."""
        levels = [c.level for c in self.claims if c.level is not None]
        return max(levels, key=lambda t: t.rank or 0) if levels else None


@dataclass
class Answer:
    question: Question
    remedies: list[RemedyAnswer]  # to consider, best evidence first
    avoid: list[RemedyAnswer]  # to avoid, with why
    not_covered: list[str]
    query: str

    def to_dict(self) -> dict[str, Any]:
        def remedy(r: RemedyAnswer) -> dict[str, Any]:
            out = asdict(r)
            out["level"] = asdict(r.level) if r.level else None
            return out

        return {
            "condition": asdict(self.question.condition),
            "outcome": asdict(self.question.outcome) if self.question.outcome else None,
            "situations": [asdict(t) for t in self.question.situations],
            "medicines": [asdict(t) for t in self.question.medicines],
            "remedies": [remedy(r) for r in self.remedies],
            "avoid": [remedy(r) for r in self.avoid],
            "not_covered": self.not_covered,
            "notice": NOTICE,
            "query": self.query,
        }


NOTICE = ("Information, not medical advice. A remedy without a warning here is not shown to be "
          "safe: this graph records only the warnings and interactions its sources state. "
          "Talk to a clinician before starting, stopping or combining treatments.")


def answer(store: Store, q: Question) -> Answer:
    """Run the question's one query and shape its rows."""
    text = query_text(q)
    return shape(q, store.query(text).dicts(), text)


def _term(row: dict[str, Node], name: str, rank: str | None = None) -> Term | None:
    if name not in row:
        return None
    label = row.get(f"{name}Label")
    value = row.get(rank) if rank else None
    return Term(str(row[name]), str(label) if label is not None else str(row[name]),
                int(value) if value is not None else None)  # type: ignore[arg-type]


def shape(q: Question, rows: Iterable[dict[str, Node]], text: str) -> Answer:
    remedies: dict[str, RemedyAnswer] = {}
    facts: dict[str, list[dict[str, Node]]] = {}
    matches: list[dict[str, Node]] = []
    for row in rows:
        iri = str(row["remedy"])
        remedy = remedies.setdefault(iri, RemedyAnswer(iri, str(row["remedyLabel"])))
        part = str(row["part"])
        if part == "claim":
            if all(c.iri != str(row["claim"]) for c in remedy.claims):
                remedy.claims.append(ClaimAnswer(
                    str(row["claim"]), str(row["claimLabel"]), _term(row, "outcome"),
                    _term(row, "role"), _term(row, "level", "levelRank")))
        elif part == "fact":
            facts.setdefault(str(row["warning"]), []).append(row)
        elif part == "match":
            matches.append(row)
    warnings: dict[tuple[str, str], WarningAnswer] = {}
    for row in matches:
        remedy = remedies[str(row["remedy"])]
        key = (remedy.iri, str(row["warning"]))
        if key not in warnings:
            warnings[key] = _warning(str(row["warning"]), facts.get(str(row["warning"]), []))
            remedy.warnings.append(warnings[key])
        _add_match(warnings[key], remedy, row)
    for remedy in remedies.values():
        remedy.claims.sort(key=lambda c: (-((c.level.rank or 0) if c.level else 0), c.label))
        remedy.warnings.sort(key=lambda w: (tuple(-r for r in w.rank), w.label))
        remedy.avoid_because = _avoid_because(remedy)
    ranked = sorted(remedies.values(),
                    key=lambda r: (-((r.level.rank or 0) if r.level else 0), r.label.lower()))
    return Answer(q, [r for r in ranked if not r.avoid_because],
                  [r for r in ranked if r.avoid_because], _not_covered(q, matches), text)


def _warning(iri: str, rows: list[dict[str, Node]]) -> WarningAnswer:
    w = WarningAnswer(iri, iri.rsplit("/", 1)[-1], "")
    seen: set[tuple[str, str]] = set()
    for row in rows:
        prop, value = str(row["property"]), row["value"]
        if (prop, str(value)) in seen:
            continue
        seen.add((prop, str(value)))
        term = _term(row, "value", "valueRank")
        assert term is not None
        name = prop.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name == "label":
            w.label = str(value)
        elif name == "type":
            w.kind = str(value)
        elif name in ("risk", "advice", "consequence"):
            getattr(w, name).append(str(value))
        elif name == "source":
            w.sources.append(term)
        elif name in ("precipitant", "object"):
            getattr(w, name).append(term)
        elif name == "appliesTo":
            w.applies_to.append(term)
        elif name == "interactionMechanism":
            w.mechanism = term
        elif name in ("severity", "seriousness", "documentation"):
            setattr(w, name, term)
    for terms in (w.sources, w.precipitant, w.object, w.applies_to):
        terms.sort(key=lambda t: t.label.lower())
    return w


def _add_match(w: WarningAnswer, remedy: RemedyAnswer, row: dict[str, Node]) -> None:
    rule = str(row["rule"])
    through = _term(row, "through")
    situation, applies_to = _term(row, "situation"), _term(row, "appliesTo")
    taking, side = _term(row, "taking"), _term(row, "takingSide")
    scope, other = _term(row, "scope"), _term(row, "otherModality")
    if scope is not None and ("scopeHeld" not in row or other is not None):
        w.only_for = scope
        if other is not None and other not in w.not_for:
            w.not_for.append(other)
    if rule == "situation":
        assert situation is not None and applies_to is not None
        about = through.label if through is not None else remedy.label
        why = (f"You ticked “{situation.label}”, and this warning about {about} applies to "
               f"“{applies_to.label}”")
        if applies_to.iri != situation.iri:
            why += ", a broader group that includes it"
    elif rule == "everyone":
        why = f"A general precaution for everyone who uses {remedy.label}"
    else:
        assert taking is not None
        why = f"You take {taking.label}"
        if side is not None and side.iri != taking.iri:
            why += f" (one of {side.label})"
        acts = "acts on" if str(row.get("remedySide")) == "precipitant" else "is acted on by"
        why += f"; {remedy.label} {acts} it"
        if w.mechanism is not None:
            why += f" through {w.mechanism.label}"
        if w.consequence:
            why += f": {w.consequence[0].rstrip('.')}"
    if through is not None and through.iri != remedy.iri:
        if rule == "medicine" or through.iri in {t.iri for t in w.precipitant + w.object}:
            why += f" ({remedy.label} is one of {through.label})"
        elif ontology_name(through.iri) is not None:
            why += f"; it concerns {through.label}, a way {remedy.label} is given"
        else:
            why += f"; it concerns {through.label}, of which {remedy.label} is one"
    match = Match(rule, why + ".", situation, applies_to, through, taking)
    # One match per rule and situation or medicine: the remedy named directly wins over a
    # class or modality it reaches the warning through.
    key = (rule, situation, applies_to, taking)
    for i, m in enumerate(w.matches):
        if (m.rule, m.situation, m.applies_to, m.taking) == key:
            if through is not None and through.iri == remedy.iri:
                w.matches[i] = match
            return
    w.matches.append(match)


def _avoid_because(remedy: RemedyAnswer) -> list[str]:
    reasons = []
    for w in remedy.warnings:
        if w.only_for is not None or all(m.rule == "everyone" for m in w.matches):
            continue  # a modality-only warning leaves the rest of the remedy open
        if w.severity is not None and ontology_name(w.severity.iri) == AVOID_SEVERITY:
            reasons.append(f"{w.label}: an absolute contraindication ({w.matches[0].why})")
        elif (w.seriousness is not None and ontology_name(w.seriousness.iri) == AVOID_SERIOUSNESS
              and any(m.rule == "medicine" for m in w.matches)):
            reasons.append(f"{w.label}: a major interaction, avoid the combination "
                           f"({next(m.why for m in w.matches if m.rule == 'medicine')})")
    return reasons


def _not_covered(q: Question, matches: list[dict[str, Node]]) -> list[str]:
    """What the graph does not say about this question, in words."""
    matched_situations = {str(r["situation"]) for r in matches if "situation" in r}
    matched_medicines = {str(r["taking"]) for r in matches if "taking" in r}
    lines = []
    for t in q.situations:
        if t.iri not in matched_situations:
            lines.append(f"No warning in this graph about the remedies for {q.condition.label} "
                         f"applies to “{t.label}”. That is not evidence that they are safe for "
                         f"you: the graph holds only what its sources state.")
    for t in q.medicines:
        if t.iri not in matched_medicines:
            lines.append(f"No interaction between {t.label} and the remedies for "
                         f"{q.condition.label} is recorded in this graph. Interactions it does "
                         f"not record may still exist.")
    lines.append("The graph covers only the remedies, warnings and interactions its curators "
                 "have recorded from the cited sources; it does not know your dose, your other "
                 "conditions or medicines outside it, nor weigh them for you.")
    return lines


def as_text(a: Answer) -> str:
    """The answer in plain text, for `kg safety`."""
    q = a.question
    lines = [f"Remedies for {q.condition.label}"
             + (f", for {q.outcome.label}" if q.outcome else "")
             + (f"; situation: {', '.join(t.label for t in q.situations)}" if q.situations else "")
             + (f"; taking: {', '.join(t.label for t in q.medicines)}" if q.medicines else ""),
             NOTICE, ""]

    def remedy(r: RemedyAnswer) -> None:
        level = r.level.label if r.level else "no level derived"
        lines.append(f"* {r.label} (evidence: {level})")
        for why in r.avoid_because:
            lines.append(f"    AVOID: {why}")
        for w in r.warnings:
            axes = [f"severity {w.severity.label}"] if w.severity else []
            if w.is_interaction:
                axes += [f"seriousness {w.seriousness.label if w.seriousness else 'not stated'}",
                         f"documentation "
                         f"{w.documentation.label if w.documentation else 'not stated'}"]
            lines.append(f"  - {w.label} ({'; '.join(axes)})")
            if w.only_for:
                lines.append(f"      only when {r.label} is given as {w.only_for.label}"
                             + (f"; not about {', '.join(t.label for t in w.not_for)}"
                                if w.not_for else ""))
            for m in w.matches:
                lines.append(f"      why: {m.why}")
            if w.mechanism:
                lines.append(f"      mechanism: {w.mechanism.label}")
            for t in w.advice:
                lines.append(f"      {'management' if w.is_interaction else 'advice'}: {t}")
            if w.sources:
                lines.append(f"      sources: {', '.join(t.label for t in w.sources)}")

    for r in a.remedies:
        remedy(r)
    if a.avoid:
        lines += ["", "Remedies to avoid in this situation:"]
        for r in a.avoid:
            remedy(r)
    lines += ["", "What this graph does not cover:"]
    lines += [f"  {line}" for line in a.not_covered]
    lines += ["", "Talk to a clinician: they know your health, your doses and the medicines this "
              "graph does not hold."]
    return "\n".join(lines)
