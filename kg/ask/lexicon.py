"""The graph's names for the entities a question may mention, and finding them in a question.

Names are the labels and alternative labels of the entities that can fill a slot (read from
the store once: kg/answers/ask-lexicon.rq), plus two forms people type: the label without a
parenthesis ("Fish oil" for "Fish oil (omega-3 supplements)") and the IRI's last segment in words
("iron" for remedy:iron, whose label is "Iron supplements"). Words are compared folded (case,
accents, apostrophes, a plural -s), and a name of five letters or more also matches a close
misspelling ("warfrin").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.queries import bind, sparql_file
from kg.store import Store

MAX_WORDS = 8  # the longest name looked for, in words
FUZZY_CUTOFF = 0.86  # difflib ratio for a misspelt name; "warfrin" ~ "warfarin" is 0.93
FUZZY_MIN_LENGTH = 5


def fold(text: str) -> list[str]:
    """Words of a text as compared: no accents, lower case, no possessive, singular."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['’]s\b", "", text).replace("’", "").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text)
    return [_singular(w) for w in words]


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Candidate:
    iri: str
    label: str
    satisfies: frozenset[tuple[str, str]]  # (relation, class) pairs, as in a Slot.constraint


@dataclass(frozen=True)
class Mention:
    text: str  # the words of the question
    start: int  # word offsets in the folded question
    end: int
    candidates: tuple[Candidate, ...]
    exact: bool


@dataclass
class Lexicon:
    names: dict[str, list[Candidate]] = field(default_factory=dict)  # folded name -> entities
    by_length: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, store: Store, constraints: Iterable[tuple[str, str]]) -> Lexicon:
        wanted = set(constraints)
        classes = sorted({c for _, c in wanted})
        text = sparql_file("answers/ask-lexicon.rq", namespaces=store.namespaces)
        rows = store.query(bind(text, **{"class": [URIRef(c) for c in classes]})).dicts()
        satisfies: dict[str, set[tuple[str, str]]] = {}
        texts: dict[str, set[str]] = {}
        labels: dict[str, str] = {}
        for row in rows:
            entity = str(row["entity"])
            pair = (str(row["relation"]), str(row["class"]))
            if pair not in wanted:
                continue
            satisfies.setdefault(entity, set()).add(pair)
            labels[entity] = str(row["label"])
            texts.setdefault(entity, set()).update(_forms(str(row["text"]), entity))
        lexicon = cls()
        for entity, forms in texts.items():
            candidate = Candidate(entity, labels[entity], frozenset(satisfies[entity]))
            for form in forms:
                lexicon.names.setdefault(form, []).append(candidate)
        for name in lexicon.names:
            lexicon.by_length.setdefault(len(name.split()), []).append(name)
        return lexicon

    def find(self, question: str) -> list[Mention]:
        """The names in the question, longest first, none overlapping another."""
        words = fold(question)
        taken = [False] * len(words)
        found: list[Mention] = []
        for size in range(min(MAX_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(taken[start:start + size]):
                    continue
                phrase = " ".join(words[start:start + size])
                name, exact = self._lookup(phrase, size)
                if name is None:
                    continue
                found.append(Mention(phrase, start, start + size, tuple(self.names[name]), exact))
                taken[start:start + size] = [True] * size
        return sorted(found, key=lambda m: m.start)

    def _lookup(self, phrase: str, size: int) -> tuple[str | None, bool]:
        if phrase in self.names:
            return phrase, True
        if len(phrase) < FUZZY_MIN_LENGTH or phrase.isdigit():
            return None, False
        close = difflib.get_close_matches(phrase, self.by_length.get(size, []), n=1,
                                          cutoff=FUZZY_CUTOFF)
        return (close[0], False) if close else (None, False)


# Head words people leave out: "restless legs" for "Restless legs syndrome", "iron" for "Iron
# supplements".
_DROPPABLE_HEADS = {"syndrome", "disease", "disorder", "supplement", "tablet", "extract"}


def _forms(text: str, entity: str) -> set[str]:
    forms = {text, re.sub(r"\s*\([^)]*\)", "", text)}
    inside = re.findall(r"\(([^)]*)\)", text)
    forms.update(inside)
    local = re.split(r"[/#]", entity)[-1]
    forms.add(local.replace("-", " ") if "--" not in local else "")
    folded = {" ".join(fold(f)) for f in forms}
    for name in list(folded):
        head, _, last = name.rpartition(" ")
        if head and last in _DROPPABLE_HEADS:
            folded.add(head)
    return {f for f in folded if f}
