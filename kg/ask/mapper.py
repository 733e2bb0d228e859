"""From a question to a checked query and its answer, or to an honest "cannot map"."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kg.ask.examples import INSTANCE, Example, examples, fill
from kg.ask.lexicon import Candidate, Lexicon, Mention, fold
from kg.ask.retrieve import STOP_WORDS, Retriever, Scored, slot_word
from kg.ask.schema import SchemaUnavailable, VoidSchema, check, values_variables
from kg.results import QueryResult
from kg.store import Store

# The least cosine similarity between a question and an example for the example to answer it.
# Set on bench/ask/questions.tsv (so the benchmark is not a held-out measure of it): the right
# examples scored 0.29 and up, an unrelated question ("how tall is Mount Everest") 0.22.
THRESHOLD = 0.25
MAX_QUESTION_LENGTH = 300
CLOSEST = 3


@dataclass(frozen=True)
class Mapping:
    example: Example
    fillers: tuple[Candidate, ...]
    query: str
    score: float


@dataclass
class Answer:
    question: str
    mentions: list[Mention]
    mapping: Mapping | None = None
    refusal: str = ""  # why no query answered, when none did
    closest: list[Scored] = field(default_factory=list)
    result: QueryResult | None = None
    truncated: bool = False
    seconds: float = 0.0

    @property
    def answered(self) -> bool:
        return self.result is not None

    def entities(self) -> list[str]:
        """The answer's entities: the distinct values of the query's first column."""
        if self.result is None or not self.result.variables:
            return []
        first = self.result.variables[0]
        return list(dict.fromkeys(str(v) for v in self.result.column(first) if v is not None))

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "question": self.question,
            "answered": self.answered,
            "mentions": [{"text": m.text, "entities": [c.iri for c in m.candidates]}
                         for m in self.mentions],
        }
        if self.mapping is not None:
            out["example"] = self.mapping.example.name
            out["title"] = self.mapping.example.title
            out["score"] = round(self.mapping.score, 3)
            out["slots"] = {s.term: f.iri for s, f in zip(self.mapping.example.slots,
                                                           self.mapping.fillers, strict=True)}
            out["sparql"] = self.mapping.query
        if self.refusal:
            out["refusal"] = self.refusal
        if self.closest:
            out["closest"] = [{"name": s.example.name, "title": s.example.title,
                               "score": round(s.score, 3)} for s in self.closest]
        if self.result is not None:
            out["variables"] = list(self.result.variables)
            out["rows"] = [{k: str(v) for k, v in row.items() if v is not None}
                           for row in self.result.dicts()]
            out["truncated"] = self.truncated
        return out


class QuestionTooLong(ValueError):
    pass


class Asker:
    """The examples, the retriever and the lexicon, read once; then each question is cheap."""

    def __init__(self, known_examples: Sequence[Example], lexicon: Lexicon,
                 threshold: float = THRESHOLD):
        self.examples = list(known_examples)
        self.lexicon = lexicon
        self.retriever = Retriever(self.examples,
                                   lambda text: _abstract(text, self.lexicon.find(text)))
        self.threshold = threshold
        self._checked: dict[str, tuple[VoidSchema, list[str]]] = {}
        # What each example without slots is about: the entities its title names.
        self.fixed = {e.name: frozenset(c.iri for m in lexicon.find(e.title) for c in m.candidates)
                      for e in self.examples if not e.slots}

    def problems(self, example: Example, schema: VoidSchema) -> list[str]:
        """The schema check of the example's query, once per example and schema.

        Checking the example as written is checking every filled query: filling a slot only
        writes another IRI in the slot's VALUES, and the lexicon offers only fillers of the
        slot's class, which is the class the check assumes for the slot's variable.
        """
        key = example.name
        cached = self._checked.get(key)
        if cached is None or cached[0] is not schema:
            known: dict[str, set[str]] = {}
            for slot in example.slots:
                if slot.relation == INSTANCE:
                    for variable in values_variables(example.text, slot.term):
                        known.setdefault(variable, set()).add(slot.cls)
            cached = self._checked[key] = (schema, check(example.text, schema, known))
        return cached[1]

    @classmethod
    def of(cls, store: Store) -> Asker:
        known = examples(store.namespaces)
        constraints = {s.constraint for e in known for s in e.slots}
        return cls(known, Lexicon.of(store, constraints))

    def map(self, question: str) -> tuple[Mapping | None, list[Mention], list[Scored]]:
        """The example that answers the question with its slots filled, or None; the
        mentions found and the examples ranked."""
        if len(question) > MAX_QUESTION_LENGTH:
            raise QuestionTooLong(f"The question is {len(question)} characters long; ask in "
                                  f"at most {MAX_QUESTION_LENGTH}.")
        mentions = self.lexicon.find(question)
        ranked = self.retriever.rank(question)
        for scored in ranked:
            if scored.score < self.threshold:
                break
            fillers = assign(scored.example, mentions, self.fixed.get(scored.example.name))
            if fillers is not None:
                query = fill(scored.example, [f.iri for f in fillers])
                return Mapping(scored.example, fillers, query, scored.score), mentions, ranked
        return None, mentions, ranked


def _abstract(question: str, mentions: Sequence[Mention]) -> str:
    """The question's words, each entity name replaced by the slot words it could fill."""
    words = fold(question)
    out: list[str] = []
    position = 0
    for mention in mentions:
        out.extend(words[position:mention.start])
        pairs = {pair for c in mention.candidates for pair in c.satisfies}
        out.extend(sorted(slot_word(*pair) for pair in pairs))
        position = mention.end
    out.extend(words[position:])
    return " ".join(w for w in out if w not in STOP_WORDS)


