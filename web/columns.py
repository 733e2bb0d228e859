"""Column headings for result tables: words, never query variable names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Between a lower-case letter or digit and a capital (camelCase); an identifier such as
# MONDO_0005090 or ST36 has none and stays whole.
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class Column:
    """One shown column: its variable, its heading, and the variable holding the top of a
    range when the query splits one into xMin and xMax (shown together as "1–3")."""

    variable: str
    title: str
    high: str | None = None


def words(name: str, *, sentence_case: bool = True) -> str:
    """`sessionsPerWeek` -> 'Sessions per week'; with sentence_case=False (names of things)
    `TraditionalChinese` -> 'Traditional Chinese'. Acronyms (ST36, KG) keep their capitals."""
    if sentence_case:
        name = name.replace("_", " ")
    parts = [p for part in name.split(" ") for p in _WORD_BREAK.split(part) if p]
    if not parts:
        return name
    shown = [parts[0][:1].upper() + parts[0][1:]]
    shown += [p if not sentence_case or (p.isupper() and len(p) > 1) else p.lower()
              for p in parts[1:]]
    return " ".join(shown)


def columns(variables: Sequence[str]) -> list[Column]:
    """The columns to show: xLabel labels column x (so it is not a column of its own unless
    x is missing), and xMin with xMax make one range column."""
    present = set(variables)
    shown = []
    for v in variables:
        if v.endswith("Label") and v[:-5] in present:
            continue
        if v.endswith("Max") and v[:-3] + "Min" in present:
            continue
        if v.endswith("Min") and v[:-3] + "Max" in present:
            shown.append(Column(v, words(v[:-3]), v[:-3] + "Max"))
        elif v.endswith("Label") and len(v) > 5:
            shown.append(Column(v, words(v[:-5])))
        else:
            shown.append(Column(v, words(v)))
    return shown
