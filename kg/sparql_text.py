"""What can be read from a SPARQL text's prologue without parsing the query: where the prologue
(comments, PREFIX and BASE declarations) ends, whether it declares a BASE, and the query form
that follows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One prologue item at a time: space, a comment (to the end of its line: SPARQL ends lines at
# CR or LF), a PREFIX or a BASE declaration (IRIs hold no '>' and no spaces).
_PROLOGUE_ITEM = re.compile(r"\s+|#[^\r\n]*|PREFIX\s+[^\s:]*:\s*<[^>\s]*>|(BASE)\s*<[^>\s]*>",
                            re.IGNORECASE)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Prologue:
    end: int  # where the first character after the prologue is
    declares_base: bool


def prologue(text: str) -> Prologue:
    position, base = 0, False
    while match := _PROLOGUE_ITEM.match(text, position):
        base = base or bool(match.group(1))
        position = match.end()
    return Prologue(position, base)


def form_after_prologue(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE when that keyword comes right after the prologue;
    None otherwise (an update, or a text this reading cannot place: the parser will judge)."""
    match = _FORM.match(text, prologue(text).end)
    return match.group(1).upper() if match else None
