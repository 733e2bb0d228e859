"""Short names in free text: curators name other records in their notes by the Turtle short
names they write (`source:nccih-massage`, `warning:massage-bleeding-risk`, `rkg:seenAt`).

A page shows each one that names an entity of the graph as a link with its label; this module
only finds them. The text is cut into pieces (plain text, or a short name with the IRI it
stands for) that a template macro renders, so no HTML is built here, and the data keeps its
notes as written.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from rdflib import URIRef

from kg.namespaces import Namespaces

# A local name as the data writes them: slugs (lowercase, hyphens), WHO codes (ST36), ontology
# terms (seenAt); never ending in the punctuation that follows it in a sentence.
_LOCAL = r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?"
# Not inside a word, an address (http://...) or another short name.
_BEFORE = r"(?<![\w/:.#-])"


class Piece(NamedTuple):
    text: str
    iri: URIRef | None  # what the text names, when it is a short name


@cache
def _pattern(namespaces: Namespaces) -> tuple[re.Pattern[str], dict[str, str]]:
    """The short names of entity families (under the base's id/) and ontology terms."""
    prefixes = {prefix: ns for prefix, ns in namespaces.PREFIXES.items()
                if ns.startswith(str(namespaces.ID)) or ns == str(namespaces.RKG)}
    # Longest first, so remedy-class: is not read as remedy followed by "-class:".
    names = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"{_BEFORE}({names}):({_LOCAL})"), prefixes


def split(text: str, namespaces: Namespaces) -> list[Piece]:
    """The text as plain pieces and short names, in order; joined they give the text back."""
    pattern, prefixes = _pattern(namespaces)
    pieces: list[Piece] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            pieces.append(Piece(text[at:match.start()], None))
        pieces.append(Piece(match.group(0), URIRef(prefixes[match.group(1)] + match.group(2))))
        at = match.end()
    if at < len(text):
        pieces.append(Piece(text[at:], None))
    return pieces
