"""The canned queries as examples to ask by: their words, their slots and how to refill them.

A slot header names a term of the query text and what a filler must be:

    # slot: condition:restless-legs-syndrome rkg:Condition      (an instance of the class)
    # slot: rkg:Herb subclass-of rkg:Remedy                     (a subclass of the class)

The file runs as written (the term is its default); `fill` writes other terms in its place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rdflib import URIRef

from kg.namespaces import CANONICAL, Namespaces
from kg.queries import canned_queries, header, sparql_term

INSTANCE = "a"
SUBCLASS = "subclass-of"

_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_NAME = r"[A-Za-z][\w-]*:[\w][\w.-]*(?<!\.)"


class SlotError(ValueError):
    """A `# slot:` header that does not say what the brief's format says."""


@dataclass(frozen=True)
class Slot:
    term: str  # as written in the query text, e.g. condition:restless-legs-syndrome
    iri: str  # the term expanded
    relation: str  # INSTANCE or SUBCLASS
    cls: str  # the class the filler is an instance (or a subclass) of

    @property
    def constraint(self) -> tuple[str, str]:
        return self.relation, self.cls


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    keywords: tuple[str, ...]
    text: str
    slots: tuple[Slot, ...]
    named: frozenset[str]  # every IRI the query text names (expanded)

    @property
    def words(self) -> str:
        """What the retriever reads: title, description and keywords."""
        return " ".join([self.title, self.description, *self.keywords])


def prefixes(text: str) -> dict[str, str]:
    return {(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(text)}


def expand(term: str, known: dict[str, str]) -> str:
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    prefix, sep, local = term.partition(":")
    if not sep or prefix not in known:
        raise SlotError(f"{term!r} is neither <IRI> nor a name with a declared prefix")
    return known[prefix] + local


def _body(text: str) -> str:
    """The query without its comment lines and PREFIX declarations."""
    return "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith("#") and not _PREFIX.match(line))


def parse_slots(text: str) -> tuple[Slot, ...]:
    known = prefixes(text)
    slots = []
    for line in text.splitlines():
        if not line.startswith("# slot:"):
            continue
        parts = line.split(":", 1)[1].split()
        if len(parts) == 2:
            term, relation, cls = parts[0], INSTANCE, parts[1]
        elif len(parts) == 3 and parts[1] == SUBCLASS:
            term, relation, cls = parts[0], SUBCLASS, parts[2]
        else:
            raise SlotError(f"bad slot header {line!r}: write '# slot: TERM CLASS' or "
                            f"'# slot: TERM {SUBCLASS} CLASS'")
        if not re.search(rf"(?<![\w:<-]){re.escape(term)}(?![\w-])", _body(text)):
            raise SlotError(f"slot {term!r} does not occur in the query")
        slots.append(Slot(term, expand(term, known), relation, expand(cls, known)))
    return tuple(slots)


def named_iris(text: str) -> frozenset[str]:
    known = prefixes(text)
    body = _body(text)
    found = {m.group(1) for m in re.finditer(r"<([^<>\s]+)>", body)}
    for m in re.finditer(rf"(?<![\w<?$]){_NAME}", body):
        prefix = m.group(0).partition(":")[0]
        if prefix in known:
            found.add(expand(m.group(0), known))
    return frozenset(found)


@lru_cache(maxsize=4)
def examples(namespaces: Namespaces = CANONICAL) -> tuple[Example, ...]:
    """Every canned query as an example, under the store's base (the files do not change while
    the process runs)."""
    return tuple(
        Example(q.name, q.title, q.description,
                tuple(k.strip() for k in header(q.text, "keywords").split(",") if k.strip()),
                q.text, parse_slots(q.text), named_iris(q.text))
        for q in canned_queries(namespaces).values())


def fill(example: Example, fillers: Sequence[str]) -> str:
    """The example's query with each slot's term replaced by its filler (checked IRIs)."""
    if len(fillers) != len(example.slots):
        raise ValueError(f"{example.name} has {len(example.slots)} slots, got {len(fillers)}")
    text = example.text
    for slot, filler in zip(example.slots, fillers, strict=True):
        written = sparql_term(URIRef(filler))
        pattern = re.compile(rf"(?<![\w:<-]){re.escape(slot.term)}(?![\w-])")
        lines = [line if line.lstrip().startswith("#") or _PREFIX.match(line)
                 else pattern.sub(lambda _m, w=written: w, line)
                 for line in text.splitlines()]
        text = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
    return text