def assign(example: Example, mentions: Sequence[Mention],
           fixed: frozenset[str] | None = frozenset()) -> tuple[Candidate, ...] | None:
    """Fillers for the example's slots, one mention each and every mention used; None when the
    question names more, fewer or other entities than the example can take. `fixed`: the
    entities the title of an example without slots names.

    An example without slots answers only about what it names itself: the question must name
    the same entities as its title ("remedies for migraine" is not "remedies for restless
    legs")."""
    if not example.slots:
        if fixed is None:
            return None
        named = [{c.iri for c in m.candidates} for m in mentions]
        if all(ours & fixed for ours in named) and all(
                any(iri in ours for ours in named) for iri in fixed):
            return ()
        return None
    if len(mentions) != len(example.slots):
        return None
    for order in itertools.permutations(mentions):
        fillers = []
        for slot, mention in zip(example.slots, order, strict=True):
            fitting = [c for c in mention.candidates if slot.constraint in c.satisfies]
            if not fitting:
                break
            fillers.append(fitting[0])
        else:
            return tuple(fillers)
    return None


Runner = Callable[[str], tuple[QueryResult, bool]]


def answer(asker: Asker, question: str, schema: Callable[[], VoidSchema], run: Runner) -> Answer:
    """Map the question, check the query against the VoID schema, run it; or say why not."""
    start = time.perf_counter()
    mapping, mentions, ranked = asker.map(question)
    result = Answer(question, mentions, mapping)
    if mapping is None:
        result.refusal = _unmapped(mentions)
        result.closest = ranked[:CLOSEST]
    else:
        try:
            problems = asker.problems(mapping.example, schema())
        except SchemaUnavailable as exc:
            problems = [str(exc)]
        if problems:
            result.refusal = ("The query for this question did not pass the schema check, so "
                              "it was not run: " + "; ".join(problems))
            result.closest = ranked[:CLOSEST]
        else:
            result.result, result.truncated = run(mapping.query)
    result.seconds = time.perf_counter() - start
    return result


def _unmapped(mentions: Sequence[Mention]) -> str:
    if mentions:
        named = ", ".join(f"“{m.candidates[0].label}”" for m in mentions)
        return (f"I could not map this question to a query I can check. I recognised {named}, "
                "but none of the questions I know how to ask takes exactly that. The closest "
                "ones follow: open one and change it to what you meant.")
    return ("I could not map this question to a query I can check: it names nothing I found in "
            "the graph, and no question I know how to ask is close to it. The closest ones "
            "follow: open one and change it to what you meant.")
